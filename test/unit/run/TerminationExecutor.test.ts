import { describe, expect, it } from '@jest/globals';
import type { TerminationCall } from '../../../lambda/domain/types.js';
import {
  ClientVpnError,
  type ClientVpnGateway,
  ClientVpnNotFoundError,
  ClientVpnThrottledError,
  ClientVpnUnauthorizedError,
  SILENT_LOGGER,
  type TerminationResult,
} from '../../../lambda/ports/index.js';
import { decisionRecord } from '../../../lambda/run/audit-records.js';
import { TerminationExecutor, type TerminationSettings } from '../../../lambda/run/TerminationExecutor.js';
import { aConnection, aDecision, ENDPOINT_A } from '../../support/fixtures.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';

const RUN = 'run-2026-11-26T10:00:00Z';

/** A gateway whose terminate answers come from a script, one per call (the last repeats). */
function scriptedGateway(answers: Array<Error | 'ok'>, journal: string[]): ClientVpnGateway {
  let call = 0;
  return {
    listEndpoints: async () => [],
    listConnections: async () => [],
    getConnection: async () => undefined,
    terminate: async (target: TerminationCall): Promise<TerminationResult> => {
      const answer = answers[Math.min(call, answers.length - 1)];
      call += 1;
      journal.push(`terminate:${target.by === 'username' ? target.username : target.connectionId}`);
      if (answer instanceof Error) throw answer;
      return {
        requestId: `req-${call}`,
        attempts: 1,
        statuses: target.decisions.map((d) => ({
          connectionId: d.connection.connectionId,
          previousStatus: 'active',
          currentStatus: 'terminating',
        })),
      };
    },
  };
}

function callsFor(count: number): TerminationCall[] {
  return Array.from({ length: count }, (_, index) => {
    const connection = aConnection({ connectionId: `cvpn-connection-${index}` });
    return {
      by: 'connection-id',
      endpointId: ENDPOINT_A,
      connectionId: connection.connectionId,
      decisions: [aDecision(connection)],
    } as const;
  });
}

function setup(answers: Array<Error | 'ok'>, settings: Partial<TerminationSettings> = {}) {
  const clock = new ManualClock();
  const audit = new MemoryAuditLog();
  const gateway = scriptedGateway(answers, audit.journal);
  const executor = new TerminationExecutor(
    { gateway, audit, clock, logger: SILENT_LOGGER },
    {
      ratePerSecond: 5,
      burst: 50,
      concurrency: 1,
      timeMarginMs: 1000,
      remainingTimeMs: () => 60_000,
      random: () => 0.5,
      ...settings,
    },
  );
  const recordOf = (decision: Parameters<typeof decisionRecord>[2]) => decisionRecord(RUN, clock.now(), decision);
  return { clock, audit, executor, recordOf };
}

