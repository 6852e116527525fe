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
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import { enforcerEnvironment, type RunSettings, SETTING_DEFAULTS } from '../lambda/settings/index.js';
import { AUDIT_COMPLETION_ATTRIBUTES, AuditIndex } from '../lambda/tables.js';
import type { EndpointScope } from './config.js';
import {
  bundledCode,
  FUNCTION_BUNDLING,
  FUNCTION_ENVIRONMENT,
  FUNCTION_NODE_OPTIONS,
  lambdaEntry,
} from './function-code.js';

/** The function's entry: the middy handler, bundled with its dependencies by the local esbuild. */
export const ENFORCER_ENTRY = lambdaEntry('handler.ts');

/** How the enforcer's code is bundled: as every function of the stack (the benchmark bundles with these). */
export const ENFORCER_BUNDLING: nodejs.BundlingOptions = FUNCTION_BUNDLING;

/** Node.js options of the enforcer: as every function of the stack. */
export const ENFORCER_NODE_OPTIONS = FUNCTION_NODE_OPTIONS;

/** Properties of {@link Enforcer}. */
export interface EnforcerProps {
  /** Policy rows; the function only reads them. */
  readonly policiesTable: dynamodb.ITable;
  /** Audit records; the function puts, updates and reads them, never deletes. */
  readonly auditTable: dynamodb.ITable;
  /** Idle memory and run lease; read and written freely. */
  readonly stateTable: dynamodb.ITable;
  /** Where run digests are published (the only topic the function may publish to). */
  readonly topic: sns.ITopic;
  /** Customer managed key encrypting the dead-letter queue. */
  readonly deadLetterQueueKey: kms.IKey;
  /** Scheduler expression, already validated (the `schedule` setting). @default SETTING_DEFAULTS.schedule */
  readonly scheduleExpression?: string;
  /** Endpoints enforced on; terminate permission is limited to them. @default every endpoint of the account and region */
  readonly endpoints?: EndpointScope;
  /** How each run behaves, passed to the function as environment variables. @default each setting's default (SETTING_DEFAULTS) */
  readonly run?: Partial<RunSettings>;
  /** Function memory, MB. @default SETTING_DEFAULTS.memorySize */
  readonly memorySize?: number;
  /** Function timeout: shorter than the schedule period and the lease. @default SETTING_DEFAULTS.timeoutSeconds */
  readonly timeout?: Duration;
  /** Retention of the function's log group. @default SETTING_DEFAULTS.logRetentionDays */
  readonly logRetention?: logs.RetentionDays;
  /** The handler file. @default ENFORCER_ENTRY (lambda/handler.ts) */
  readonly entry?: string;
  /** The client connect handler each run invokes with a synthetic attempt (the canary). @default none: no canary */
  readonly connectHandler?: ConnectHandlerTarget;
}

/** The client connect handler as the enforcer's canary reaches it. */
export interface ConnectHandlerTarget {
  /** The function; its name goes to the enforcer's environment. */
  readonly function: lambda.IFunction;
  /** Every ARN the canary may invoke: the function's, and its alias's when it has one. */
  readonly invokableArns: readonly string[];
}

/**
 * The enforcer: the Lambda function, the EventBridge Scheduler schedule that invokes it with
 * the scheduled time, and the encrypted dead-letter queue where failed invocations land. It
 * grants its own least-privilege permissions.
 */
export class Enforcer extends Construct {
  /** The enforcement function (Node.js 24, arm64, ESM bundle). */
  public readonly function: nodejs.NodejsFunction;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The function's log group, with retention. */
  public readonly logGroup: logs.LogGroup;
  /** Invocations that failed: undeliverable by Scheduler, or failing in the function after Lambda's retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The recurring schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The role EventBridge Scheduler assumes to invoke the function. */
  public readonly schedulerRole: iam.Role;
  /** Lets the function invoke itself for a continuation: a policy of its own (see `grantContinuations`). */
  public readonly continuationPolicy: iam.Policy;

