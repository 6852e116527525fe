/**
 * The product on the sandbox, wired as the stack wires it in AWS: the client connect handler (the gate) and the
 * enforcer registered as Lambda functions under their deployed names, built from the bundles' entry points, the
 * gate attached to the endpoints, the enforcer run on the stack's default schedule on the simulated clock and fed
 * the policies table's stream by an event source mapping.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ModifyClientVpnEndpointCommand, paginateDescribeClientVpnEndpoints } from '@aws-sdk/client-ec2';
import { type AwsClients, createAwsClients, destroyClients } from '../../lambda/clients.js';
import { loadEnforcerConfig, loadGateConfig } from '../../lambda/config.js';
import { createGateHandler, createGateRuntime } from '../../lambda/gate-handler.js';
import { createHandler } from '../../lambda/handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/metrics.js';
import type { Clock } from '../../lambda/ports/index.js';
import { resourceEnvironment } from '../../lambda/resource-environment.js';
import type { RunReport } from '../../lambda/run/RunReport.js';
import { createRuntime } from '../../lambda/runtime.js';
import { connectHandlerName, defaultValue, POLICY_CHANGE_MAPPING, Setting } from '../../lambda/settings/index.js';
import {
  CLIENT_CONNECT_TIMEOUT_MS,
  type EventSourceMapping,
  type InvocationOutcome,
  type Sandbox,
  type SimulatedClock,
} from '../../local/index.js';
import { SANDBOX_ENFORCER_FUNCTION_NAME } from './enforcer-name.js';
import { type ScheduledTick, SimulatedSchedule } from './schedule.js';

/** The gate's function name as the stack names it, `AWSClientVPN-<stackName>`, for the default stack name. */
export const GATE_FUNCTION_NAME = connectHandlerName(defaultValue(Setting.STACK_NAME));
/** The enforcer's function name in the sandbox. */
export const ENFORCER_FUNCTION_NAME = SANDBOX_ENFORCER_FUNCTION_NAME;

/**
 * The event source mapping from the policies table's stream to the enforcer: a batch of up to 1,000 changes, gathered
 * for at most 1 s; a failing batch split in two and retried up to 10 times; changes older than 1 hour given up on
 * (a scheduled run covers them by then). The stack (lib/) uses the same figures.
 */
export const POLICY_STREAM_MAPPING = {
  batchSize: POLICY_CHANGE_MAPPING.batchSize,
  maximumBatchingWindowMs: POLICY_CHANGE_MAPPING.maxBatchingWindowSeconds * 1000,
  bisectBatchOnError: POLICY_CHANGE_MAPPING.bisectBatchOnError,
  maximumRetryAttempts: POLICY_CHANGE_MAPPING.retryAttempts,
  maximumRecordAgeMs: POLICY_CHANGE_MAPPING.maxRecordAgeSeconds * 1000,
} as const;

/** The queue the mapping describes a batch it gave up on to, in the sandbox (read it: GET /_sandbox/lambda/mappings/…/failures). */
export const STREAM_FAILURE_QUEUE_NAME = 'cvpn-guard-policy-stream-failures';

/** Options of `installProduct`. */
export interface InstallProductOptions {
  /** Attach the gate to every endpoint the sandbox has (ModifyClientVpnEndpoint ClientConnectOptions). @default true */
  readonly attachGate?: boolean;
  /** Invoke the enforcer on the stack's default schedule, on the simulated clock. @default true */
  readonly schedule?: boolean;
  /** Feed the enforcer the policies table's stream through an event source mapping. @default true */
  readonly stream?: boolean;
  /** Let the functions log (Powertools JSON) and publish metrics (EMF) to stdout, as in Lambda. @default false: quiet */
  readonly observability?: boolean;
}

/** The schedule the enforcer runs on. */
export interface ProductSchedule {
  /** The expression, as the stack gives it to EventBridge Scheduler. */
  readonly expression: string;
  /** Simulated milliseconds between two runs. */
  readonly periodMs: number;
}

