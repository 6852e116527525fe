import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import { CONNECTION_FACTS_KEY_PREFIX } from '../lambda/tables.js';
import { connectHandlerName, gateEnvironment, type GateSettings, SETTING_DEFAULTS } from '../lambda/settings/index.js';
import { bundledCode, FUNCTION_ENVIRONMENT, lambdaEntry } from './function-code.js';

/** The client connect handler's entry: the middy handler of lambda/gate-handler.ts. */
export const CONNECT_HANDLER_ENTRY = lambdaEntry('gate-handler.ts');

/** The export of {@link CONNECT_HANDLER_ENTRY} Lambda calls. */
export const CONNECT_HANDLER_EXPORT = 'gateHandler';

/** The alias the endpoints are attached to when the handler has provisioned concurrency. */
export const CONNECT_HANDLER_ALIAS = 'live';

/**
 * Client VPN waits 30 s for its handler and refuses the attempt after that; the function may take as long, so
 * its own deadline (`connectDeadlineMs`, at most 25 s) always answers first.
 */
export const CONNECT_HANDLER_TIMEOUT = Duration.seconds(30);

/**
 * Memory of the client connect handler, MB. Lambda gives CPU in proportion to memory, and what the handler
 * spends its time on is CPU: loading the bundle on a cold start and parsing the policy rows. 512 MB keeps a
 * cold start well inside the connect deadline at a cost that does not matter at one invocation per login.
 */
export const CONNECT_HANDLER_MEMORY_MB = 512;

/**
 * The state table items the handler may read and write: its connection records only (`pk` = `CONN#…`), never
 * the run lease or the idle memory of the enforcer.
 */
export const CONNECTION_STATE_KEYS = `${CONNECTION_FACTS_KEY_PREFIX}*`;

/** Properties of {@link ConnectHandler}. */
export interface ConnectHandlerProps {
  /** Policy rows; the handler only scans them. */
  readonly policiesTable: dynamodb.ITable;
  /** Audit records; the handler only puts its admission records. */
  readonly auditTable: dynamodb.ITable;
  /** Its connection records (partition keys `CONN#…`), which the runs join. */
  readonly stateTable: dynamodb.ITable;
  /** How the handler decides, passed as environment variables. @default each setting's default (SETTING_DEFAULTS) */
  readonly settings?: Partial<GateSettings>;
  /** Provisioned concurrency, through the alias `live`; 0 for none. @default 0 */
  readonly provisionedConcurrency?: number;
  /** Retention of the function's log group. @default SETTING_DEFAULTS.logRetentionDays */
  readonly logRetention?: logs.RetentionDays;
  /** The function's name. @default connectHandlerName(stack name): `AWSClientVPN-<stackName>` */
  readonly functionName?: string;
  /** The handler file. @default CONNECT_HANDLER_ENTRY (lambda/gate-handler.ts) */
  readonly entry?: string;
}

/**
 * The client connect handler (the gate): the Lambda function Client VPN calls on every connection attempt, its
 * log group, its own least-privilege role and, with provisioned concurrency, the alias `live` the endpoints are
 * attached to. Client VPN invokes it through its service-linked role AWSServiceRoleForClientVPNConnections,
 * whose AWS managed policy allows lambda:InvokeFunction on `function:AWSClientVPN-*` of the same account: the
 * function needs no resource policy, and has none.
 */
export class ConnectHandler extends Construct {
  /** The function (Node.js 24, arm64, ESM bundle), named `AWSClientVPN-<stackName>`. */
  public readonly function: nodejs.NodejsFunction;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The function's log group, with retention. */
  public readonly logGroup: logs.LogGroup;
  /** The alias `live` carrying the provisioned concurrency; undefined without provisioned concurrency. */
  public readonly alias?: lambda.Alias;
  /** What an endpoint is attached to: the alias ARN with provisioned concurrency, else the function ARN. */
  public readonly attachableArn: string;
  /** Every ARN that invokes the handler: the function's, and the alias's when there is one. */
  public readonly invokableArns: readonly string[];

  constructor(scope: Construct, id: string, props: ConnectHandlerProps) {
    super(scope, id);
    const provisionedConcurrency = props.provisionedConcurrency ?? 0;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? (SETTING_DEFAULTS.logRetentionDays as logs.RetentionDays),
      // Operational logs only: every answer is recorded in the audit table, which is retained.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A role of our own, without the AWSLambdaBasicExecutionRole managed policy: it may write to its own log
    // group only. Metrics leave as EMF in the logs, so there is no cloudwatch:PutMetricData either.
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cvpn-guard client connect handler: read policies, record admissions and its connections',
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...bundledCode(props.entry ?? CONNECT_HANDLER_ENTRY, CONNECT_HANDLER_EXPORT),
      functionName: props.functionName ?? connectHandlerName(Stack.of(this).stackName),
      description: 'cvpn-guard: admits or refuses each Client VPN connection attempt by the policy rows',
      memorySize: CONNECT_HANDLER_MEMORY_MB,
      timeout: CONNECT_HANDLER_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...resourceEnvironment({
          tables: {
            policies: props.policiesTable.tableName,
            audit: props.auditTable.tableName,
            state: props.stateTable.tableName,
          },
        }),
        ...gateEnvironment(props.settings ?? {}),
        ...FUNCTION_ENVIRONMENT,
      },
      // Client VPN invokes synchronously: there is nothing to retry and no event to dead-letter.
    });

    if (provisionedConcurrency > 0) {
      this.alias = new lambda.Alias(this, 'LiveAlias', {
        aliasName: CONNECT_HANDLER_ALIAS,
        version: this.function.currentVersion,
        provisionedConcurrentExecutions: provisionedConcurrency,
        description: 'cvpn-guard: the version the Client VPN endpoints call, with provisioned concurrency',
      });
    }
    this.attachableArn = this.alias?.functionArn ?? this.function.functionArn;
    this.invokableArns = this.alias ? [this.function.functionArn, this.alias.functionArn] : [this.function.functionArn];

    this.grantTables(props);
    this.grantConnectionCount();
  }

  /** Policies: scan only; audit: put only; state: its own connection records only. */
  private grantTables(props: ConnectHandlerProps): void {
    // DynamoPolicyRepository reads every row with one paginated Scan.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ScanPolicies',
        actions: ['dynamodb:Scan'],
        resources: [props.policiesTable.tableArn],
      }),
    );
    // DynamoAuditLog.record is one conditional PutItem (only an absent item): no update, no delete.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutAdmissions',
        actions: ['dynamodb:PutItem'],
        resources: [props.auditTable.tableArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWriteOwnConnections',
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [props.stateTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [CONNECTION_STATE_KEYS] } },
      }),
    );
  }

  /** Describe connections (a user's current connections, rate-limited by the handler); never terminate. */
  private grantConnectionCount(): void {
    // DescribeClientVpnConnections is a List action without resource-level permissions (the Service
    // Authorization Reference lists no resource type for it): IAM accepts only Resource "*". What can be
    // narrowed is the region.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeClientVpnConnections',
        actions: ['ec2:DescribeClientVpnConnections'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': Stack.of(this).region } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeClientVpnConnections supports no resource-level permissions; the statement is read-only and limited to the stack region.',
    });
  }
}
