import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { DynamoAuditLog } from './adapters/DynamoAuditLog.js';
import { DynamoConnectionFacts } from './adapters/DynamoConnectionFacts.js';
import { DynamoPolicyRepository } from './adapters/DynamoPolicyRepository.js';
import { Ec2ClientVpnGateway } from './adapters/Ec2ClientVpnGateway.js';
import { SystemClock } from './adapters/SystemClock.js';
import { createGateClients, type GateClients } from './clients.js';
import { type GateConfig, loadGateConfig } from './config.js';
import { DEFAULT_REFUSAL_MESSAGE, FailMode } from './domain/index.js';
import { ConnectGate, connectResponse, type ConnectResponse, GateMetric, type GateMetrics } from './gate/index.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metrics.js';
import { placedRunId } from './run/run-id.js';
import type { AuditLog, Clock, ConnectionCounter, ConnectionFacts, PolicyRepository } from './ports/index.js';

/** The ports the gate needs besides its logger and metrics, built once per container. */
export interface GateRuntime {
  readonly config: GateConfig;
  readonly policies: PolicyRepository;
  readonly audit: AuditLog;
  readonly facts: Pick<ConnectionFacts, 'put'>;
  readonly counter: ConnectionCounter;
  readonly clock: Clock;
}

/**
 * Wires the AWS adapters for the gate, on the clients and the clock given (the sandbox and the bench pass
 * theirs). The policies and audit tables go through `clients.hub` (in a spoke, the hub's Region); the rows are read
 * from memory on every attempt (the gate's PolicyCache), so the connect path never waits on the hub's Region. The count of a user's connections goes through a one-attempt EC2 client: the gate paces its
 * calls itself, and an SDK retry would outlive the connect deadline while spending EC2's describe bucket.
 */
export function createGateRuntime(
  config: GateConfig,
  clients: GateClients = createGateClients({}, { hubRegion: config.hubRegion }),
  clock: Clock = new SystemClock(),
): GateRuntime {
  return {
    config,
    policies: new DynamoPolicyRepository(clients.hub.dynamodb, config.policiesTable, config.placement),
    audit: new DynamoAuditLog(clients.hub.documents, config.auditTable, config.auditRetentionDays, config.placement),
    facts: new DynamoConnectionFacts(clients.documents, config.stateTable, clock),
    counter: new Ec2ClientVpnGateway(clients.ec2Terminate, () => clock.now()),
    clock,
  };
}

/** Observability the gate's handler writes to. */
export interface GateObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Powertools Metrics as the gate's metrics sink. */
function metricsSink(metrics: Metrics): GateMetrics {
  return {
    count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
    duration: (ms) => metrics.addMetric(GateMetric.DURATION, MetricUnit.Milliseconds, ms),
  };
}

/**
 * Builds the client connect handler around a runtime made once, on the container's first invocation. It never
 * throws: a configuration that fails validation is logged and answered by refusing (the fail mode is itself
 * configuration and cannot be trusted then; Client VPN would refuse a failed invocation anyway, so the
 * answer is the same, well formed), and every other path gives a well-formed answer.
 */
export function createGateHandler(
  makeRuntime: () => GateRuntime,
  observability: GateObservability = {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  },
) {
  const { logger, metrics } = observability;
  let gate: ConnectGate | undefined;
  let failMode: FailMode = FailMode.REFUSE;

  const connect = async (event: unknown): Promise<ConnectResponse> => {
    try {
      if (gate === undefined) {
        const runtime = makeRuntime();
        failMode = runtime.config.connectFailMode;
        gate = new ConnectGate(
          {
            policies: runtime.policies,
            audit: runtime.audit,
            facts: runtime.facts,
            counter: runtime.counter,
            clock: runtime.clock,
            logger,
            metrics: metricsSink(metrics),
          },
          {
            failMode: runtime.config.connectFailMode,
            deadlineMs: runtime.config.connectDeadlineMs,
            policyCacheMs: runtime.config.policyCacheMs,
            dryRun: runtime.config.dryRun,
            disabled: runtime.config.disabled,
            ...placing(runtime.config),
          },
        );
      }
      const answer = await gate.answer(event);
      logger.info('connect attempt answered', {
        outcome: answer.outcome,
        allow: answer.response.allow,
        connectionId: answer.record?.connectionId,
        recorded: answer.recorded,
        factKept: answer.factKept,
      });
      return answer.response;
    } catch (error) {
      logger.error('the client connect handler failed; answering by the fail mode', {
        error: error instanceof Error ? error.message : String(error),
      });
      return failMode === FailMode.ADMIT && gate !== undefined
        ? connectResponse(true)
        : connectResponse(false, DEFAULT_REFUSAL_MESSAGE);
    }
  };

  return middy(connect)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** A spoke's gate places its day buckets (`placedRunId`); a single deployment's are as they were. */
function placing(config: GateConfig): { placeRunId?: (runId: string) => string } {
  const { placement, hubRegion } = config;
  if (hubRegion === undefined || placement === undefined) return {};
  return { placeRunId: (runId) => placedRunId(placement, runId) };
}

/** The Lambda entry point of the client connect handler: configuration is read and validated once per container. */
export const gateHandler = createGateHandler(() => createGateRuntime(loadGateConfig(process.env)));
