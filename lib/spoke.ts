/**
 * One spoke of an organization deployment, as the StackSet rolls it out to every account and Region of the targets:
 * the enforcer and its schedule, the client connect handler, the state table, local alarms, and the role the hub's
 * operators assume. The hub's tables and topic are references by ARN (template parameters): the spoke's functions
 * reach them in the hub's Region, through the hub's resource-based policies.
 */
import { Aws, CfnParameter, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvVar } from '../lambda/environment.js';
import {
  gateSettingsOf,
  runSettingsOf,
  SpokeRole,
  spokeEnforcerName,
  spokeGateName,
  spokeRoleName,
  spokeStateTableName,
} from '../lambda/settings/index.js';
import { STATE_TABLE } from '../lambda/tables.js';
import { Alarms } from './alarms.js';
import type { StackConfig } from './config.js';
import { ConnectHandler } from './connect-handler.js';
import { Enforcer } from './enforcer.js';
import { Notifications } from './notifications.js';
import { tableFromDefinition } from './tables.js';
import { RemovalPolicy } from 'aws-cdk-lib';

/** The spoke template's parameters: what it knows of its hub, given by the StackSet. */
export const SpokeParameter = {
  HUB_ACCOUNT_ID: 'HubAccountId',
  HUB_REGION: 'HubRegion',
  POLICIES_TABLE_ARN: 'PoliciesTableArn',
  AUDIT_TABLE_ARN: 'AuditTableArn',
  TOPIC_ARN: 'TopicArn',
  TOPIC_KEY_ARN: 'TopicKeyArn',
  RELAY_ROLE_ARN: 'RelayRoleArn',
  ASSET_BUCKET_PREFIX: 'AssetBucketPrefix',
} as const;
/** One spoke template parameter. */
export type SpokeParameter = (typeof SpokeParameter)[keyof typeof SpokeParameter];

/** Properties of {@link Spoke}. */
export interface SpokeProps {
  /** The hub's validated settings: the spoke runs with the same. */
  readonly config: StackConfig;
  /** The enforcer's handler file. @default lambda/handler.ts */
  readonly entry?: string;
}

/** The resources of one spoke; built in the StackSet's template stack. */
export class Spoke extends Construct {
  /** The template's parameters, by name. */
  public readonly parameters: Readonly<Record<SpokeParameter, CfnParameter>>;
  public readonly notifications: Notifications;
  public readonly stateTable: dynamodb.Table;
  public readonly connectHandler: ConnectHandler;
  public readonly enforcer: Enforcer;
  public readonly alarms: Alarms;
  /** The role the hub account's operators assume to read and act on this spoke (the CLI's `--account`). */
  public readonly operatorRole: iam.Role;

  constructor(scope: Construct, id: string, props: SpokeProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);
    Tags.of(stack).add('app', 'cvpn-guard');
    const parameter = (name: SpokeParameter, description: string): CfnParameter =>
      new CfnParameter(stack, name, { type: 'String', description });
    this.parameters = {
      HubAccountId: parameter(SpokeParameter.HUB_ACCOUNT_ID, 'The hub account, trusted by the operator role'),
      HubRegion: parameter(SpokeParameter.HUB_REGION, "The hub's Region, where its tables and topic are"),
      PoliciesTableArn: parameter(SpokeParameter.POLICIES_TABLE_ARN, "The hub's policies table"),
      AuditTableArn: parameter(SpokeParameter.AUDIT_TABLE_ARN, "The hub's audit table"),
      TopicArn: parameter(SpokeParameter.TOPIC_ARN, "The hub's digest topic"),
      TopicKeyArn: parameter(SpokeParameter.TOPIC_KEY_ARN, "The key of the hub's digest topic"),
      RelayRoleArn: parameter(SpokeParameter.RELAY_ROLE_ARN, "The hub relay's role, allowed to invoke the enforcer"),
      AssetBucketPrefix: parameter(
        SpokeParameter.ASSET_BUCKET_PREFIX,
        'The function code is in the bucket <prefix>-<Region> of this Region',
      ),
    };
    const p = (name: SpokeParameter): string => this.parameters[name].valueAsString;
    const policiesTable = dynamodb.Table.fromTableArn(this, 'HubPoliciesTable', p(SpokeParameter.POLICIES_TABLE_ARN));
    const auditTable = dynamodb.Table.fromTableArn(this, 'HubAuditTable', p(SpokeParameter.AUDIT_TABLE_ARN));
    const tableNames = { policies: policiesTable.tableArn, audit: auditTable.tableArn };
    const hubTopic = sns.Topic.fromTopicArn(this, 'HubTopic', p(SpokeParameter.TOPIC_ARN));
    const environment = { [EnvVar.HUB_REGION]: p(SpokeParameter.HUB_REGION), [EnvVar.ACCOUNT_ID]: Aws.ACCOUNT_ID };
    const roleName = (purpose: SpokeRole) => spokeRoleName(config.stackName, purpose, Aws.REGION);

