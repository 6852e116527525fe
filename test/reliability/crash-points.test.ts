/**
 * Crash points: the run dies (every port call fails from then on, as in a container that is gone)
 * right after taking the lease, between writing an intent and making its call, between the call
 * and recording its outcome, and just before writing its summary. Either Lambda retries the tick
 * (same event, same request id, a new container) or the retries are spent and the next tick comes;
 * either way the work is finished and the invariants hold.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { type KillPoint, killable, SandboxLambda } from './support/harness.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { checkInvariants, decisionRecords } from './support/invariants.js';
import { expectationOf, scenario, SELECTED_ENV, START } from './support/scenario.js';

const POINTS: readonly [KillPoint, string][] = [
  ['after-lease', 'while holding the lease, before anything else'],
  ['after-intent', 'between writing an intent and calling terminate'],
  ['after-call', 'between the terminate call and recording its outcome'],
  ['before-summary', 'after the work, before the summary (lease still held)'],
];

describe('a run killed at a crash point', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  /** Kills the first run at `point`; returns what the dead run left. */
  const die = async (point: KillPoint) => {
    let killed = (): boolean => false;
    const dying = new SandboxLambda(sandbox, {
      env: SELECTED_ENV,
      wrap: (runtime) => {
        const wrapped = killable(runtime, point);
        killed = wrapped.killed;
        return wrapped.runtime;
      },
    });
    const event = dying.scheduleEvent();
    const invocation = await dying.invoke({ event, requestId: 'request-dying' });
    const left = await decisionRecords(sandbox, dying.clients);
    return { invocation, killed: killed(), event, clients: dying.clients, left };
  };

  it.each(POINTS)('%s (%s): the next tick recovers once the lease has expired', async (point) => {
    // Arrange
    const expectation = expectationOf(sandbox);
    const dead = await die(point);

    // Act: Lambda's retries are spent; the schedule's next ticks come every 5 minutes.
    const statuses: string[] = [];
    for (let tick = 0; tick < 4 && statuses.at(-1) !== 'completed'; tick += 1) {
      sandbox.clock.advance('5m');
      const next = await new SandboxLambda(sandbox, { env: SELECTED_ENV }).invoke();
      statuses.push(next.ok ? next.report.status : `threw ${String(next.error)}`);
    }
    // One more healthy tick takes up what the dead run's intents left for a fresh evaluation.
    sandbox.clock.advance('5m');
    const after = await new SandboxLambda(sandbox, { env: SELECTED_ENV }).invoke();

    // Assert
    expect(dead.killed).toBe(true);
    expect(dead.invocation.ok).toBe(false);
    if (point === 'after-intent' || point === 'after-call')
      expect(dead.left.some((record) => record.outcome === 'pending')).toBe(true);
    // The dead run still holds the lease (300 s): the tick 5 minutes later may not take it yet. (Dying
    // mid-call, its retried outcome writes moved the simulated clock on, so its lease may have run out.)
    if (point === 'after-lease' || point === 'before-summary') expect(statuses[0]).toBe('skipped');
    expect(statuses.at(-1)).toBe('completed');
    expect(after.ok && after.report.status).toBe('completed');
    expect((await checkInvariants(sandbox, dead.clients, expectation, { settled: true })).violations).toEqual([]);
  });

  it.each(POINTS)("%s (%s): Lambda's retry of the tick recovers at once", async (point) => {
    // Arrange
    const expectation = expectationOf(sandbox);
    const dead = await die(point);

    // Act: the same event and request id, in a new container; then the next tick.
    const retry = await new SandboxLambda(sandbox, { env: SELECTED_ENV }).invoke({
      event: dead.event,
      requestId: 'request-dying',
    });
    sandbox.clock.advance('5m');
    const next = await new SandboxLambda(sandbox, { env: SELECTED_ENV }).invoke();

    // Assert
    expect(dead.invocation.ok).toBe(false);
    expect(retry.ok && retry.report.status).toBe('completed');
    const pendingLeft = dead.left.filter((record) => record.outcome === 'pending').length;
    expect(retry.ok && retry.report.reconciled).toBe(pendingLeft);
    // The retry's report, summary record and digest count what its intents became, not what they were.
    expect(retry.ok && retry.report.counts.pending).toBeUndefined();
    const summaries = (await scanAll(dead.clients, sandbox.tables.audit)).filter(
      (item) => item.recordType === 'summary' && retry.ok && item.runId === retry.report.runId,
    );
    expect(summaries.map((summary) => (summary.counts as Record<string, number>).pending)).toEqual([undefined]);
    expect(next.ok && next.report.status).toBe('completed');
    expect((await checkInvariants(sandbox, dead.clients, expectation, { settled: true })).violations).toEqual([]);
  });
});
