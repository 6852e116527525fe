import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { DynamoPolicyRepository } from './adapters/DynamoPolicyRepository.js';
import { DynamoSpokeDirectory } from './adapters/DynamoSpokeDirectory.js';
import { SnsNotifier } from './adapters/SnsNotifier.js';
import { SystemClock } from './adapters/SystemClock.js';
import type { Clock } from './ports/index.js';
import { type AwsClientOptions, sdkClientSettings } from './client-settings.js';
import { createDocumentClient } from './clients.js';
import type { HandlerObservability } from './handler.js';
import { type HubWatchConfig, loadHubWatchConfig } from './hub/hub-config.js';
import { HubMetric } from './hub/hub-metrics.js';
import { type HubWatchPorts, type HubWatchReport, watchSpokes } from './hub/watch-spokes.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metrics.js';
import type { Notifier } from './ports/index.js';

/** What the hub watch reaches, built once per container. */
export interface HubWatchRuntime {
  readonly config: HubWatchConfig;
  readonly ports: HubWatchPorts & { readonly notifier?: Notifier };
}

/** Wires the AWS adapters: the hub's two tables and its topic. */
export function createHubWatchRuntime(
  config: HubWatchConfig,
  options: AwsClientOptions = {},
  /** @default the system clock (the sandbox passes its simulated one) */
  clock: Clock = new SystemClock(),
): HubWatchRuntime {
  const common = sdkClientSettings(options);
  const dynamodb = new DynamoDBClient(common);
  return {
    config,
    ports: {
      directory: new DynamoSpokeDirectory(createDocumentClient(dynamodb), config.auditTable, config.auditRetentionDays),
      policies: new DynamoPolicyRepository(dynamodb, config.policiesTable),
      clock,
      ...(config.topicArn ? { notifier: new SnsNotifier(new SNSClient(common), config.topicArn) } : {}),
    },
  };
}

/** What the hub watch answers: its report, and whether it published a digest. */
export interface HubWatchResult extends HubWatchReport {
  /** `published` when something was wrong and the topic took the digest; `none` when nothing was wrong or no topic. */
  readonly digest: 'published' | 'none';
}

/**
 * Builds the hub watch's handler (scheduled): it reports each spoke whose heartbeat is too old or whose last run was
 * neither completed nor disabled, and each row in force that selects no spoke, in one hub digest when there is any,
 * and publishes `SpokesUnreachable` and `SpokesReporting` every time.
 */
export function createHubWatchHandler(
  makeRuntime: () => HubWatchRuntime,
  observability: HandlerObservability = {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  },
) {
  const { logger, metrics } = observability;
  let runtime: HubWatchRuntime | undefined;

  const watch = async (_event: unknown, _context: Context): Promise<HubWatchResult> => {
    runtime ??= makeRuntime();
    const { config, ports } = runtime;
    const { report, digest } = await watchSpokes(ports, { spokeStaleSeconds: config.spokeStaleSeconds });
    metrics.addMetric(HubMetric.SPOKES_UNREACHABLE, MetricUnit.Count, report.unreachable.length);
    metrics.addMetric(HubMetric.SPOKES_REPORTING, MetricUnit.Count, report.reporting);
    for (const spoke of report.unreachable) logger.warn('spoke unreachable', { ...spoke });
    for (const row of report.unplaced) logger.warn('a row selects no known spoke', { ...row });
    // A digest the topic refuses fails the watch: Lambda retries it, and the next watch tells again.
    if (digest && ports.notifier) await ports.notifier.publish(digest);
    const published = digest !== undefined && ports.notifier !== undefined;
    logger.info('hub watch finished', {
      spokes: report.spokes.length,
      reporting: report.reporting,
      unreachable: report.unreachable.length,
      unplaced: report.unplaced.length,
      digest: published,
    });
    return { ...report, digest: published ? 'published' : 'none' };
  };

  return middy(watch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** The Lambda entry point: configuration is read and validated once, on the container's first run. */
export const handler = createHubWatchHandler(() => createHubWatchRuntime(loadHubWatchConfig(process.env)));
