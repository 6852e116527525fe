import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RunMetric } from '../lambda/metrics.js';
import { runMetric } from './run-metrics.js';

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  /** The enforcement function. */
  readonly function: lambda.IFunction;
  /** Where failed invocations land. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where every alarm is sent. */
  readonly topic: sns.ITopic;
  /** Window each alarm looks at. @default Duration.minutes(5) */
  readonly period?: Duration;
}

/**
 * Alarms on what needs a person: the function failing, an invocation dead-lettered, a
 * termination that failed, a run stopped by a cap, a policy row that does not validate. Each one
 * fires on the first occurrence in its window and is sent to the topic; no data means all is well.
 */
export class Alarms extends Construct {
  /** The function threw (the run did not finish). */
  public readonly functionErrors: cloudwatch.Alarm;
  /** An invocation reached the dead-letter queue. */
  public readonly deadLetters: cloudwatch.Alarm;
  /** A terminate call failed. */
  public readonly failedTerminations: cloudwatch.Alarm;
  /** A cap stopped a run or a row from terminating (caps fail closed: nothing was terminated). */
  public readonly cappedRuns: cloudwatch.Alarm;
  /** A policy row failed validation and matches nothing. */
  public readonly invalidPolicies: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new actions.SnsAction(props.topic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `cvpn-guard: ${description}`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      return created;
    };

    this.functionErrors = alarm(
      'FunctionErrors',
      props.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      'the enforcer function failed; the run did not finish. See its log group.',
    );
    this.deadLetters = alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      'an invocation reached the dead-letter queue (not delivered, or failed after retries).',
    );
    this.failedTerminations = alarm(
      'FailedTerminations',
      runMetric(RunMetric.FAILED, { period }),
      'a terminate call failed; the audit records of the run say why.',
    );
    this.cappedRuns = alarm(
      'CappedRuns',
      runMetric(RunMetric.CAPPED, { period }),
      'a run or a policy row exceeded its termination cap, so none of its terminations were made.',
    );
    this.invalidPolicies = alarm(
      'InvalidPolicies',
      runMetric(RunMetric.INVALID_POLICIES, { period }),
      'a policy row failed validation and matches nothing; its invalid-policy audit record names the field.',
    );
  }
}