    // The spoke's own topic and key: its local alarms (CloudWatch alarms publish to a topic of their own account)
    // and its dead-letter queue.
    this.notifications = new Notifications(
      this,
      'Notifications',
      config.notificationEmail === undefined ? {} : { email: config.notificationEmail },
    );
    this.stateTable = tableFromDefinition(this, STATE_TABLE, {
      pointInTimeRecovery: false,
      removalPolicy: RemovalPolicy.DESTROY,
      tableName: spokeStateTableName(config.stackName),
    });
    Validations.of(this.stateTable).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        "The spoke's state table holds only its run lease, change signal, idle memory and connection facts, all expiring " +
        'within days and rebuilt by the next runs; restoring an old copy would be wrong, so it has no point-in-time recovery.',
    });

    this.connectHandler = new ConnectHandler(this, 'ConnectHandler', {
      policiesTable,
      auditTable,
      stateTable: this.stateTable,
      tableNames,
      environment,
      functionName: spokeGateName(config.stackName),
      roleName: roleName(SpokeRole.GATE),
      settings: gateSettingsOf(config),
      provisionedConcurrency: config.connectHandlerProvisionedConcurrency,
      logRetention: config.logRetention,
    });
    this.enforcer = new Enforcer(this, 'Enforcer', {
      policiesTable,
      auditTable,
      stateTable: this.stateTable,
      tableNames,
      environment,
      functionName: spokeEnforcerName(config.stackName),
      roleName: roleName(SpokeRole.ENFORCER),
      topic: hubTopic,
      deadLetterQueueKey: this.notifications.key,
      scheduleExpression: config.schedule.expression,
      endpoints: config.endpoints,
      memorySize: config.memorySize,
      timeout: Duration.seconds(config.timeoutSeconds),
      logRetention: config.logRetention,
      run: runSettingsOf(config),
      connectHandler: this.connectHandler,
      ...(props.entry === undefined ? {} : { entry: props.entry }),
    });
    // The hub topic is encrypted with the hub's key; its key policy admits spoke enforcer roles.
    this.enforcer.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptHubDigests',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [p(SpokeParameter.TOPIC_KEY_ARN)],
      }),
    );
    // The relayed change: the hub relay's role (another account) invokes the enforcer, and nothing else does.
    this.enforcer.function.addPermission('HubRelayInvokes', {
      principal: new iam.ArnPrincipal(p(SpokeParameter.RELAY_ROLE_ARN)),
      action: 'lambda:InvokeFunction',
    });

    this.alarms = new Alarms(this, 'Alarms', {
      function: this.enforcer.function,
      connectHandler: this.connectHandler.function,
      deadLetterQueue: this.enforcer.deadLetterQueue,
      schedule: config.schedule,
      topic: this.notifications.topic,
    });
    this.operatorRole = this.createOperatorRole(roleName(SpokeRole.OPERATOR), p(SpokeParameter.HUB_ACCOUNT_ID));
  }

  /**
   * What `plan`, `run`, `doctor` and `gate status` need in a spoke, for the hub account: describe Client VPN, invoke
   * the enforcer, read the functions' configuration, the schedule and the state table. Nothing that writes.
   */
  private createOperatorRole(roleName: string, hubAccountId: string): iam.Role {
    const role = new iam.Role(this, 'OperatorRole', {
      roleName,
      assumedBy: new iam.AccountPrincipal(hubAccountId),
      description: "cvpn-guard operator: the hub's CLI reads this spoke and runs its enforcer",
      maxSessionDuration: Duration.hours(1),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeClientVpn',
        actions: ['ec2:DescribeClientVpnEndpoints', 'ec2:DescribeClientVpnConnections'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunTheEnforcer',
        actions: ['lambda:InvokeFunction'],
        resources: [this.enforcer.function.functionArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadFunctions',
        actions: ['lambda:GetFunctionConfiguration'],
        resources: [this.enforcer.function.functionArn, ...this.connectHandler.invokableArns],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSchedule',
        actions: ['scheduler:GetSchedule'],
        resources: [this.enforcer.schedule.scheduleArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadState',
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'],
        resources: [this.stateTable.tableArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeClientVpnEndpoints and ec2:DescribeClientVpnConnections support no resource-level permissions; the statement is read-only and limited to the spoke Region.',
    });
    return role;
  }
}
