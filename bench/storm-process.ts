/**
 * One phase of the login storm, in a process of its own: a fresh sandbox, and the client connect handler registered
 * in the sandbox's Lambda service and attached to both endpoints (ModifyClientVpnEndpoint), so that every attempt
 * goes the way Client VPN sends it: `sandbox.connect` → the endpoint's handler, invoked synchronously → its answer,
 * read strictly. The handler runs in this process because the sandbox's Lambda runs the functions registered in
 * its own process; that is where Client VPN's Lambda would run it, next to the service, not in the bench's.
 * Started by bench/run.ts with `node --import tsx`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { EC2Client, ModifyClientVpnEndpointCommand } from '@aws-sdk/client-ec2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createGateHandler } from '../lambda/gate-handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/metrics.js';
import { type AuditLog, AuditRecordType } from '../lambda/ports/index.js';
import {
  CLIENT_CONNECT_HANDLER_PREFIX,
  CLIENT_CONNECT_TIMEOUT_MS,
  type ConnectAttemptResult,
  type Sandbox,
  startSandbox,
} from '../local/index.js';
import { benchGateConfig, benchGateRuntime } from './gate-runtime.js';
import type {
  InvocationTiming,
  ObservedAttempt,
  StormCommand,
  StormEvent,
  StormObservation,
} from './storm-protocol.js';
import { generateStorm, STORM_START, type StormAttempt } from './storm-scenario.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** The handler's name: Client VPN only invokes functions whose name begins with AWSClientVPN-. */
const FUNCTION_NAME = `${CLIENT_CONNECT_HANDLER_PREFIX}cvpn-guard-bench`;

const SILENT = new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' });

/** Powertools Metrics that also sums what the handler adds, by name (publishing is off in the bench). */
class TalliedMetrics extends Metrics {
  public readonly tally: Record<string, number> = {};

  public override addMetric(name: string, unit: Parameters<Metrics['addMetric']>[1], value: number): this {
    this.tally[name] = (this.tally[name] ?? 0) + value;
    return super.addMetric(name, unit, value);
  }
}

/** When the invocation running began its first audit write (real ms): concurrent invocations each mark their own. */
const invocationWrites = new AsyncLocalStorage<{ firstWriteAt?: number }>();

/** The audit log, timing each record it writes (real ms), so the report can tell the decision from the write. */
function timedAudit(audit: AuditLog, writes: number[]): AuditLog {
  // Every other method is the adapter's own, reached through the prototype.
  const timed = Object.create(audit) as AuditLog;
  timed.record = async (record) => {
    const started = performance.now();
    const invocation = invocationWrites.getStore();
    if (invocation !== undefined) invocation.firstWriteAt ??= started;
    try {
      return await audit.record(record);
    } finally {
      writes.push(performance.now() - started);
    }
  };
  return timed;
}

/** The handler, wrapped to time each invocation and count what it throws. */
function registerHandler(sandbox: Sandbox, metrics: TalliedMetrics, auditWrites: number[]) {
  const handler = createGateHandler(
    () => {
      const runtime = benchGateRuntime(sandbox);
      return { ...runtime, audit: timedAudit(runtime.audit, auditWrites) };
    },
    { logger: SILENT, metrics },
  );
  const timings: InvocationTiming[] = [];
  const state = { throws: 0, answered: false };
  sandbox.lambda.register(
    FUNCTION_NAME,
    async (event: unknown, context: Context) => {
      const warm = state.answered;
      const startedWall = performance.now();
      const startedSimulated = sandbox.clock.nowMs();
      const written: { firstWriteAt?: number } = {};
      try {
        return await invocationWrites.run(written, () => handler(event, context));
      } catch (error) {
        state.throws += 1;
        throw error;
      } finally {
        state.answered = true;
        const answeredAt = performance.now();
        timings.push({
          wallMs: answeredAt - startedWall,
          simulatedMs: sandbox.clock.nowMs() - startedSimulated,
          decideMs: (written.firstWriteAt ?? answeredAt) - startedWall,
          warm,
        });
      }
    },
    { timeoutMs: CLIENT_CONNECT_TIMEOUT_MS },
  );
  return { timings, state };
}

/** Attaches the handler to every endpoint as an administrator would: through EC2's API. */
async function attach(sandbox: Sandbox, endpoints: readonly string[]): Promise<void> {
  const ec2 = new EC2Client({ ...sandbox.clientConfig(), maxAttempts: 1 });
  for (const endpoint of endpoints) {
    await ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: endpoint,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: sandbox.lambda.arn(FUNCTION_NAME) },
      }),
    );
  }
  ec2.destroy();
}

