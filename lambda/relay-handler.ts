import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { DynamoSpokeDirectory } from './adapters/DynamoSpokeDirectory.js';
import { LambdaSpokeInvoker } from './adapters/LambdaSpokeInvoker.js';
import { readPolicyImage } from './adapters/policy-image.js';
import { SnsNotifier } from './adapters/SnsNotifier.js';
import { SystemClock } from './adapters/SystemClock.js';
import { type AwsClientOptions, sdkClientSettings } from './client-settings.js';
import { createDocumentClient } from './clients.js';
import { EnforcerEventError } from './errors.js';
import { type RelayConfig, loadRelayConfig } from './hub/hub-config.js';
import { HubMetric } from './hub/hub-metrics.js';
import { relayChange, type RelayResult } from './hub/relay-change.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metrics.js';
import { type Clock, type Notifier, type SpokeDirectory, type SpokeInvoker, unqualifiedArn } from './ports/index.js';
import { streamBatchSchema } from './run/stream-batch.js';
import type { HandlerObservability } from './handler.js';

/** What the relay reaches, built once per container. */
export interface RelayRuntime {
  readonly config: RelayConfig;
  readonly ports: {
    readonly directory: SpokeDirectory;
    readonly invoker: SpokeInvoker;
    readonly clock: Clock;
    readonly notifier?: Notifier;
  };
}

/** Wires the AWS adapters: the hub's own tables and topic, and one one-attempt Lambda client per spoke Region. */
export function createRelayRuntime(
  config: RelayConfig,
  options: AwsClientOptions = {},
  /** @default the system clock (the sandbox passes its simulated one) */
  clock: Clock = new SystemClock(),
): RelayRuntime {
  const common = sdkClientSettings(options);
  const documents = createDocumentClient(new DynamoDBClient(common));
  return {
    config,
    ports: {
      directory: new DynamoSpokeDirectory(documents, config.auditTable, config.auditRetentionDays),
      invoker: new LambdaSpokeInvoker(
        (region) => new LambdaClient({ ...common, region, retryMode: 'standard', maxAttempts: 1 }),
      ),
      clock,
      ...(config.topicArn ? { notifier: new SnsNotifier(new SNSClient(common), config.topicArn) } : {}),
    },
  };
}

/**
 * Builds the relay's handler: it takes a batch of the hub policies table's stream and, when a change can end
 * sessions, invokes the enforcer of every spoke the changed rows select (lambda/hub/relay-change.ts).
 */
export function createRelayHandler(
  makeRuntime: () => RelayRuntime,
  observability: HandlerObservability = {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  },
) {
  const { logger, metrics } = observability;
  let runtime: RelayRuntime | undefined;

  const relay = async (event: unknown, context: Context): Promise<RelayResult> => {
    runtime ??= makeRuntime();
    const batch = streamBatchSchema.safeParse(event);
    if (!batch.success) {
      throw new EnforcerEventError(
        `cvpn-guard relay: the event is not a batch of the policies table's stream ({"Records": [at least one record]}): ${batch.error.issues
          .map((issue) => `${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`)
          .join('; ')}`,
      );
    }
    const { config, ports } = runtime;
    const result = await relayChange(
      { ...ports, logger },
      {
        records: batch.data.Records,
        policiesTable: config.policiesTable,
        readImage: readPolicyImage,
        from: unqualifiedArn(context.invokedFunctionArn),
        now: ports.clock.now(),
      },
    );
    if (result.status === 'relayed') {
      metrics.addMetric(HubMetric.SPOKES_RELAYED, MetricUnit.Count, result.spokes - result.failed.length);
      metrics.addMetric(HubMetric.SPOKE_RELAY_FAILURES, MetricUnit.Count, result.failed.length);
    }
    logger.info('batch relayed', { ...result, ignored: result.ignored.length });
    return result;
  };

  return middy(relay)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** The Lambda entry point: configuration is read and validated once, on the container's first run. */
export const handler = createRelayHandler(() => createRelayRuntime(loadRelayConfig(process.env)));
