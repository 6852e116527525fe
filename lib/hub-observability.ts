/**
 * The hub's alarms and dashboard: spokes that stopped reporting, relayed changes that did not reach a spoke, the
 * relay failing, and batches of policy changes given up on. The metric names are those the hub functions publish.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HubMetric, METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/metrics.js';

export { HubMetric };

/** A hub metric, over 5 minutes unless told otherwise. */
export function hubMetric(metricName: HubMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/** Properties of {@link HubObservability}. */
export interface HubObservabilityProps {
  readonly relay: lambda.IFunction;
  readonly hubWatch: lambda.IFunction;
  readonly changeFailureQueue: sqs.IQueue;
  readonly topic: sns.ITopic;
}

/** The hub's alarms (each sent to the topic) and its dashboard. */
export class HubObservability extends Construct {
  public readonly spokesUnreachable: cloudwatch.Alarm;
  public readonly spokeRelayFailures: cloudwatch.Alarm;
  public readonly relayErrors: cloudwatch.Alarm;
  public readonly hubWatchErrors: cloudwatch.Alarm;
  public readonly failedChangeBatches: cloudwatch.Alarm;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HubObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const action = new actions.SnsAction(props.topic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `cvpn-guard hub: ${description}`,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      return created;
    };
    this.spokesUnreachable = alarm(
      'SpokesUnreachable',
      hubMetric(HubMetric.SPOKES_UNREACHABLE, { period }),
      'a spoke has not reported within its window, or its last run failed; the hub digest names it and says why.',
    );
    this.spokeRelayFailures = alarm(
      'SpokeRelayFailures',
      hubMetric(HubMetric.SPOKE_RELAY_FAILURES, { period, statistic: cloudwatch.Stats.SUM }),
      "a policy change could not be passed on to a spoke's enforcer; its next scheduled run applies it. The relay's log names the spoke.",
    );
    this.relayErrors = alarm(
      'RelayErrors',
      props.relay.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      'the relay failed; the batch is retried, then recorded in the change failure queue. See its log group.',
    );
    this.hubWatchErrors = alarm(
      'HubWatchErrors',
      props.hubWatch.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      'the hub watch failed; spokes are not being watched. See its log group.',
    );
    this.failedChangeBatches = alarm(
      'FailedChangeBatches',
      props.changeFailureQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      'a batch of policy changes was given up on and is recorded in the change failure queue; each spoke applies it at its next scheduled run.',
    );

    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          graph('Spokes', [
            hubMetric(HubMetric.SPOKES_REPORTING, { label: 'reporting' }),
            hubMetric(HubMetric.SPOKES_UNREACHABLE, { label: 'unreachable' }),
          ]),
          graph('Policy changes relayed', [
            hubMetric(HubMetric.SPOKES_RELAYED, { statistic: cloudwatch.Stats.SUM, label: 'spokes invoked' }),
            hubMetric(HubMetric.SPOKE_RELAY_FAILURES, { statistic: cloudwatch.Stats.SUM, label: 'invokes failed' }),
          ]),
          graph('Hub functions', [
            props.relay.metricErrors({ statistic: cloudwatch.Stats.SUM, label: 'relay errors' }),
            props.hubWatch.metricErrors({ statistic: cloudwatch.Stats.SUM, label: 'hub watch errors' }),
            props.changeFailureQueue.metricApproximateNumberOfMessagesVisible({
              statistic: cloudwatch.Stats.MAXIMUM,
              label: 'change batches given up on',
            }),
          ]),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [
              this.spokesUnreachable,
              this.spokeRelayFailures,
              this.relayErrors,
              this.hubWatchErrors,
              this.failedChangeBatches,
            ],
            width: 8,
            height: 6,
          }),
        ],
      ],
    });
  }
}