describe('TerminationExecutor', () => {
  it('writes the intent before the call and completes it after', async () => {
    const { audit, executor, recordOf } = setup(['ok']);
    const report = await executor.execute(callsFor(1), recordOf);
    expect(audit.journal).toEqual([
      'intend:cvpn-connection-0',
      'terminate:cvpn-connection-0',
      'complete:cvpn-connection-0',
    ]);
    expect(report.records).toEqual([
      expect.objectContaining({
        outcome: 'terminated',
        requestId: 'req-1',
        previousStatus: 'active',
        currentStatus: 'terminating',
        calledBy: 'connection-id',
      }),
    ]);
    expect([...audit.records.values()][0]).toMatchObject({ outcome: 'terminated' });
  });

  it('retries a throttled call with backoff until it goes through', async () => {
    const throttled = new ClientVpnThrottledError('slow down', { code: 'RequestLimitExceeded' });
    const { audit, clock, executor, recordOf } = setup([throttled, throttled, 'ok']);
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report).toMatchObject({ terminateCalls: 3, throttledCalls: 2 });
    expect(report.records[0]).toMatchObject({ outcome: 'terminated' });
    // Full jitter at 0.5: half of 250 ms, then half of 500 ms.
    expect(clock.sleeps).toEqual([125, 250]);
    expect(audit.journal.filter((entry) => entry.startsWith('terminate'))).toHaveLength(3);
  });

  it('retries a call that got no answer, and trusts the connection status over a later error', async () => {
    // The first attempt's answer is lost but EC2 acted on it; the retry finds the user gone.
    const dropped = new ClientVpnError('socket hang up', { code: 'ECONNRESET', retryable: true });
    const gone = new ClientVpnNotFoundError('no active connection', {
      code: 'InvalidClientVpnConnection.UserNotFound',
    });
    const { audit, executor, recordOf } = setup([dropped, gone]);
    const ended = { ...aConnection({ connectionId: 'cvpn-connection-0' }), status: 'terminated' };
    (executor as unknown as { ports: { gateway: ClientVpnGateway } }).ports.gateway.getConnection = async () => ended;
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report.terminateCalls).toBe(2);
    expect(report.records[0]).toMatchObject({ outcome: 'terminated', currentStatus: 'terminated' });
    expect(report.records[0]?.reason).toContain('confirmed terminated after an unanswered call');
    expect([...audit.records.values()][0]).toMatchObject({ outcome: 'terminated' });
  });

  it('gives up on a 5xx after the configured attempts and records the failure', async () => {
    const broken = new ClientVpnError('boom', { code: 'InternalError', retryable: true });
    const { executor, recordOf } = setup([broken], { maxAttempts: 3 });
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report.terminateCalls).toBe(3);
    expect(report.records[0]).toMatchObject({ outcome: 'failed', errorCode: 'InternalError' });
  });

  it('keeps retrying a throttled call while time allows', async () => {
    const throttled = new ClientVpnThrottledError('slow down', { code: 'RequestLimitExceeded' });
    const { executor, recordOf } = setup([
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      throttled,
      'ok',
    ]);
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report).toMatchObject({ terminateCalls: 11, throttledCalls: 10 });
    expect(report.records[0]).toMatchObject({ outcome: 'terminated' });
  });

  it('records a failure with the AWS error code and never retries it', async () => {
    const denied = new ClientVpnUnauthorizedError('no', { code: 'UnauthorizedOperation', requestId: 'req-x' });
    const { executor, recordOf } = setup([denied]);
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report.terminateCalls).toBe(1);
    expect(report.records[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'UnauthorizedOperation',
      requestId: 'req-x',
    });
  });

  it('defers what is left once the time left falls under the margin', async () => {
    // Each call uses 6 s of a 10 s budget; with a 5 s margin only the first may start.
    const made = { calls: () => 0 };
    const { audit, executor, recordOf } = setup(['ok'], {
      timeMarginMs: 5_000,
      remainingTimeMs: () => 10_000 - 6_000 * made.calls(),
    });
    made.calls = () => audit.journal.filter((entry) => entry.startsWith('terminate')).length;
    const report = await executor.execute(callsFor(4), recordOf);
    const outcomes = report.records.map((record) => record.outcome);
    expect(outcomes.filter((outcome) => outcome === 'terminated')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'deferred')).toHaveLength(3);
    expect(audit.journal.filter((entry) => entry.startsWith('terminate'))).toHaveLength(1);
    expect(report.records.find((record) => record.outcome === 'deferred')?.reason).toContain('next run');
  });

  it('records at once, as deferred, the calls the token bucket cannot admit before the margin', async () => {
    // Arrange: 1 token a second, 2 saved up, 5 s left, 2 s margin: tokens for 5 calls, one spare for rounding.
    const start = new Date('2026-11-26T10:00:00Z').getTime();
    const time: { clock?: ManualClock } = {};
    const made = setup(['ok'], {
      ratePerSecond: 1,
      burst: 2,
      timeMarginMs: 2_000,
      remainingTimeMs: () => 5_000 - ((time.clock?.now().getTime() ?? start) - start),
    });
    time.clock = made.clock;

    // Act
    const report = await made.executor.execute(callsFor(10), made.recordOf);

    // Assert: the last four were recorded before any call was made, the others called while time allowed.
    expect(made.audit.journal.slice(0, 4)).toEqual([6, 7, 8, 9].map((index) => `record:cvpn-connection-${index}`));
    expect(made.audit.journal.filter((entry) => entry.startsWith('terminate'))).toHaveLength(5);
    const outcomes = report.records.map((record) => [record.connectionId, record.outcome]);
    expect(outcomes.filter(([, outcome]) => outcome === 'terminated')).toHaveLength(5);
    expect(
      outcomes
        .filter(([, outcome]) => outcome === 'deferred')
        .map(([id]) => id)
        .sort(),
    ).toEqual([5, 6, 7, 8, 9].map((index) => `cvpn-connection-${index}`));
    expect(report.records.find((record) => record.connectionId === 'cvpn-connection-9')?.reason).toContain(
      'the next run takes it up',
    );
  });

  it('makes no call when the intent cannot be written', async () => {
    const { audit, executor, recordOf } = setup(['ok']);
    audit.failOn = { method: 'intend', times: 1 };
    const report = await executor.execute(callsFor(1), recordOf);
    expect(audit.journal.some((entry) => entry.startsWith('terminate'))).toBe(false);
    expect(report.auditFailures).toBe(1);
  });

  it('leaves the intent pending when its outcome cannot be written, for the next run to reconcile', async () => {
    const { audit, executor, recordOf } = setup(['ok']);
    audit.failOn = { method: 'complete', times: 3 };
    const report = await executor.execute(callsFor(1), recordOf);
    expect(report.auditFailures).toBe(1);
    expect(await audit.listPending()).toHaveLength(1);
  });

  it('paces calls past the burst at the configured rate', async () => {
    const { clock, executor, recordOf } = setup(['ok'], { burst: 2, ratePerSecond: 5, concurrency: 3 });
    const start = clock.now().getTime();
    await executor.execute(callsFor(7), recordOf);
    // Two go at once, the other five at 5 a second.
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(1000 - 1);
  });

  it('answers one call by username for every decision it carries', async () => {
    const { executor, recordOf } = setup(['ok']);
    const first = aConnection({ connectionId: 'cvpn-connection-1' });
    const second = aConnection({ connectionId: 'cvpn-connection-2' });
    const report = await executor.execute(
      [{ by: 'username', endpointId: ENDPOINT_A, username: 'alice', decisions: [aDecision(first), aDecision(second)] }],
      recordOf,
    );
    expect(report.terminateCalls).toBe(1);
    expect(report.records.map((record) => [record.connectionId, record.outcome, record.calledBy])).toEqual([
      ['cvpn-connection-1', 'terminated', 'username'],
      ['cvpn-connection-2', 'terminated', 'username'],
    ]);
  });

  it('records every connection a call by username ended, one no decision planned with its own record', async () => {
    // Arrange: EC2 also ends a connection alice opened after the listing.
    const { audit, clock, recordOf } = setup(['ok']);
    const first = aConnection({ connectionId: 'cvpn-connection-1', username: 'alice' });
    const second = aConnection({ connectionId: 'cvpn-connection-2', username: 'alice' });
    const gateway: ClientVpnGateway = {
      ...scriptedGateway(['ok'], []),
      terminate: async (): Promise<TerminationResult> => ({
        requestId: 'req-7',
        attempts: 1,
        statuses: ['cvpn-connection-1', 'cvpn-connection-2', 'cvpn-connection-9'].map((connectionId) => ({
          connectionId,
          previousStatus: 'active',
          currentStatus: 'terminating',
        })),
      }),
    };
    const executor = new TerminationExecutor(
      { gateway, audit, clock, logger: SILENT_LOGGER },
      { ratePerSecond: 5, burst: 50, concurrency: 1, timeMarginMs: 1000, remainingTimeMs: () => 60_000 },
    );

    // Act
    const report = await executor.execute(
      [{ by: 'username', endpointId: ENDPOINT_A, username: 'alice', decisions: [aDecision(first), aDecision(second)] }],
      recordOf,
    );

    // Assert
    const [planned] = report.records;
    const unplanned = report.records.find((record) => record.connectionId === 'cvpn-connection-9');
    expect(report.records).toHaveLength(3);
    expect(unplanned).toMatchObject({
      outcome: 'terminated',
      reason: `ended by the user-name call of policy ${planned?.policyId}`,
      policyId: planned?.policyId,
      calledBy: 'username',
      username: 'alice',
      endpointId: ENDPOINT_A,
      previousStatus: 'active',
      currentStatus: 'terminating',
      requestId: 'req-7',
    });
    // Written ahead and completed like any termination: a later run confirms it.
    expect(audit.journal.filter((line) => line.includes('cvpn-connection-9'))).toEqual([
      'intend:cvpn-connection-9',
      'complete:cvpn-connection-9',
    ]);
    expect(audit.unconfirmed.size).toBe(3);
  });
});
