/**
 * The fault matrix, continuation path: a revoked-user row names more users than one run of a small time budget can
 * end (one terminate call a second, a 5 s margin, an 8 s function timeout), so the run the stream starts defers
 * work and hands it on to a continuation (an asynchronous invocation of its own function). The continuation's
 * invocation fails on every attempt Lambda makes (the first and its two retries, a minute and two minutes on) and
 * the schedule's next tick takes the work up; a continuation delivered twice ends nothing twice; a chain stops at
 * maxContinuations and the next tick finishes. After each: every target ended, nothing else, one terminated record
 * per connection, no intent pending.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../lambda/environment.js';
import { ENFORCER_FUNCTION_NAME } from '../../cli/sandbox/product.js';
import { AsyncStatus, type Sandbox, startSandbox } from '../../local/index.js';
import { ASYNC_RETRY_DELAYS_MS } from '../../local/lambda/async-invocations.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { checkInvariants } from './support/invariants.js';
import {
  deliver,
  installStreamProduct,
  nextScheduledRun,
  type StreamProduct,
  streamExpectation,
  STREAM_ENDPOINT_A,
  STREAM_ENDPOINT_B,
  STREAM_START,
  writeRevocation,
} from './support/stream.js';

const USERS = Array.from({ length: 16 }, (_, index) => `leaver-${index}`);
/** One terminate call a second and a 5 s margin in an 8 s budget: a run makes a few calls, then defers the rest. */
const SLOW = {
  [EnvVar.TERMINATE_RATE]: '1',
  [EnvVar.TERMINATE_BURST]: '1',
  [EnvVar.TERMINATE_CONCURRENCY]: '1',
  [EnvVar.TIME_MARGIN_SECONDS]: '5',
};
const BUDGET_MS = 8_000;

/** One connection per leaver, half on each endpoint (each ended by id), and two that no rule ends. */
function leaversScenario() {
  return {
    endpoints: [{ id: STREAM_ENDPOINT_A }, { id: STREAM_ENDPOINT_B }],
    connections: [
      ...USERS.map((username, index) => ({
        endpoint: index % 2 === 0 ? STREAM_ENDPOINT_A : STREAM_ENDPOINT_B,
        username,
        established: '-1h',
      })),
      { endpoint: STREAM_ENDPOINT_A, username: 'bob', count: 2, established: '-3h' },
    ],
    policies: [],
  };
}

const LEAVERS_ROW = {
  policyId: 'leavers-q4',
  kind: 'revoked-user',
  mode: 'enforce',
  enabled: true,
  endpoints: ['*'],
  usernames: USERS,
  reason: 'left in Q4',
  version: 1,
};

interface Summary {
  readonly runId: string;
  readonly trigger: string;
  readonly status: string;
  readonly continues?: string;
  readonly handedOn?: { readonly runId: string; readonly reason: string };
  readonly counts: Record<string, number>;
}

