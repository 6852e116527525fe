import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { Deployment, spokeEnforcerName } from '../lambda/settings/index.js';
import { AUDIT_TABLE, POLICIES_TABLE } from '../lambda/tables.js';
import type { OrganizationTargets, StackConfig } from './config.js';
import {
  auditTablePolicy,
  policiesTablePolicy,
  type SpokeAccess,
  topicKeyStatement,
  topicPublishStatement,
} from './hub-access.js';
import { type HubEntries, HubFunctions } from './hub-functions.js';
import { HubObservability } from './hub-observability.js';
import { Notifications } from './notifications.js';
import { StackOutput } from './outputs.js';
import { PolicyChanges } from './policy-changes.js';
import { runsStoppedWindow } from './runs-stopped-window.js';
import { SpokeRollout } from './spoke-rollout.js';
import { tableFromDefinition } from './tables.js';

/** The hub's table names, `<stackName>-policies` and `<stackName>-audit`: fixed, so their policies can name them. */
export function hubTableNames(stackName: string): { readonly policies: string; readonly audit: string } {
  return { policies: `${stackName}-policies`, audit: `${stackName}-audit` };
}

/**
 * How long a spoke may stay silent before the hub watch reports it: the runs-stopped window of the schedule (three
 * periods) and one function timeout, so a run that started just before the window closes still counts.
 */
export function spokeStaleAfter(config: StackConfig): Duration {
  const window = runsStoppedWindow(config.schedule);
  return Duration.seconds(window.period.toSeconds() * window.evaluationPeriods + config.timeoutSeconds);
}

/** Properties of {@link HubStack}. */
export interface HubStackProps extends StackProps {
  /** The validated settings, `deployment=hub`. */
  readonly config: StackConfig;
  /** The spoke enforcer's handler file. @default lambda/handler.ts */
  readonly entry?: string;
  /** The hub functions' handler files. @default lambda/relay-handler.ts and lambda/hub-watch-handler.ts */
  readonly hubEntries?: HubEntries;
}

/**
 * The hub of an organization deployment: the policies table (with its stream) and the audit table, each with a
 * resource-based policy admitting the organization's spoke roles; the digest topic; the relay, fed by the policies
 * stream; the hub watch on the schedule; alarms and a dashboard across spokes; and the StackSet that rolls the spoke
 * out to the target OUs and Regions.
 */
export class HubStack extends Stack {
  public readonly organization: OrganizationTargets;
  public readonly policiesTable: dynamodb.Table;
  public readonly auditTable: dynamodb.Table;
  public readonly notifications: Notifications;
  public readonly functions: HubFunctions;
  public readonly policyChanges: PolicyChanges;
  public readonly observability: HubObservability;
  public readonly rollout: SpokeRollout;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.organization === undefined) throw new Error('HubStack needs deployment=hub and its targets');
    this.organization = config.organization;
    Tags.of(this).add('app', 'cvpn-guard');
    const access: SpokeAccess = { organizationId: this.organization.organizationId, stackName: config.stackName };
    const names = hubTableNames(config.stackName);
    const arnOf = (tableName: string) =>
      this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });

    this.policiesTable = tableFromDefinition(this, POLICIES_TABLE, {
      pointInTimeRecovery: true,
      removalPolicy: config.tableRemovalPolicy,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      tableName: names.policies,
      resourcePolicy: policiesTablePolicy(access, arnOf(names.policies)),
    });
    this.auditTable = tableFromDefinition(this, AUDIT_TABLE, {
      pointInTimeRecovery: true,
      removalPolicy: config.tableRemovalPolicy,
      tableName: names.audit,
      resourcePolicy: auditTablePolicy(access, arnOf(names.audit)),
    });
    this.notifications = new Notifications(
      this,
      'Notifications',
      config.notificationEmail === undefined ? {} : { email: config.notificationEmail },
    );
    this.notifications.topic.addToResourcePolicy(topicPublishStatement(access, this.notifications.topic.topicArn));
    this.notifications.key.addToResourcePolicy(topicKeyStatement(access));

    this.functions = new HubFunctions(this, 'Hub', {
      stackName: config.stackName,
      organizationId: this.organization.organizationId,
      policiesTable: this.policiesTable,
      auditTable: this.auditTable,
      topic: this.notifications.topic,
      topicKey: this.notifications.key,
      scheduleExpression: config.schedule.expression,
      spokeStale: spokeStaleAfter(config),
      logRetention: config.logRetention,
      ...(props.hubEntries === undefined ? {} : { entries: props.hubEntries }),
    });
    this.policyChanges = new PolicyChanges(this, 'PolicyChanges', {
      function: this.functions.relay,
      policiesTable: this.policiesTable,
      failureQueueKey: this.notifications.key,
    });
    this.observability = new HubObservability(this, 'Observability', {
      relay: this.functions.relay,
      hubWatch: this.functions.hubWatch,
      changeFailureQueue: this.policyChanges.failureQueue,
      topic: this.notifications.topic,
    });
    this.rollout = new SpokeRollout(this, 'Rollout', {
      config,
      targets: this.organization,
      hub: {
        HubAccountId: this.account,
        HubRegion: this.region,
        PoliciesTableArn: this.policiesTable.tableArn,
        AuditTableArn: this.auditTable.tableArn,
        TopicArn: this.notifications.topic.topicArn,
        TopicKeyArn: this.notifications.key.keyArn,
        RelayRoleArn: this.functions.relayRole.roleArn,
      },
      ...(props.entry === undefined ? {} : { entry: props.entry }),
    });
    this.outputs(config);
  }

  private outputs(config: StackConfig): void {
    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { value, description });
    output(StackOutput.DEPLOYMENT, Deployment.HUB, 'How the stack was deployed');
    output(StackOutput.STACK_SET_NAME, this.rollout.stackSetName, 'The StackSet that rolls the spokes out');
    output(
      StackOutput.SPOKE_STACK_NAME,
      config.stackName,
      `What spoke names follow from (${spokeEnforcerName(config.stackName)}, …)`,
    );
    output(StackOutput.POLICIES_TABLE_NAME, this.policiesTable.tableName, 'Policy rows, for every spoke');
    output(StackOutput.POLICIES_TABLE_ARN, this.policiesTable.tableArn, 'Policy rows, by ARN (as spokes name it)');
    output(StackOutput.AUDIT_TABLE_NAME, this.auditTable.tableName, 'Audit records of every spoke');
    output(StackOutput.AUDIT_TABLE_ARN, this.auditTable.tableArn, 'Audit records, by ARN (as spokes name it)');
    output(StackOutput.TOPIC_ARN, this.notifications.topic.topicArn, 'Digests of every spoke, hub digests and alarms');
    output(
      StackOutput.RELAY_FUNCTION_NAME,
      this.functions.relay.functionName,
      'Passes policy changes on to the spokes',
    );
    output(
      StackOutput.HUB_WATCH_FUNCTION_NAME,
      this.functions.hubWatch.functionName,
      'Reports spokes that stopped reporting',
    );
    output(
      StackOutput.CHANGE_FAILURE_QUEUE_URL,
      this.policyChanges.failureQueue.queueUrl,
      'Batches of policy changes the relay gave up on',
    );
    output(
      StackOutput.CHANGE_FAILURE_QUEUE_ARN,
      this.policyChanges.failureQueue.queueArn,
      'The change failure queue, by ARN',
    );
    output(
      StackOutput.DASHBOARD_URL,
      `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.observability.dashboard.dashboardName}`,
      'CloudWatch dashboard of the hub',
    );
  }
}
