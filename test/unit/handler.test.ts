import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { EnforcerEventError } from '../../lambda/errors.js';
import { createHandler } from '../../lambda/handler.js';
import { DECISIONS_METRIC, RunMetric, RUNS_STARTED_METRIC } from '../../lambda/metrics.js';
import { type EnforcerResult, isRunResult, type RunResult } from '../../lambda/run/run-result.js';
import type { EnforcerRuntime } from '../../lambda/runtime.js';
import { aConnection, ENDPOINT_A } from '../support/fixtures.js';
import { MemoryConnectHandlerProbe, memoryPorts } from '../support/MemoryPorts.js';

const CONTEXT = {
  getRemainingTimeInMillis: () => 200_000,
  functionName: 'enforcer',
  awsRequestId: 'req',
} as unknown as Context;
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
};

function setup(env: Record<string, string> = {}, probe = new MemoryConnectHandlerProbe()) {
  const ports = {
    ...memoryPorts(
      [{ endpointId: ENDPOINT_A, tags: {} }],
      [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory' })],
      [REVOKED],
    ),
    connectHandlerProbe: probe,
  };
  const config = loadEnforcerConfig({
    [EnvVar.POLICIES_TABLE]: 'p',
    [EnvVar.AUDIT_TABLE]: 'a',
    [EnvVar.STATE_TABLE]: 's',
    ...env,
  });
  const makeRuntime = jest.fn((): EnforcerRuntime => ({ config, ports }));
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added: Array<[string, number, Record<string, string>?]> = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    added.push([name, value]);
    return metrics;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  jest.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    let dimensions: Record<string, string> = {};
    return {
      addDimensions: (d: Record<string, string>) => void (dimensions = d),
      addMetric: (name: string, _unit: unknown, value: number) => void added.push([name, value, dimensions]),
    } as unknown as Metrics;
  });
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const handler = createHandler(makeRuntime, { logger, metrics });
  const run = async (event: unknown, context: Context = CONTEXT): Promise<RunResult> =>
    ran(await handler(event, context));
  return { ports, handler, run, makeRuntime, added, probe };
}

/** The answer of an invocation that ran. */
function ran(result: EnforcerResult): RunResult {
  if (!isRunResult(result)) throw new Error(`expected a run, got ${JSON.stringify(result)}`);
  return result;
}

