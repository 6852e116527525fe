/**
 * The hub's two functions: the relay, fed by the policies table's stream, which invokes the enforcer of each spoke
 * the changed rows select; and the hub watch, on the schedule, which reports every spoke whose heartbeat is stale.
 * Each has its own log group and least-privilege role.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvVar } from '../lambda/environment.js';
import { hubRelayName, hubWatchName, spokeEnforcerName } from '../lambda/settings/index.js';
import { AuditIndex } from '../lambda/tables.js';
import { bundledCode, FUNCTION_ENVIRONMENT, lambdaEntry } from './function-code.js';

/** The relay's entry (lambda/relay-handler.ts) and export. */
export const RELAY_ENTRY = lambdaEntry('relay-handler.ts');
export const RELAY_EXPORT = 'handler';
/** The hub watch's entry (lambda/hub-watch-handler.ts) and export. */
export const HUB_WATCH_ENTRY = lambdaEntry('hub-watch-handler.ts');
export const HUB_WATCH_EXPORT = 'handler';

/** The hub functions' handler files, overridable (a test, until the handlers exist). */
export interface HubEntries {
  /** @default RELAY_ENTRY */
  readonly relay?: string;
  /** @default HUB_WATCH_ENTRY */
  readonly hubWatch?: string;
}

/** Properties of {@link HubFunctions}. */
export interface HubFunctionsProps {
  /** The stack name every spoke is named from. */
  readonly stackName: string;
  /** The organization the spokes belong to: the relay invokes enforcers of its accounts only. */
  readonly organizationId: string;
  readonly policiesTable: dynamodb.ITable;
  readonly auditTable: dynamodb.ITable;
  /** Where the hub watch publishes its digest. */
  readonly topic: sns.ITopic;
  /** The topic's key. */
  readonly topicKey: kms.IKey;
  /** When the hub watch runs (the `schedule` setting). */
  readonly scheduleExpression: string;
  /** A spoke whose heartbeat is older than this is reported. */
  readonly spokeStale: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly entries?: HubEntries;
}

/** The relay and the hub watch, their roles and the hub watch's schedule. */
export class HubFunctions extends Construct {
  public readonly relay: nodejs.NodejsFunction;
  public readonly relayRole: iam.Role;
  public readonly hubWatch: nodejs.NodejsFunction;
  public readonly hubWatchRole: iam.Role;
  public readonly hubWatchSchedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: HubFunctionsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const environment = {
      [EnvVar.POLICIES_TABLE]: props.policiesTable.tableName,
      [EnvVar.AUDIT_TABLE]: props.auditTable.tableName,
      [EnvVar.TOPIC_ARN]: props.topic.topicArn,
      [EnvVar.STACK_NAME]: props.stackName,
      [EnvVar.ACCOUNT_ID]: stack.account,
      ...FUNCTION_ENVIRONMENT,
    };
    const make = (
      name: string,
      functionName: string,
      entry: string,
      handler: string,
      description: string,
      extra = {},
    ) => {
      const logGroup = new logs.LogGroup(this, `${name}LogGroup`, {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `cvpn-guard ${description}`,
      });
      logGroup.grantWrite(role);
      const fn = new nodejs.NodejsFunction(this, `${name}Function`, {
        ...bundledCode(entry, handler),
        functionName,
        description: `cvpn-guard: ${description}`,
        memorySize: 512,
        timeout: Duration.minutes(1),
        role,
        logGroup,
        environment: { ...environment, ...extra },
      });
      return { fn, role };
    };

    const relay = make(
      'Relay',
      hubRelayName(props.stackName),
      props.entries?.relay ?? RELAY_ENTRY,
      RELAY_EXPORT,
      'relay: invokes the enforcer of each spoke a policy change selects',
    );
    this.relay = relay.fn;
    this.relayRole = relay.role;
    const watch = make(
      'HubWatch',
      hubWatchName(props.stackName),
      props.entries?.hubWatch ?? HUB_WATCH_ENTRY,
      HUB_WATCH_EXPORT,
      'hub watch: reports spokes whose heartbeat is stale or whose last run failed',
      { [EnvVar.SPOKE_STALE_SECONDS]: String(props.spokeStale.toSeconds()) },
    );
    this.hubWatch = watch.fn;
    this.hubWatchRole = watch.role;

    // Both list the spokes from their heartbeats: one query of the byTime index's SPOKES partition.
    const listSpokes = new iam.PolicyStatement({
      sid: 'ListSpokeHeartbeats',
      actions: ['dynamodb:Query'],
      resources: [`${props.auditTable.tableArn}/index/${AuditIndex.BY_TIME}`],
    });
    this.relayRole.addToPolicy(listSpokes);
    this.hubWatchRole.addToPolicy(listSpokes);
    // Any account and Region, but only the stack's spoke enforcer, and only in the organization's accounts.
    this.relayRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeSpokeEnforcers',
        actions: ['lambda:InvokeFunction'],
        resources: [`arn:${stack.partition}:lambda:*:*:function:${spokeEnforcerName(props.stackName)}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
      }),
    );
    Validations.of(this.relayRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:*:*:function:${spokeEnforcerName(props.stackName)}]`,
      reason:
        'The relay invokes the spoke enforcer, one name in every account and Region of the target OUs (which change as accounts join): the function is named, the account and Region are not, and aws:ResourceOrgID keeps it to the organization.',
    });
    this.hubWatchRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPoliciesForSpokeSelectors',
        actions: ['dynamodb:Scan'],
        resources: [props.policiesTable.tableArn],
      }),
    );
    this.hubWatchRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishHubDigest', actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
    );
    this.hubWatchRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptHubDigest',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.topicKey.keyArn],
      }),
    );

    const schedulerRole = new iam.Role(this, 'HubWatchSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
      description: 'cvpn-guard: lets EventBridge Scheduler invoke the hub watch',
    });
    this.hubWatchSchedule = new scheduler.Schedule(this, 'HubWatchSchedule', {
      description: 'cvpn-guard: runs the hub watch',
      schedule: scheduler.ScheduleExpression.expression(props.scheduleExpression),
      target: new targets.LambdaInvoke(this.hubWatch, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.hubWatch.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'Added by the LambdaInvoke target (grantInvoke): it covers versions and aliases of the hub watch function only.',
    });
  }
}