/** The product installed on a sandbox. */
export interface InstalledProduct {
  /** The gate's function name. */
  readonly gateName: string;
  /** The enforcer's function name. */
  readonly enforcerName: string;
  /** The endpoints the gate was attached to; empty when it was not. */
  readonly attachedEndpoints: readonly string[];
  /** The enforcer's schedule; undefined when it was not asked for. */
  readonly schedule?: ProductSchedule;
  /** The mapping from the policies table's stream to the enforcer; undefined when it was not asked for. */
  readonly streamMapping?: EventSourceMapping;
  /** Every scheduled run so far, oldest first. */
  ticks(): readonly ScheduledTick[];
  /**
   * Stops the schedule and the stream's mapping (a run or a batch under way ends first) and closes the functions'
   * clients; the functions stay.
   */
  stop(): Promise<void>;
}

/**
 * Installs the product on a running sandbox: registers the gate (`AWSClientVPN-CvpnGuard`, 30 s: Client VPN waits
 * no longer) and the enforcer (`cvpn-guard-enforcer`, the stack's function timeout) in `sandbox.lambda`, with the
 * environment the stack gives them, attaches the gate to every endpoint through the EC2 API, runs the enforcer on the
 * stack's default schedule on the simulated clock, and maps the policies table's stream to it with the stack's
 * settings (`POLICY_STREAM_MAPPING`). The schedule and the mapping stop with `stop()` or `sandbox.stop()`.
 */
export async function installProduct(sandbox: Sandbox, options: InstallProductOptions = {}): Promise<InstalledProduct> {
  const observability = observabilityOf(options.observability === true);
  const environment = {
    ...sandbox.awsEnvironment(),
    ...resourceEnvironment({ ...sandbox, connectHandlerFunction: GATE_FUNCTION_NAME }),
  };
  // Read before anything is registered: a configuration the functions would refuse is an error here.
  const gateConfig = loadGateConfig(environment);
  const enforcerConfig = loadEnforcerConfig(environment);
  const clients = createAwsClients(sandbox.clientConfig());

  sandbox.lambda.register(
    GATE_FUNCTION_NAME,
    createGateHandler(() => createGateRuntime(gateConfig, clients, deadlineClock(sandbox.clock)), observability()),
    { timeoutMs: CLIENT_CONNECT_TIMEOUT_MS },
  );
  sandbox.lambda.register(
    ENFORCER_FUNCTION_NAME,
    createHandler(() => createRuntime(enforcerConfig, clients, sandbox.clock), observability()),
    { timeoutMs: defaultValue(Setting.TIMEOUT_SECONDS) * 1000 },
  );

  const attachedEndpoints =
    options.attachGate === false
      ? []
      : await attachGateToEveryEndpoint(clients, sandbox.lambda.arn(GATE_FUNCTION_NAME));
  const expression = defaultValue(Setting.SCHEDULE);
  const schedule =
    options.schedule === false || expression.periodSeconds === undefined
      ? undefined
      : new SimulatedSchedule(sandbox.clock, expression.periodSeconds * 1000, (time) => invokeEnforcer(sandbox, time));
  const streamMapping = options.stream === false ? undefined : mapPolicyStream(sandbox);
  let stopped: Promise<void> | undefined;
  return {
    gateName: GATE_FUNCTION_NAME,
    enforcerName: ENFORCER_FUNCTION_NAME,
    attachedEndpoints,
    ...(schedule ? { schedule: { expression: expression.expression, periodMs: schedule.periodMs } } : {}),
    ...(streamMapping ? { streamMapping } : {}),
    ticks: () => schedule?.ticks() ?? [],
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all([schedule?.stop(), streamMapping?.stop()]);
        destroyClients(clients);
      })()),
  };
}

/** The event source mapping from the policies table's stream to the enforcer, as the stack creates it. */
function mapPolicyStream(sandbox: Sandbox): EventSourceMapping {
  return sandbox.lambda.createEventSourceMapping({
    functionName: ENFORCER_FUNCTION_NAME,
    streamArn: sandbox.policyStream.arn,
    ...POLICY_STREAM_MAPPING,
    onFailure: { destination: `arn:aws:sqs:${sandbox.region}:${sandbox.accountId}:${STREAM_FAILURE_QUEUE_NAME}` },
  });
}

