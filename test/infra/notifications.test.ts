import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { GateMetric, METRICS_NAMESPACE, RunMetric, SERVICE_NAME } from '../../lambda/metrics.js';
import { logicalId, synthTemplate } from './stack-factory.js';

describe('Notifications', () => {
  let template: Template;
  let keyId: string;
  let topicId: string;
  beforeAll(() => {
    template = synthTemplate();
    keyId = logicalId(template, 'AWS::KMS::Key', 'NotificationsKey');
    topicId = logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic');
  });

  it('Compliance 1: the topic is encrypted with a rotated customer managed key and requires TLS', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('Compliance 2: the key lets CloudWatch alarms publish to the encrypted topic', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('Compliance 3: no e-mail subscription unless an address is set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);

    synthTemplate({ notificationEmail: 'secops@example.com' }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('Alarms', () => {
  let template: Template;
  let topicId: string;
  beforeAll(() => {
    template = synthTemplate();
    topicId = logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic');
  });

  const firesOnFirst = {
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  };

  it('Compliance 1: there are eleven alarms, each sent to the topic, all but the slowness and runs-stopped ones firing on the first occurrence', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');

    expect(Object.keys(alarms)).toHaveLength(11);
    for (const [id, alarm] of Object.entries(alarms)) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [{ Ref: topicId }] });
      if (id.startsWith('AlarmsRunsStopped')) continue;
      expect(alarm.Properties).toMatchObject({ TreatMissingData: 'notBreaching' });
      if (!id.startsWith('AlarmsConnectHandlerSlow')) expect(alarm.Properties).toMatchObject(firesOnFirst);
    }
  });

  it('Compliance 2: on function errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction') } },
      ],
    });
  });

  it('Compliance 3: on dead-lettered invocations', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'EnforcerDeadLetterQueue'), 'QueueName'] },
        },
      ],
    });
  });

  it.each([RunMetric.FAILED, RunMetric.CAPPED, RunMetric.INVALID_POLICIES])(
    'Compliance 4: on the run metric %s',
    (metricName) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...firesOnFirst,
        Namespace: METRICS_NAMESPACE,
        MetricName: metricName,
        Statistic: 'Sum',
        Period: 300,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      });
    },
  );

  it('Compliance 9: on any batch of policy changes in the change failure queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...firesOnFirst,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'PolicyChangesFailureQueue'), 'QueueName'] },
        },
      ],
    });
  });

  describe('runs stopped', () => {
    const runsStopped = (context: Record<string, unknown> = {}) => {
      const alarms = synthTemplate(context).findResources('AWS::CloudWatch::Alarm');
      const ids = Object.keys(alarms).filter((id) => id.startsWith('AlarmsRunsStopped'));
      expect(ids).toHaveLength(1);
      return alarms[ids[0] as string]?.Properties;
    };

    it('Compliance 10: fires when no run reported for three schedule periods, no data counting as none', () => {
      expect(runsStopped()).toMatchObject({
        AlarmActions: [{ Ref: topicId }],
        Namespace: METRICS_NAMESPACE,
        MetricName: RunMetric.RUN_DURATION,
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        Statistic: 'SampleCount',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    it.each([
      ['rate(1 minute)', 60, 3],
      ['rate(2 hours)', 7200, 3],
      ['cron(0/5 8-18 ? * MON-FRI *)', 86_400, 3],
      ['rate(3 days)', 201_600, 3],
    ])('Compliance 11: with schedule %s, its period is %d s over %d periods', (schedule, period, evaluationPeriods) => {
      expect(runsStopped({ schedule, timeoutSeconds: 50, leaseSeconds: 60, timeMarginSeconds: 10 })).toMatchObject({
        Period: period,
        EvaluationPeriods: evaluationPeriods,
      });
    });
  });

  describe('client connect handler', () => {
    const connectHandler = () => ({ Ref: logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction') });

    it('Compliance 5: on its function errors', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...firesOnFirst,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: connectHandler() }],
      });
    });

    it('Compliance 6: on any attempt answered by the fail mode, admitted or refused', () => {
      const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
        (candidate) => candidate.Properties.Metrics !== undefined,
      );
      const metrics = alarm?.Properties.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: unknown }; Stat: string };
      }[];

      expect(alarm?.Properties).toMatchObject({ ...firesOnFirst, AlarmActions: [{ Ref: topicId }] });
      expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('SUM([fail_open, fail_closed])');
      expect(
        metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat] : [])).map((stat) => stat.Metric),
      ).toEqual([
        {
          Namespace: METRICS_NAMESPACE,
          MetricName: GateMetric.FAIL_OPEN,
          Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        },
        {
          Namespace: METRICS_NAMESPACE,
          MetricName: GateMetric.FAIL_CLOSED,
          Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
        },
      ]);
    });

    it('Compliance 7: on a p99 duration over 1 s, sustained over two windows of three', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Threshold: 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Dimensions: [{ Name: 'FunctionName', Value: connectHandler() }],
      });
    });

    it("Compliance 8: on a run's canary failing (its maximum at least 1)", () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...firesOnFirst,
        Namespace: METRICS_NAMESPACE,
        MetricName: RunMetric.CONNECT_HANDLER_CANARY_FAILED,
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      });
    });
  });
});
