import { describe, expect, it } from '@jest/globals';
import type { ObservedTerminateCall, RevokeObservation } from '../../../bench/revoke-protocol.js';
import { checkRevokeTargets, revocationLatencies, revokeFigures, revokeLines } from '../../../bench/revoke-report.js';
import { FULL_REVOKE, generateRevokeScenario, type GeneratedRevokeScenario } from '../../../bench/revoke-scenario.js';

/** Three users revoked among 2 × 10 connections. */
const SCENARIO: GeneratedRevokeScenario = generateRevokeScenario({
  ...FULL_REVOKE,
  connectionsPerEndpoint: 10,
  revokedUsers: 3,
});

/** An observation in which each user's write is acknowledged at 1 s, 2 s, 3 s and `calls` are EC2's. */
function observation(
  calls: readonly ObservedTerminateCall[],
  ended = calls.flatMap((call) => call.movedToTerminating),
): RevokeObservation {
  const endedSet = new Set(ended);
  return {
    writes: SCENARIO.revocations.map((revocation, index) => ({
      username: revocation.username,
      plannedAtMs: revocation.atMs,
      sentAtMs: (index + 1) * 1000 - 20,
      acknowledgedAtMs: (index + 1) * 1000,
    })),
    terminateCalls: calls,
    runs: [
      { runId: 'run-1', trigger: 'schedule', startedAtMs: 1500, finishedAtMs: 2500, terminateCalls: 0 },
      {
        runId: 'change-1',
        trigger: 'change',
        startedAtMs: 1100,
        finishedAtMs: 1400,
        terminateCalls: 1,
        handedOn: 'policy-changed',
      },
      { runId: 'change-1+c1', trigger: 'continuation', startedAtMs: 2600, finishedAtMs: 2900, terminateCalls: 1 },
    ],
    finalStatus: Object.fromEntries(
      SCENARIO.connections.map((connection) => [connection.id, endedSet.has(connection.id) ? 'terminating' : 'active']),
    ),
    streamInvocations: 3,
    ticks: 1,
    observedMs: 60_000,
    wallMs: 61_000,
  };
}

/** One call per connection of each user, `delayMs[user]` after its acknowledgment; none for a user without one. */
function callsEnding(delayMs: readonly number[]): ObservedTerminateCall[] {
  return SCENARIO.revocations.flatMap((revocation, user) =>
    revocation.connectionIds.flatMap((id, index) => {
      const delay = delayMs[user];
      if (delay === undefined) return [];
      return [
        {
          atMs: (user + 1) * 1000 + delay + index * 100,
          endpointId: SCENARIO.connections.find((connection) => connection.id === id)?.endpoint ?? '',
          connectionId: id,
          movedToTerminating: [id],
        },
      ];
    }),
  );
}

describe('revocationLatencies', () => {
  it("measures from the write's acknowledgment to the first call naming the user and to the last connection terminating", () => {
    // Arrange
    const [first] = SCENARIO.revocations;
    const calls = callsEnding([400, 700, 900]);

    // Act
    const [latency] = revocationLatencies(SCENARIO, observation(calls));

    // Assert
    expect(latency?.username).toBe(first?.username);
    expect(latency?.firstTerminateMs).toBe(400);
    expect(latency?.allTerminatingMs).toBe(400 + ((first?.connectionIds.length ?? 1) - 1) * 100);
  });

  it('counts a call by user name as naming the user, and leaves "all terminating" unset while a connection stays active', () => {
    const [first] = SCENARIO.revocations;
    const byName: ObservedTerminateCall = {
      atMs: 1300,
      endpointId: SCENARIO.endpoints[0] ?? '',
      username: first?.username ?? '',
      movedToTerminating: [],
    };

    const [latency] = revocationLatencies(SCENARIO, observation([byName]));

    expect(latency?.firstTerminateMs).toBe(300);
    expect(latency?.allTerminatingMs).toBeUndefined();
  });

  it('names the run under way when the write was acknowledged', () => {
    const latencies = revocationLatencies(SCENARIO, observation(callsEnding([100, 100, 100])));

    expect(latencies.map((latency) => latency.landedDuring)).toEqual([undefined, 'schedule', undefined]);
  });
});

describe('revokeFigures', () => {
  it('gives p50, p99 and max of both latencies, the runs by trigger and the hand-ons', () => {
    const figures = revokeFigures(SCENARIO, observation(callsEnding([400, 700, 2000])));

    expect(figures.revocations).toBe(3);
    expect(figures.firstTerminate).toEqual({ p50: 0.7, p99: 2, max: 2 });
    expect(figures.runsByTrigger).toEqual({ schedule: 1, change: 1, continuation: 1 });
    expect(figures.handedOn).toEqual({ 'policy-changed': 1 });
    expect(figures.landedDuringScheduledRun).toBe(1);
    expect(figures.usersNotEnded).toEqual([]);
    expect(figures.wronglyEnded).toEqual([]);
  });

  it('names a revoked user left connected and a connection of nobody revoked that ended', () => {
    const revoked = new Set(SCENARIO.revocations.flatMap((revocation) => revocation.connectionIds));
    const bystander = SCENARIO.connections.find((connection) => !revoked.has(connection.id));
    const calls = callsEnding([400, 700, 900]).filter(
      (call) => call.connectionId !== SCENARIO.revocations[2]?.connectionIds[0],
    );
    const wrong: ObservedTerminateCall = {
      atMs: 5000,
      endpointId: bystander?.endpoint ?? '',
      connectionId: bystander?.id ?? '',
      movedToTerminating: [bystander?.id ?? ''],
    };

    const figures = revokeFigures(SCENARIO, observation([...calls, wrong]));

    expect(figures.usersNotEnded).toEqual([SCENARIO.revocations[2]?.username]);
    expect(figures.wronglyEnded).toEqual([bystander?.id]);
    expect(figures.allTerminating.max).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('checkRevokeTargets', () => {
  it('meets the targets when every user ends within 5 s of the write and nobody else does', () => {
    const checks = checkRevokeTargets(revokeFigures(SCENARIO, observation(callsEnding([400, 700, 900]))));

    expect(checks.map((check) => check.met)).toEqual([true, true, true, true]);
  });

  it('misses the latency targets when the slowest revocation takes longer, and says "never" for one that never ends', () => {
    const late = checkRevokeTargets(revokeFigures(SCENARIO, observation(callsEnding([400, 700, 11_000]))));
    const never = checkRevokeTargets(revokeFigures(SCENARIO, observation(callsEnding([400, 700]))));

    expect(late.map((check) => check.met)).toEqual([true, true, false, false]);
    expect(late[2]?.figure).toBe('11.00 s');
    expect(never[0]).toMatchObject({ met: false, figure: '2/3 users' });
    expect(never[3]).toMatchObject({ met: false, figure: 'never' });
  });
});

describe('revokeLines', () => {
  it('prints both latencies and the runs by trigger', () => {
    const text = revokeLines(revokeFigures(SCENARIO, observation(callsEnding([400, 700, 900]))));

    expect(text).toContain('write → first terminate: p50 0.70 s, p99 0.90 s, max 0.90 s');
    expect(text).toContain('runs by trigger: schedule 1, change 1, continuation 1; handed on: policy-changed 1');
  });
});