describe('the fault matrix: the continuation path', () => {
  let sandbox: Sandbox;
  let installed: StreamProduct | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      scenario: leaversScenario(),
      clock: { start: STREAM_START, frozen: true },
    });
  });
  beforeEach(async () => {
    await sandbox.reset();
  });
  afterEach(async () => {
    await installed?.stop();
    installed = undefined;
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const summaries = async () =>
    (await scanAll(installed!.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'summary',
    ) as unknown as Summary[];
  const settledViolations = async () =>
    (await checkInvariants(sandbox, installed!.clients, streamExpectation(sandbox, USERS), { settled: true }))
      .violations;
  const terminateCalls = () => sandbox.counters.snapshot().ec2?.TerminateClientVpnConnections?.calls ?? 0;
  const continuations = () =>
    sandbox.lambda.asyncInvocations().filter((event) => event.functionName === ENFORCER_FUNCTION_NAME);

  it("a continuation whose every attempt fails: Lambda retries it twice, then the schedule's next tick takes the work up", async () => {
    // Arrange
    installed = await installStreamProduct(sandbox, { schedule: true });
    installed.configure(SLOW, { timeoutMs: BUDGET_MS, failContinuations: 1 + ASYNC_RETRY_DELAYS_MS.length });
    await writeRevocation(sandbox, installed.clients, LEAVERS_ROW);

    // Act: the batch, the continuation and Lambda's retries of it (a minute, then two minutes on).
    await deliver(sandbox);
    const [failed] = continuations();
    const afterTheStream = await summaries();
    const endedBeforeTheTick = terminateCalls();
    await nextScheduledRun(sandbox, installed.product);

    // Assert
    const root = afterTheStream.find((summary) => summary.trigger === 'change');
    expect(root?.counts.deferred).toBeGreaterThan(0);
    expect(root?.handedOn).toEqual({ runId: `${root?.runId}+c1`, reason: 'deferred' });
    expect(afterTheStream.filter((summary) => summary.trigger === 'continuation')).toEqual([]);
    expect(failed?.status).toBe(AsyncStatus.FAILED);
    expect(failed?.attempts.map((attempt) => attempt.errorType)).toEqual([
      'ContinuationCrashError',
      'ContinuationCrashError',
      'ContinuationCrashError',
    ]);
    expect(JSON.parse(failed?.payload ?? '{}')).toEqual({
      continuation: { of: root?.runId, generation: 1, reason: 'deferred' },
    });
    expect(endedBeforeTheTick).toBeGreaterThan(0);
    expect(endedBeforeTheTick).toBeLessThan(USERS.length);
    const tick = (await summaries()).find((summary) => summary.trigger === 'schedule');
    expect(tick?.status).toBe('completed');
    expect(await settledViolations()).toEqual([]);
  });

  it('a continuation delivered twice: the second finds the lease held or the run done, and nothing is ended twice', async () => {
    // Arrange
    installed = await installStreamProduct(sandbox, { schedule: false });
    installed.configure(SLOW, { timeoutMs: BUDGET_MS });
    await writeRevocation(sandbox, installed.clients, LEAVERS_ROW);
    await deliver(sandbox);
    const first = continuations()[0];
    const callsBefore = terminateCalls();

    // Act: Lambda delivers the first continuation again, at once and later.
    const duplicates = await Promise.all([
      sandbox.lambda.invoke(ENFORCER_FUNCTION_NAME, first?.payload ?? '{}'),
      sandbox.lambda.invoke(ENFORCER_FUNCTION_NAME, first?.payload ?? '{}'),
    ]);
    await sandbox.lambda.settled();

    // Assert
    expect(first?.status).toBe(AsyncStatus.SUCCEEDED);
    const statuses = duplicates.map((outcome) =>
      outcome.kind === 'returned' ? (JSON.parse(outcome.payload) as { status: string }).status : outcome.kind,
    );
    for (const status of statuses) expect(['skipped', 'already-done']).toContain(status);
    expect(terminateCalls()).toBe(callsBefore);
    expect(callsBefore).toBe(USERS.length);
    const chain = (await summaries()).filter((summary) => summary.trigger === 'continuation');
    expect(chain.length).toBeGreaterThanOrEqual(1);
    expect(new Set(chain.map((summary) => summary.runId)).size).toBe(chain.length);
    expect(await settledViolations()).toEqual([]);
  });

  it('a chain stops at maxContinuations, the work it leaves deferred; the next tick finishes it', async () => {
    // Arrange
    installed = await installStreamProduct(sandbox, { schedule: true });
    installed.configure({ ...SLOW, [EnvVar.MAX_CONTINUATIONS]: '2' }, { timeoutMs: BUDGET_MS });
    await writeRevocation(sandbox, installed.clients, LEAVERS_ROW);

    // Act
    await deliver(sandbox);
    const afterTheChain = await summaries();
    const endedByTheChain = terminateCalls();
    await nextScheduledRun(sandbox, installed.product);

    // Assert
    const root = afterTheChain.find((summary) => summary.trigger === 'change');
    const chain = afterTheChain
      .filter((summary) => summary.trigger === 'continuation')
      .sort((a, b) => a.runId.localeCompare(b.runId));
    expect(chain.map((summary) => [summary.runId, summary.continues])).toEqual([
      [`${root?.runId}+c1`, root?.runId],
      [`${root?.runId}+c2`, `${root?.runId}+c1`],
    ]);
    expect(chain[1]?.counts.deferred).toBeGreaterThan(0);
    expect(chain[1]?.handedOn).toBeUndefined();
    expect(continuations()).toHaveLength(2);
    expect(endedByTheChain).toBeLessThan(USERS.length);
    expect(await settledViolations()).toEqual([]);
  });
});