describe('handler', () => {
  it('derives the run id from the scheduled time and publishes the run metrics', async () => {
    const { run, added } = setup();
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' });
    expect(report.runId).toBe('run-2026-11-26T10:05:00Z');
    expect(added).toEqual(
      expect.arrayContaining([
        [RunMetric.TERMINATED, 1],
        [RunMetric.CONNECTIONS_SEEN, 1],
        [RunMetric.INVALID_POLICIES, 0],
        [DECISIONS_METRIC, 1, { outcome: 'terminated', kind: 'revoked-user' }],
      ]),
    );
  });

  it('publishes the connection-hours a max-session row ended early, from the termination of the run', async () => {
    // Arrange: a one-hour limit on a session established at 08:00 (aConnection).
    const { run, added, ports } = setup();
    ports.policies.items = [
      {
        policyId: 'max-1h',
        kind: 'max-session',
        mode: 'enforce',
        endpoints: ['*'],
        maxSessionMinutes: 60,
        reason: 'a working day',
      },
    ];

    // Act
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' });

    // Assert: the session would have run until 08:00 the next day.
    const [terminated] = report.records;
    expect(terminated).toMatchObject({ outcome: 'terminated', policyKind: 'max-session' });
    const endedAt = new Date(terminated?.completedAt ?? '').getTime();
    const expected = (new Date('2026-11-27T08:00:00Z').getTime() - endedAt) / 3_600_000;
    expect(added.filter(([name]) => name === RunMetric.CONNECTION_HOURS_SAVED)).toEqual([
      [RunMetric.CONNECTION_HOURS_SAVED, expected],
    ]);
  });

  it('publishes no run metric for a run that found the lease held, so the runs-stopped alarm sees no run', async () => {
    // Arrange: another run holds the lease.
    const { run, added, ports } = setup();
    await ports.lease.acquire('run-other', ports.clock.now(), new Date(ports.clock.now().getTime() + 60_000), 'other');

    // Act
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' });

    // Assert
    expect(report.status).toBe('skipped');
    expect(added.map(([name]) => name)).toEqual([RUNS_STARTED_METRIC]);
  });

  it('builds its runtime once per container', async () => {
    const { handler, makeRuntime } = setup();
    await handler({ scheduledTime: '2026-11-26T10:05:00Z' }, CONTEXT);
    await handler({ scheduledTime: '2026-11-26T10:10:00Z' }, CONTEXT);
    expect(makeRuntime).toHaveBeenCalledTimes(1);
  });

  it('runs dry when a manual invocation asks for it', async () => {
    const { run, ports } = setup();
    const report = await run({ dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.runId).toMatch(/^manual-/);
    expect(ports.gateway.calls).toEqual([]);
  });

  it('cannot turn the deployment dry run off from the event', async () => {
    const { run, ports } = setup({ [EnvVar.DRY_RUN]: 'true' });
    const report = await run({ dryRun: false });
    expect(report.dryRun).toBe(true);
    expect(ports.gateway.calls).toEqual([]);
  });

  it('publishes one RunsStarted datum per run, with its trigger', async () => {
    const { run, added } = setup();
    await run({ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' });
    await run({ dryRun: true });
    expect(added.filter(([name]) => name === RUNS_STARTED_METRIC)).toEqual([
      [RUNS_STARTED_METRIC, 1, { trigger: 'schedule' }],
      [RUNS_STARTED_METRIC, 1, { trigger: 'manual' }],
    ]);
  });

  it('answers without the decisions, at most 1,000 records, saying how many it left out', async () => {
    // Arrange: 1,001 connections of a revoked user, observed: one final record each.
    const { run, ports } = setup();
    ports.gateway.connections = Array.from({ length: 1001 }, (_, index) =>
      aConnection({ connectionId: `cvpn-connection-${index}`, username: 'mallory' }),
    );
    ports.policies.items = [{ ...REVOKED, mode: 'observe' }];

    // Act
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z' });

    // Assert
    expect(report).not.toHaveProperty('decisions');
    expect(report.records).toHaveLength(1000);
    expect(report.recordsOmitted).toBe(1);
    expect(report.counts['would-terminate']).toBe(1001);
    expect(report.trigger).toBe('schedule');
  });

  it('starts no continuation when the context names no function ARN', async () => {
    // Arrange
    const { run, ports } = setup();
    const load = ports.policies.loadAll.bind(ports.policies);
    ports.policies.loadAll = async () => {
      await ports.changes.note(ports.clock.now());
      return load();
    };

    // Act
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z' });

    // Assert
    expect(report.handOn).toBeUndefined();
    expect(ports.continuations.started).toEqual([]);
  });

  it('starts a continuation on the function the context names, unqualified (the role may invoke only that)', async () => {
    // Arrange
    const { run, ports } = setup();
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:enforcer:live';
    const load = ports.policies.loadAll.bind(ports.policies);
    ports.policies.loadAll = async () => {
      await ports.changes.note(ports.clock.now());
      return load();
    };

    // Act
    const report = await run({ scheduledTime: '2026-11-26T10:05:00Z' }, { ...CONTEXT, invokedFunctionArn: arn });

    // Assert
    expect(report.handedOn).toEqual({ runId: 'run-2026-11-26T10:05:00Z+c1', reason: 'policy-changed' });
    expect(ports.continuations.started.map((started) => started.functionArn)).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:enforcer',
    ]);
  });

  it('refuses an event of none of the shapes, naming the shapes it accepts', async () => {
    const { handler } = setup();
    const error = await handler({ Records: 'all' }, CONTEXT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnforcerEventError);
    for (const shape of ['schedule tick', 'manual run', 'DynamoDB Streams batch', 'continuation', 'Records'])
      expect((error as Error).message).toContain(shape);
  });

  it.each([
    [{ key1: 'value1' }, 'key1'],
    [{ scheduledTime: 'yesterday' }, 'scheduledTime'],
    [{ dryRun: 'yes' }, 'dryRun'],
  ])('refuses the event %j with an error naming %s', async (event, named) => {
    const { handler, ports } = setup();
    const error = await handler(event, CONTEXT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnforcerEventError);
    expect(String((error as Error).message)).toContain(named);
    expect(ports.gateway.calls).toEqual([]);
  });

  it('sends the canary to the configured handler and publishes whether it failed', async () => {
    // Arrange
    const env = { [EnvVar.CONNECT_HANDLER_FUNCTION]: 'AWSClientVPN-CvpnGuard' };
    const failing = new MemoryConnectHandlerProbe(() => ({
      ok: false,
      connectionId: 'cvpn-guard-canary-1',
      failure: 'timeout',
      reason: 'no answer within 3000 ms',
      latencyMs: 3000,
    }));
    const answered = setup(env);
    const failed = setup(env, failing);

    // Act
    await answered.handler({ scheduledTime: '2026-11-26T10:05:00Z' }, CONTEXT);
    const report = await failed.run({ scheduledTime: '2026-11-26T10:05:00Z' });

    // Assert
    expect(answered.probe.calls).toEqual([
      { functionName: 'AWSClientVPN-CvpnGuard', attempt: { endpointId: ENDPOINT_A, timeoutMs: 3000 } },
    ]);
    expect(answered.added).toContainEqual([RunMetric.CONNECT_HANDLER_CANARY_FAILED, 0]);
    expect(failed.added).toContainEqual([RunMetric.CONNECT_HANDLER_CANARY_FAILED, 1]);
    expect(report.status).toBe('completed');
  });

  it('sends no canary and publishes no canary datum when no handler is configured', async () => {
    // Arrange
    const { handler, added, probe } = setup();

    // Act
    await handler({ scheduledTime: '2026-11-26T10:05:00Z' }, CONTEXT);

    // Assert
    expect(probe.calls).toEqual([]);
    expect(added.map(([name]) => name)).not.toContain(RunMetric.CONNECT_HANDLER_CANARY_FAILED);
  });
});
