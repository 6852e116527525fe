import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RunMetric } from '../lambda/metrics.js';
import type { ParsedSchedule } from '../lambda/settings/index.js';
import { failModeAnswers, runMetric, runsPerWindow } from './run-metrics.js';
import { runsStoppedWindow } from './runs-stopped-window.js';

/** The client connect handler's p99 duration above which an operator should look: Client VPN users wait for it. */
export const CONNECT_HANDLER_SLOW_MS = 1000;

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  /** The enforcement function. */
  readonly function: lambda.IFunction;
  /** The client connect handler's function. */
  readonly connectHandler: lambda.IFunction;
  /** Where failed invocations land. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where Lambda records batches of policy changes it gave up on. @default none (a spoke: the hub reads the stream) */
  readonly changeFailureQueue?: sqs.IQueue;
  /** When the enforcer runs: the runs-stopped alarm waits three of its periods. */
  readonly schedule: ParsedSchedule;
  /** Where every alarm is sent. */
  readonly topic: sns.ITopic;
  /** Window each alarm looks at. @default Duration.minutes(5) */
  readonly period?: Duration;
}

/**
 * Alarms on what needs a person: the function failing, an invocation dead-lettered, a
 * termination that failed, a run stopped by a cap, a policy row that does not validate; and for the
 * client connect handler: the function failing, an attempt answered by the fail mode, answers getting
 * slow, a run's canary attempt getting no well-formed answer; a batch of policy changes given up on; and runs that
 * stopped happening. Each one fires on the first occurrence in its window (the slowness on a sustained one) and is
 * sent to the topic; no data means all is well, except for the runs-stopped alarm, where no data is the problem.
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
  /** The client connect handler threw (Client VPN refused the attempt). */
  public readonly connectHandlerErrors: cloudwatch.Alarm;
  /** The client connect handler could not decide and answered by `connectFailMode`. */
  public readonly connectFailMode: cloudwatch.Alarm;
  /** The client connect handler's p99 duration exceeded {@link CONNECT_HANDLER_SLOW_MS}. */
  public readonly connectHandlerSlow: cloudwatch.Alarm;
  /** A run's canary attempt on the client connect handler got no well-formed answer. */
  public readonly connectHandlerCanary: cloudwatch.Alarm;
  /** Lambda gave up on a batch of policy changes and recorded it in the failure queue; undefined without the queue. */
  public readonly failedChangeBatches?: cloudwatch.Alarm;
  /** No run reported for three schedule periods (see {@link runsStoppedWindow}). */
  public readonly runsStopped: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new actions.SnsAction(props.topic);
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      options: Partial<cloudwatch.CreateAlarmOptions> = {},
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `cvpn-guard: ${description}`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
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

    this.connectHandlerErrors = alarm(
      'ConnectHandlerErrors',
      props.connectHandler.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      'the client connect handler failed; Client VPN refused those attempts. See its log group.',
    );
    this.connectFailMode = alarm(
      'ConnectFailMode',
      failModeAnswers({ period }),
      'the client connect handler could not decide in time (no policy rows, the deadline passed, a malformed request) and answered by connectFailMode; its audit records say why.',
    );
    // Sustained: two windows of three, so one cold start in a quiet window does not page anyone.
    this.connectHandlerSlow = alarm(
      'ConnectHandlerSlow',
      props.connectHandler.metricDuration({ period, statistic: cloudwatch.Stats.p(99) }),
      `the client connect handler's p99 duration is over ${CONNECT_HANDLER_SLOW_MS} ms; users wait for it at every connection. Consider connectHandlerProvisionedConcurrency.`,
      {
        threshold: CONNECT_HANDLER_SLOW_MS,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      },
    );
    this.connectHandlerCanary = alarm(
      'ConnectHandlerCanary',
      runMetric(RunMetric.CONNECT_HANDLER_CANARY_FAILED, { period, statistic: cloudwatch.Stats.MAXIMUM }),
      "a run's canary attempt on the client connect handler got no well-formed answer; real attempts may be refused. See the handler's log group.",
    );

    if (props.changeFailureQueue)
      this.failedChangeBatches = alarm(
        'FailedChangeBatches',
        props.changeFailureQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        'a batch of policy changes failed after its retries and is recorded in the change failure queue; the next scheduled run reads those rows anyway. See docs/deploy.md for what the message holds.',
      );
    const window = runsStoppedWindow(props.schedule);
    this.runsStopped = alarm(
      'RunsStopped',
      runsPerWindow(window.period),
      `no enforcer run reported for ${window.description}: the schedule may be disabled or the function failing before it reports. Nothing is being enforced.`,
      {
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: window.evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );
  }
}
