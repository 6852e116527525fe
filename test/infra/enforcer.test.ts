import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { EnvVar } from '../../lambda/environment.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/metrics.js';
import { ENDPOINT_A, ENDPOINT_B, logicalId, synthTemplate } from './stack-factory.js';

describe('Enforcer', () => {
  let template: Template;
  let functionId: string;
  let queueId: string;
  let keyId: string;
  beforeAll(() => {
    template = synthTemplate();
    functionId = logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction');
    queueId = logicalId(template, 'AWS::SQS::Queue', 'EnforcerDeadLetterQueue');
    keyId = logicalId(template, 'AWS::KMS::Key', 'NotificationsKey');
  });

  describe('function', () => {
    it('Compliance 1: is a Node.js 24 arm64 function with explicit memory and timeout', () => {
      expect(template.toJSON().Resources[functionId].Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 240,
      });
    });

    it('Compliance 2: logs to its own log group, kept 90 days', () => {
      const logGroupId = logicalId(template, 'AWS::Logs::LogGroup', 'EnforcerLogGroup');

      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
      template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    });

    it('Compliance 3: sets every environment variable from the configuration', () => {
      const variables = template.toJSON().Resources[functionId].Properties.Environment.Variables as Record<
        string,
        unknown
      >;

      expect(variables).toEqual({
        [EnvVar.POLICIES_TABLE]: { Ref: 'PoliciesTable' },
        [EnvVar.AUDIT_TABLE]: { Ref: 'AuditTable' },
        [EnvVar.STATE_TABLE]: { Ref: 'StateTable' },
        [EnvVar.TOPIC_ARN]: { Ref: logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic') },
        [EnvVar.CONNECT_HANDLER_FUNCTION]: {
          Ref: logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction'),
        },
        [EnvVar.DRY_RUN]: 'false',
        [EnvVar.DISABLED]: 'false',
        [EnvVar.MAX_TERMINATIONS_PER_RUN]: '100',
        [EnvVar.AUDIT_RETENTION_DAYS]: '365',
        [EnvVar.STATE_RETENTION_DAYS]: '2',
        [EnvVar.TERMINATE_RATE]: '5',
        [EnvVar.TERMINATE_BURST]: '50',
        [EnvVar.TERMINATE_CONCURRENCY]: '10',
        [EnvVar.MAX_CONTINUATIONS]: '12',
        [EnvVar.TIME_MARGIN_SECONDS]: '20',
        [EnvVar.LEASE_SECONDS]: '300',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('Compliance 4: passes changed settings through, endpoint ids included', () => {
      const changed = synthTemplate({
        endpointIds: `${ENDPOINT_A},${ENDPOINT_B}`,
        dryRun: 'true',
        disabled: 'true',
        maxTerminationsPerRun: '7',
        auditRetentionDays: '30',
        stateRetentionDays: '3',
        terminateRate: '2',
        terminateBurst: '10',
        terminateConcurrency: '4',
        timeMarginSeconds: '30',
        leaseSeconds: '600',
        memorySize: '1024',
        timeoutSeconds: '120',
        logRetentionDays: '30',
      });

      changed.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Timeout: 120,
        Environment: {
          Variables: Match.objectLike({
            [EnvVar.ENDPOINT_IDS]: `${ENDPOINT_A},${ENDPOINT_B}`,
            [EnvVar.DRY_RUN]: 'true',
            [EnvVar.DISABLED]: 'true',
            [EnvVar.MAX_TERMINATIONS_PER_RUN]: '7',
            [EnvVar.AUDIT_RETENTION_DAYS]: '30',
            [EnvVar.STATE_RETENTION_DAYS]: '3',
            [EnvVar.TERMINATE_RATE]: '2',
            [EnvVar.TERMINATE_BURST]: '10',
            [EnvVar.TERMINATE_CONCURRENCY]: '4',
            [EnvVar.TIME_MARGIN_SECONDS]: '30',
            [EnvVar.LEASE_SECONDS]: '600',
          }),
        },
      });
      changed.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('Compliance 5: passes the endpoint tag through, and no ids', () => {
      const tagged = synthTemplate({ endpointTag: 'team=vpn' });
      const variables =
        tagged.toJSON().Resources[logicalId(tagged, 'AWS::Lambda::Function', 'EnforcerFunction')].Properties.Environment
          .Variables;

      expect(variables[EnvVar.ENDPOINT_TAG]).toBe('team=vpn');
      expect(variables[EnvVar.ENDPOINT_IDS]).toBeUndefined();
    });

    it('Compliance 6: retries a failed run twice, then dead-letters it; no reserved concurrency (the run lease prevents overlap)', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 1800,
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        ReservedConcurrentExecutions: Match.absent(),
      });
    });

    it('Compliance 7: its role carries no managed policy', () => {
      const roleId = logicalId(template, 'AWS::IAM::Role', 'EnforcerFunctionRole');

      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('dead-letter queue', () => {
    it('Compliance 1: is encrypted with the customer managed key, requires TLS and keeps messages 14 days', () => {
      expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('schedule', () => {
    it('Compliance 1: invokes the function every 5 minutes with the scheduled time, a retry policy and the DLQ', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>', source: 'schedule' }),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 1800 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RoleArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'EnforcerSchedulerRole'), 'Arn'] },
        },
      });
    });

    it('Compliance 2: takes the configured expression', () => {
      synthTemplate({ schedule: 'cron(0/10 * * * ? *)' }).hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0/10 * * * ? *)',
      });
    });

    it('Compliance 3: its role is assumable by EventBridge Scheduler of this account only', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
            }),
          ],
        },
      });
    });
  });
});