/** Plays attempts at their times on the simulated clock, each one as soon as it is due, without waiting for others. */
async function play(sandbox: Sandbox, attempts: readonly StormAttempt[]): Promise<ConnectAttemptResult[]> {
  const startedAt = sandbox.clock.nowMs();
  const results: Promise<ConnectAttemptResult>[] = [];
  for (const attempt of attempts) {
    const wait = startedAt + attempt.atMs - sandbox.clock.nowMs();
    if (wait > 0) await sandbox.clock.sleep(wait);
    results.push(
      sandbox.connect({
        endpoint: attempt.endpoint,
        username: attempt.username,
        commonName: attempt.commonName,
        groups: [...attempt.groups],
        platform: attempt.platform,
        publicIp: attempt.publicIp,
      }),
    );
  }
  return Promise.all(results);
}

/** The admission records of the audit table, by connection id (read after the storm, so not counted). */
async function admissionOutcomes(sandbox: Sandbox): Promise<Map<string, { outcome: string; uncounted: boolean }>> {
  const client = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 10 });
  const outcomes = new Map<string, { outcome: string; uncounted: boolean }>();
  for await (const page of paginateScan({ client }, { TableName: sandbox.tables.audit })) {
    for (const item of page.Items ?? []) {
      const connectionId = item.connectionId?.S;
      if (item.recordType?.S === AuditRecordType.ADMISSION && connectionId !== undefined)
        outcomes.set(connectionId, {
          outcome: item.outcome?.S ?? 'unknown',
          uncounted: (item.notes?.L ?? []).some((note) => note.S?.includes('count unknown') === true),
        });
    }
  }
  client.destroy();
  return outcomes;
}

async function runPhase(command: StormCommand): Promise<StormObservation> {
  const generated = generateStorm(command.spec);
  const sandbox = await startSandbox({
    port: 0,
    scenario: {
      region: 'us-east-1',
      endpoints: generated.endpoints.map((id, index) => ({ id, tags: { Name: `storm-${index}` } })),
      policies: [...generated.policies],
    },
    clock: { start: STORM_START, speed: command.spec.speed, frozen: false },
    throttling: { enabled: true },
  });
  try {
    const metrics = new TalliedMetrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, logger: SILENT });
    const auditWrites: number[] = [];
    const { timings, state } = registerHandler(sandbox, metrics, auditWrites);
    await attach(sandbox, generated.endpoints);
    await play(sandbox, generated.warmUp);
    if (command.dynamodbDown) sandbox.faults.set([{ service: 'dynamodb', kind: 'error', rate: 1 }]);
    sandbox.counters.reset();
    const warmUpTimings = timings.length;
    const tallyBefore = { ...metrics.tally };
    const throwsBefore = state.throws;
    const writesBefore = auditWrites.length;
    const startedWall = performance.now();
    const results = await play(sandbox, generated.storm);
    const wallMs = performance.now() - startedWall;
    const counters = sandbox.counters.snapshot();
    sandbox.faults.clear();
    const tally = Object.fromEntries(
      Object.entries(metrics.tally).map(([name, value]) => [name, value - (tallyBefore[name] ?? 0)]),
    );
    const logged = new Map(
      sandbox.emulator.connectAttempts
        .list()
        .map((entry) => [entry.handler?.request['public-ip'] ?? '', entry] as const),
    );
    const records = await admissionOutcomes(sandbox);
    const connections = sandbox.emulator.listConnections();
    const attempts: ObservedAttempt[] = generated.storm.map((attempt, index) => {
      const entry = logged.get(attempt.publicIp);
      const result = results[index];
      const record = entry === undefined ? undefined : records.get(entry.connectionId);
      const held =
        entry === undefined || attempt.username === undefined
          ? undefined
          : connections.filter(
              (connection) =>
                connection.endpointId === attempt.endpoint &&
                connection.username === attempt.username &&
                connection.connectionId !== entry.connectionId &&
                connection.establishedAt.getTime() < entry.at.getTime(),
            ).length;
      return {
        index,
        role: attempt.role,
        at: entry?.at.toISOString() ?? '',
        admitted: result?.admitted ?? false,
        message: result?.message,
        failureReason: result?.failureReason,
        recordOutcome: record?.outcome,
        ...(record?.uncounted === true ? { uncounted: true } : {}),
        ...(held === undefined ? {} : { held }),
      };
    });
    return {
      dynamodbDown: command.dynamodbDown,
      attempts,
      timings: timings.slice(warmUpTimings),
      auditWriteMs: auditWrites.slice(writesBefore),
      handlerThrows: state.throws - throwsBefore,
      metrics: tally,
      counters,
      deadlineMs: benchGateConfig(sandbox).connectDeadlineMs,
      wallMs,
    };
  } finally {
    await sandbox.stop();
  }
}

process.once('message', (command: StormCommand) => {
  const send = (event: StormEvent) => process.send?.(event, undefined, undefined, () => process.exit(0));
  runPhase(command).then(
    (observation) => send({ type: 'observed', observation }),
    (error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