  constructor(scope: Construct, id: string, props: EnforcerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const endpoints = props.endpoints ?? { kind: 'all' };

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.deadLetterQueueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? (SETTING_DEFAULTS.logRetentionDays as logs.RetentionDays),
      // Operational logs only: the audit table is the record of every decision, and is retained.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A role of our own, without the AWSLambdaBasicExecutionRole managed policy: it may write to
    // its own log group only.
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cvpn-guard enforcer: read policies, list and terminate Client VPN connections, write audit',
    });
    this.logGroup.grantWrite(this.role);

    const environment: Record<string, string> = {
      ...resourceEnvironment({
        tables: {
          policies: props.policiesTable.tableName,
          audit: props.auditTable.tableName,
          state: props.stateTable.tableName,
        },
        topicArn: props.topic.topicArn,
        ...(props.connectHandler === undefined
          ? {}
          : { connectHandlerFunction: props.connectHandler.function.functionName }),
      }),
      ...enforcerEnvironment({
        ...props.run,
        endpointIds: endpoints.kind === 'ids' ? endpoints.ids : [],
        endpointTag: endpoints.kind === 'tag' ? { key: endpoints.key, value: endpoints.value } : undefined,
      }),
      ...FUNCTION_ENVIRONMENT,
    };

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'cvpn-guard: terminates Client VPN connections that break a policy, and audits every decision',
      ...bundledCode(props.entry ?? ENFORCER_ENTRY, 'handler'),
      memorySize: props.memorySize ?? SETTING_DEFAULTS.memorySize,
      timeout: props.timeout ?? Duration.seconds(SETTING_DEFAULTS.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      // Scheduler invokes the function asynchronously: a failing run is retried by Lambda (a retry
      // of a tick derives the same run id, so it resumes the same run), then lands in the DLQ.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(30),
      deadLetterQueue: this.deadLetterQueue,
      // No reserved concurrency: the run lease in the state table already keeps two runs from
      // overlapping, and reserving even 1 fails to deploy in accounts at the minimum concurrency
      // quota (10), which Lambda keeps unreserved.
    });

    this.grantEnforcement(endpoints);
    this.grantTables(props);
    this.grantMessages(props);
    if (props.connectHandler) this.grantCanary(props.connectHandler);
    this.continuationPolicy = this.grantContinuations();

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
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
      description: 'cvpn-guard: lets EventBridge Scheduler invoke the enforcer and reach its dead-letter queue',
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.deadLetterQueueKey.keyArn],
      }),
    );
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'cvpn-guard: runs the enforcer',
      schedule: scheduler.ScheduleExpression.expression(props.scheduleExpression ?? SETTING_DEFAULTS.schedule),
      target: new targets.LambdaInvoke(this.function, {
        role: this.schedulerRole,
        // The handler derives the run id from the scheduled time, so a redelivered tick is the same run.
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          source: 'schedule',
        }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 5,
        maxEventAge: Duration.minutes(30),
      }),
    });
    Validations.of(this.schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'Added by the LambdaInvoke target (grantInvoke): it covers versions and aliases of this one function only.',
    });
  }

  /** Describe on every endpoint of the region (the actions allow no narrower resource); terminate on the selected ones only. */
  private grantEnforcement(endpoints: EndpointScope): void {
    const stack = Stack.of(this);
    // DescribeClientVpnEndpoints and DescribeClientVpnConnections are List actions without
    // resource-level permissions (the Service Authorization Reference lists no resource type for
    // them): IAM accepts only Resource "*". What can be narrowed is the region.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeClientVpn',
        actions: ['ec2:DescribeClientVpnEndpoints', 'ec2:DescribeClientVpnConnections'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeClientVpnEndpoints and ec2:DescribeClientVpnConnections support no resource-level permissions; the statement is limited to the stack region.',
    });

    const endpointArn = (endpointId: string): string =>
      stack.formatArn({ service: 'ec2', resource: 'client-vpn-endpoint', resourceName: endpointId });
    if (endpoints.kind === 'ids') {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'TerminateOnSelectedEndpoints',
          actions: ['ec2:TerminateClientVpnConnections'],
          resources: endpoints.ids.map(endpointArn),
        }),
      );
      return;
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: endpoints.kind === 'tag' ? 'TerminateOnTaggedEndpoints' : 'TerminateOnEndpointsOfThisRegion',
        actions: ['ec2:TerminateClientVpnConnections'],
        resources: [endpointArn('*')],
        ...(endpoints.kind === 'tag'
          ? { conditions: { StringEquals: { [`aws:ResourceTag/${endpoints.key}`]: endpoints.value } } }
          : {}),
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:client-vpn-endpoint/*]',
      reason:
        endpoints.kind === 'tag'
          ? 'Endpoints are selected by tag: terminate is allowed on client-vpn-endpoint/* of this account and region only when the endpoint carries the tag (aws:ResourceTag condition).'
          : 'The deployment enforces on every endpoint of the region (no endpointIds or endpointTag set): terminate is limited to client-vpn-endpoint ARNs of this account and region.',
    });
  }

  /** Policies read-only; audit put, read and update (completion attributes only) but never delete; state read/write. */
  private grantTables(props: EnforcerProps): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPolicies',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:DescribeTable',
        ],
        resources: [props.policiesTable.tableArn],
      }),
    );
    // PutItem and UpdateItem only: no DeleteItem, and no BatchWriteItem (it carries delete requests). IAM cannot
    // limit PutItem to new items; the code puts with attribute_not_exists (SECURITY.md says what remains).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteAudit',
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
        resources: [props.auditTable.tableArn],
      }),
    );
    // An update may name the completion attributes only (the key included, as DynamoDB requires), in its update
    // and condition expressions alike: never `ttl`, nor what was decided. It may not ask for the whole item back.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CompleteAudit',
        actions: ['dynamodb:UpdateItem'],
        resources: [props.auditTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...AUDIT_COMPLETION_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        },
      }),
    );
    // Of the audit indexes, the run reads only `pending` (reconciliation); the others serve the CLI.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QueryPendingAudit',
        actions: ['dynamodb:Query'],
        resources: [`${props.auditTable.tableArn}/index/${AuditIndex.PENDING}`],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWriteState',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DescribeTable',
        ],
        resources: [props.stateTable.tableArn],
      }),
    );
  }

  /** Invoke the client connect handler (the canary), and nothing else: no wildcard for versions. */
  private grantCanary(connectHandler: ConnectHandlerTarget): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeConnectHandlerCanary',
        actions: ['lambda:InvokeFunction'],
        resources: [...connectHandler.invokableArns],
      }),
    );
  }

  /**
   * Invoke its own function (unqualified ARN), and no other, for a continuation. A policy of its own rather than a
   * statement of the role's default policy: the function depends on that one (its role must work before it
   * runs), so naming the function's ARN there would make a dependency cycle. This policy depends on the function
   * instead.
   */
  private grantContinuations(): iam.Policy {
    return new iam.Policy(this, 'ContinuationPolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeItselfForContinuations',
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
      ],
    });
  }

  /** Publish to its own topic; encrypt with the keys of the topic and the dead-letter queue. */
  private grantMessages(props: EnforcerProps): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'PublishDigests', actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
    );
    const keyArns = [props.deadLetterQueueKey.keyArn];
    if (props.topic.masterKey && props.topic.masterKey !== props.deadLetterQueueKey)
      keyArns.push(props.topic.masterKey.keyArn);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptMessages',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: keyArns,
      }),
    );
  }
}
