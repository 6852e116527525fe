import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadEnforcerConfig } from '../../lambda/config.js';
import type { Connection } from '../../lambda/domain/index.js';
import { EnvVar } from '../../lambda/environment.js';
import { createHandler } from '../../lambda/handler.js';
import { type EnforcerResult, isRunResult, type RunResult } from '../../lambda/run/run-result.js';
import type { EnforcerRuntime } from '../../lambda/runtime.js';
import { ENDPOINT_A } from './fixtures.js';
import { memoryPorts } from './MemoryPorts.js';
import { POLICIES_TABLE } from './stream-records.js';

/** The enforcer's function, as Lambda names it in each invocation's context. */
export const ENFORCER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:CvpnGuard-Enforcer';

/** One metric datum the handler published: name, value and dimensions (beyond `service`). */
export type Datum = readonly [name: string, value: number, dimensions?: Record<string, string>];

/** Metrics that publish nothing and keep each datum. */
function capturingMetrics(data: Datum[]): Metrics {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  metrics.addMetric = (name, _unit, value) => {
    data.push([name, value]);
    return metrics;
  };
  metrics.publishStoredMetrics = () => metrics;
  metrics.singleMetric = () => {
    let dimensions: Record<string, string> = {};
    return {
      addDimensions: (given: Record<string, string>) => void (dimensions = given),
      addMetric: (name: string, _unit: unknown, value: number) => void data.push([name, value, dimensions]),
    } as unknown as Metrics;
  };
  return metrics;
}

/**
 * The real handler over memory ports, invoked as Lambda invokes it (a context with the function's ARN and a
 * request id), with the continuations it starts delivered on request.
 */
export function memoryEnforcer(
  options: {
    readonly connections?: Connection[];
    readonly policies?: Record<string, unknown>[];
    readonly env?: Record<string, string>;
    /** Replaces ports (to hook them). */
    readonly wrap?: (ports: ReturnType<typeof memoryPorts>) => ReturnType<typeof memoryPorts>;
  } = {},
) {
  const base = memoryPorts([{ endpointId: ENDPOINT_A, tags: {} }], options.connections ?? [], options.policies ?? []);
  const ports = options.wrap ? options.wrap(base) : base;
  const config = loadEnforcerConfig({
    [EnvVar.POLICIES_TABLE]: POLICIES_TABLE,
    [EnvVar.AUDIT_TABLE]: 'a',
    [EnvVar.STATE_TABLE]: 's',
    ...options.env,
  });
  const runtime: EnforcerRuntime = { config, ports };
  const data: Datum[] = [];
  const handler = createHandler(() => runtime, {
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: capturingMetrics(data),
  });
  const invoke = (event: unknown, requestId: string = randomUUID(), remainingMs = 200_000): Promise<EnforcerResult> => {
    // Time left runs on the ports' clock, which the run's pacing moves.
    const deadline = base.clock.now().getTime() + remainingMs;
    const context = {
      functionName: 'CvpnGuard-Enforcer',
      invokedFunctionArn: ENFORCER_ARN,
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => deadline - base.clock.now().getTime(),
    } as unknown as Context;
    return handler(event, context);
  };
  /** Delivers every continuation started (and those they start), at most `bound`; returns their answers. */
  const drain = async (bound = 50): Promise<RunResult[]> => {
    const answers: RunResult[] = [];
    for (let event = base.continuations.next(); event !== undefined; event = base.continuations.next()) {
      if (answers.length >= bound) throw new Error(`more than ${bound} continuations`);
      answers.push(asRun(await invoke(event)));
    }
    return answers;
  };
  return { ports: base, hooked: ports, config, data, invoke, drain };
}

/** The answer of an invocation that ran; fails the test otherwise. */
export function asRun(result: EnforcerResult): RunResult {
  if (!isRunResult(result)) throw new Error(`expected a run, got ${JSON.stringify(result)}`);
  return result;
}