/**
 * The simulated clock for the gate, whose only wait is its answer's deadline. A deadline passes when simulated time
 * gets there; it must not move a frozen clock itself, as a sleep does, or it would pass before DynamoDB answers.
 */
export function deadlineClock(clock: SimulatedClock): Clock {
  return {
    now: () => clock.now(),
    sleep: async (ms) => {
      await clock.waitUntil(clock.nowMs() + ms);
    },
  };
}

/** Attaches the gate to every endpoint, as the stack's custom resource does: ModifyClientVpnEndpoint on each. */
/**
 * Attaches a client connect handler to every endpoint the clients' EC2 lists, as the stack's custom resource does;
 * the endpoints attached, in EC2's order.
 */
export async function attachGateToEveryEndpoint(clients: AwsClients, gateArn: string): Promise<string[]> {
  const endpointIds: string[] = [];
  for await (const page of paginateDescribeClientVpnEndpoints({ client: clients.ec2 }, {})) {
    for (const endpoint of page.ClientVpnEndpoints ?? []) {
      if (endpoint.ClientVpnEndpointId) endpointIds.push(endpoint.ClientVpnEndpointId);
    }
  }
  for (const id of endpointIds) {
    await clients.ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: id,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: gateArn },
      }),
    );
  }
  return endpointIds;
}

/** Invokes a function as a service would and returns its answer; a function error is thrown with its message. */
export async function invokeForAnswer(
  sandbox: Sandbox,
  nameOrArn: string,
  event: object,
): Promise<Record<string, unknown>> {
  const outcome = await sandbox.lambda.invokeAsService(nameOrArn, event);
  switch (outcome.kind) {
    case 'returned':
      return JSON.parse(outcome.payload) as Record<string, unknown>;
    case 'function-error':
      throw new Error(`${nameOrArn}: ${outcome.errorType}: ${outcome.errorMessage}`);
    case 'caller-timed-out':
      throw new Error(`${nameOrArn}: no answer in time`);
    case 'refused':
      throw new Error(`${nameOrArn}: ${outcome.error.code}: ${outcome.error.message}`);
  }
}

/** One scheduled run: the Scheduler's invocation of the enforcer, with its payload, through the sandbox's Lambda. */
async function invokeEnforcer(sandbox: Sandbox, scheduledTime: string): Promise<ScheduledTick> {
  try {
    const outcome = await sandbox.lambda.invokeAsService(ENFORCER_FUNCTION_NAME, { scheduledTime, source: 'schedule' });
    return tickOutcome(scheduledTime, outcome);
  } catch (error) {
    // The sandbox stopping under a run: the tick is recorded, the schedule goes on to its end.
    return { scheduledTime, outcome: 'error', error: error instanceof Error ? error.message : String(error) };
  }
}

/** A scheduled invocation's outcome as a tick: the run id and status of the report returned, or what went wrong. */
export function tickOutcome(scheduledTime: string, outcome: InvocationOutcome): ScheduledTick {
  switch (outcome.kind) {
    case 'returned': {
      const report = JSON.parse(outcome.payload) as Partial<Pick<RunReport, 'runId' | 'status'>>;
      return {
        scheduledTime,
        outcome: outcome.kind,
        ...(report.runId === undefined ? {} : { runId: report.runId }),
        ...(report.status === undefined ? {} : { status: report.status }),
      };
    }
    case 'function-error':
      return { scheduledTime, outcome: outcome.kind, error: `${outcome.errorType}: ${outcome.errorMessage}` };
    case 'caller-timed-out':
      return { scheduledTime, outcome: outcome.kind, error: 'no answer in time' };
    case 'refused':
      return { scheduledTime, outcome: outcome.kind, error: `${outcome.error.code}: ${outcome.error.message}` };
  }
}

/**
 * The functions' logger and metrics: silent, and metrics not published, unless asked. Powertools reads whether
 * metrics are published from the environment only, so that is where it is said.
 */
export function observabilityOf(verbose: boolean): () => { logger: Logger; metrics: Metrics } {
  if (!verbose) process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return () => ({
    logger: new Logger({ serviceName: SERVICE_NAME, logLevel: verbose ? 'INFO' : 'SILENT' }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  });
}
