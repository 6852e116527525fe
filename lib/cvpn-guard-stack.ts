import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { gateSettingsOf, runSettingsOf } from '../lambda/settings/index.js';
import { Alarms } from './alarms.js';
import type { StackConfig } from './config.js';
import { ConnectHandler } from './connect-handler.js';
import { ConnectHandlerAttachment } from './connect-handler-attachment.js';
import { Dashboard } from './dashboard.js';
import { Enforcer } from './enforcer.js';
import { Notifications } from './notifications.js';
import { StackOutput } from './outputs.js';
import { PolicyChanges } from './policy-changes.js';
import { runsStoppedWindow } from './runs-stopped-window.js';
import { Tables } from './tables.js';

/** Properties of {@link CvpnGuardStack}. */
export interface CvpnGuardStackProps extends StackProps {
  /** The validated settings (lib/config.ts). */
  readonly config: StackConfig;
  /** The handler file. @default lambda/handler.ts */
  readonly entry?: string;
}

/**
 * cvpn-guard: tables, the enforcer (scheduled, and run on policy changes through the policies table's stream), the
 * client connect handler (attached to the listed endpoints when `attachConnectHandler` says so), notifications and
 * alarms, a dashboard, and the outputs the CLI reads.
 */
export class CvpnGuardStack extends Stack {
  public readonly tables: Tables;
  public readonly notifications: Notifications;
  public readonly connectHandler: ConnectHandler;
  /** The attachment to `endpointIds`; undefined unless `attachConnectHandler`. */
  public readonly connectHandlerAttachment?: ConnectHandlerAttachment;
  public readonly enforcer: Enforcer;
  public readonly policyChanges: PolicyChanges;
  public readonly alarms: Alarms;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: CvpnGuardStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('app', 'cvpn-guard');

    this.tables = new Tables(this, 'Tables', { removalPolicy: config.tableRemovalPolicy });
    this.notifications = new Notifications(
      this,
      'Notifications',
      config.notificationEmail === undefined ? {} : { email: config.notificationEmail },
    );
    this.connectHandler = new ConnectHandler(this, 'ConnectHandler', {
      policiesTable: this.tables.policies,
      auditTable: this.tables.audit,
      stateTable: this.tables.state,
      settings: gateSettingsOf(config),
      provisionedConcurrency: config.connectHandlerProvisionedConcurrency,
      logRetention: config.logRetention,
    });
    if (config.attachConnectHandler && config.endpoints.kind === 'ids') {
      this.connectHandlerAttachment = new ConnectHandlerAttachment(this, 'ConnectHandlerAttachment', {
        handlerArn: this.connectHandler.attachableArn,
        endpointIds: config.endpoints.ids,
        logRetention: config.logRetention,
      });
    }
    this.enforcer = new Enforcer(this, 'Enforcer', {
      policiesTable: this.tables.policies,
      auditTable: this.tables.audit,
      stateTable: this.tables.state,
      topic: this.notifications.topic,
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
    this.policyChanges = new PolicyChanges(this, 'PolicyChanges', {
      function: this.enforcer.function,
      policiesTable: this.tables.policies,
      failureQueueKey: this.notifications.key,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      function: this.enforcer.function,
      connectHandler: this.connectHandler.function,
      deadLetterQueue: this.enforcer.deadLetterQueue,
      changeFailureQueue: this.policyChanges.failureQueue,
      schedule: config.schedule,
      topic: this.notifications.topic,
    });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      function: this.enforcer.function,
      connectHandler: this.connectHandler.function,
      deadLetterQueue: this.enforcer.deadLetterQueue,
      changeFailureQueue: this.policyChanges.failureQueue,
      runsPeriod: runsStoppedWindow(config.schedule).period,
      alarms: [
        this.alarms.runsStopped,
        ...(this.alarms.failedChangeBatches ? [this.alarms.failedChangeBatches] : []),
        this.alarms.functionErrors,
        this.alarms.deadLetters,
        this.alarms.failedTerminations,
        this.alarms.cappedRuns,
        this.alarms.invalidPolicies,
        this.alarms.connectHandlerErrors,
        this.alarms.connectFailMode,
        this.alarms.connectHandlerSlow,
        this.alarms.connectHandlerCanary,
      ],
    });

    // Outputs live at stack level so their keys are exactly these names.
    new CfnOutput(this, StackOutput.POLICIES_TABLE_NAME, {
      value: this.tables.policies.tableName,
      description: 'Policy rows',
    });
    new CfnOutput(this, StackOutput.AUDIT_TABLE_NAME, {
      value: this.tables.audit.tableName,
      description: 'Audit records',
    });
    new CfnOutput(this, StackOutput.STATE_TABLE_NAME, {
      value: this.tables.state.tableName,
      description: 'Idle memory and run lease',
    });
    new CfnOutput(this, StackOutput.FUNCTION_NAME, {
      value: this.enforcer.function.functionName,
      description: 'Enforcer function',
    });
    new CfnOutput(this, StackOutput.TOPIC_ARN, {
      value: this.notifications.topic.topicArn,
      description: 'Digests and alarms',
    });
    new CfnOutput(this, StackOutput.CONNECT_HANDLER_FUNCTION_NAME, {
      value: this.connectHandler.function.functionName,
      description: 'Client connect handler function',
    });
    new CfnOutput(this, StackOutput.CONNECT_HANDLER_ARN, {
      value: this.connectHandler.attachableArn,
      description: 'What a Client VPN endpoint is attached to (the alias live with provisioned concurrency)',
    });
    new CfnOutput(this, StackOutput.CHANGE_FAILURE_QUEUE_URL, {
      value: this.policyChanges.failureQueue.queueUrl,
      description: 'Batches of policy changes the enforcer gave up on (their stream position; see docs/deploy.md)',
    });
    new CfnOutput(this, StackOutput.CHANGE_FAILURE_QUEUE_ARN, {
      value: this.policyChanges.failureQueue.queueArn,
      description: 'The change failure queue, by ARN',
    });
    new CfnOutput(this, StackOutput.DASHBOARD_URL, {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard',
    });
  }
}
