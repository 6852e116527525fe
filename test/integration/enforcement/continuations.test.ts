/**
 * Continuations through the real handler over memory ports: a run that leaves work deferred after making
 * progress invokes its own function for a continuation, bounded by maxContinuations; a continuation
 * delivered twice does nothing twice; one that cannot be started is counted and never fails the run.
 */
import { describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../../lambda/environment.js';
import { RunMetric, RUNS_STARTED_METRIC } from '../../../lambda/metrics.js';
import { aConnection } from '../../support/fixtures.js';
import { asRun, ENFORCER_ARN, memoryEnforcer } from '../../support/memory-enforcer.js';

const TICK = { scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' };
const ROOT = 'run-2026-11-26T10:05:00Z';
const USERS = Array.from({ length: 12 }, (_, index) => `user-${index}`);
const CONNECTIONS = USERS.map((username, index) => aConnection({ connectionId: `cvpn-connection-${index}`, username }));
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: USERS,
  reason: 'left the company',
};
/** One terminate call a second and a time margin of 5 s: a run given 8 s makes a few calls, then defers the rest. */
const SLOW = {
  [EnvVar.TERMINATE_RATE]: '1',
  [EnvVar.TERMINATE_BURST]: '1',
  [EnvVar.TERMINATE_CONCURRENCY]: '1',
  [EnvVar.TIME_MARGIN_SECONDS]: '5',
};
const BUDGET_MS = 8_000;

describe('continuations', () => {
  it('hands deferred work on at once until it is done, each continuation naming the run it continues', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: CONNECTIONS, policies: [REVOKED], env: SLOW });

    // Act
    const first = asRun(await enforcer.invoke(TICK, 'tick', BUDGET_MS));
    const later = [];
    for (let event = enforcer.ports.continuations.next(); event; event = enforcer.ports.continuations.next())
      later.push(asRun(await enforcer.invoke(event, undefined, BUDGET_MS)));

    // Assert
    expect(first.counts.deferred).toBeGreaterThan(0);
    expect(first.handedOn).toEqual({ runId: `${ROOT}+c1`, reason: 'deferred' });
    expect(enforcer.ports.continuations.started[0]).toEqual({
      functionArn: ENFORCER_ARN,
      event: { continuation: { of: ROOT, generation: 1, reason: 'deferred' } },
    });
    expect(enforcer.ports.audit.summaries.get(ROOT)).toMatchObject({
      trigger: 'schedule',
      handedOn: { runId: `${ROOT}+c1`, reason: 'deferred' },
    });
    expect(later.map((run) => [run.runId, run.trigger, run.continues])).toEqual(
      later.map((_, index) => [`${ROOT}+c${index + 1}`, 'continuation', index === 0 ? ROOT : `${ROOT}+c${index}`]),
    );
    expect(enforcer.ports.audit.summaries.get(`${ROOT}+c1`)).toMatchObject({
      trigger: 'continuation',
      continues: ROOT,
    });
    expect(later[later.length - 1]?.counts.deferred ?? 0).toBe(0);
    expect(enforcer.ports.gateway.calls).toHaveLength(USERS.length);
    expect(enforcer.data).toContainEqual([RUNS_STARTED_METRIC, 1, { trigger: 'continuation' }]);
  });

  it('stops a chain at maxContinuations: the last continuation does not hand on, and says so', async () => {
    // Arrange
    const many = Array.from({ length: 40 }, (_, index) => `many-${index}`);
    const enforcer = memoryEnforcer({
      connections: many.map((username, index) => aConnection({ connectionId: `cvpn-connection-${index}`, username })),
      policies: [{ ...REVOKED, usernames: many }],
      env: { ...SLOW, [EnvVar.MAX_CONTINUATIONS]: '2' },
    });

    // Act
    await enforcer.invoke(TICK, 'tick', BUDGET_MS);
    const later = [];
    for (let event = enforcer.ports.continuations.next(); event; event = enforcer.ports.continuations.next())
      later.push(asRun(await enforcer.invoke(event, undefined, BUDGET_MS)));

    // Assert
    expect(later.map((run) => run.runId)).toEqual([`${ROOT}+c1`, `${ROOT}+c2`]);
    expect(later[1]?.counts.deferred).toBeGreaterThan(0);
    expect(later[1]?.handedOn).toBeUndefined();
    expect(later[1]?.handOn).toMatchObject({ status: 'refused', runId: `${ROOT}+c3`, reason: 'deferred' });
    expect(enforcer.data).toContainEqual([RunMetric.CONTINUATIONS_REFUSED, 1]);
    expect(enforcer.ports.continuations.started).toHaveLength(2);
  });

  it('starts none with maxContinuations 0', async () => {
    const enforcer = memoryEnforcer({
      connections: CONNECTIONS,
      policies: [REVOKED],
      env: { ...SLOW, [EnvVar.MAX_CONTINUATIONS]: '0' },
    });

    const first = asRun(await enforcer.invoke(TICK, 'tick', BUDGET_MS));

    expect(first.counts.deferred).toBeGreaterThan(0);
    expect(first.handOn).toBeUndefined();
    expect(enforcer.ports.continuations.started).toEqual([]);
  });

  it('hands nothing on from a run that could make no terminate call: it would hand the same work on', async () => {
    const enforcer = memoryEnforcer({ connections: CONNECTIONS, policies: [REVOKED], env: SLOW });

    const first = asRun(await enforcer.invoke(TICK, 'tick', 4_000));

    expect(first.terminateCalls).toBe(0);
    expect(first.counts.deferred).toBe(USERS.length);
    expect(enforcer.ports.continuations.started).toEqual([]);
  });

  it('does one continuation once when Lambda delivers it twice: at once (skipped) or later (already done)', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: CONNECTIONS, policies: [REVOKED] });
    const event = { continuation: { of: ROOT, generation: 1, reason: 'deferred' } };

    // Act
    const [one, other] = (await Promise.all([enforcer.invoke(event, 'one'), enforcer.invoke(event, 'two')])).map(asRun);
    const again = asRun(await enforcer.invoke(event, 'three'));

    // Assert
    expect([one?.status, other?.status].sort()).toEqual(['completed', 'skipped']);
    expect(again.status).toBe('already-done');
    expect(enforcer.ports.gateway.calls).toHaveLength(USERS.length);
  });

  it('counts a continuation that cannot be started and finishes the run all the same', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: CONNECTIONS, policies: [REVOKED], env: SLOW });
    enforcer.ports.continuations.start = () => Promise.reject(new Error('TooManyRequestsException: Rate exceeded'));

    // Act
    const first = asRun(await enforcer.invoke(TICK, 'tick', BUDGET_MS));

    // Assert
    expect(first.status).toBe('completed');
    expect(first.handOn).toMatchObject({ status: 'failed', error: 'TooManyRequestsException: Rate exceeded' });
    expect(first.handedOn).toBeUndefined();
    expect(enforcer.ports.audit.summaries.get(ROOT)?.handedOn).toBeUndefined();
    expect(enforcer.data).toContainEqual([RunMetric.CONTINUATION_START_FAILED, 1]);
  });

  it('hands on for a change noted while it held the lease, even with nothing deferred', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: CONNECTIONS, policies: [REVOKED] });
    const load = enforcer.ports.policies.loadAll.bind(enforcer.ports.policies);
    enforcer.ports.policies.loadAll = async () => {
      await enforcer.ports.changes.note(enforcer.ports.clock.now());
      return load();
    };

    // Act
    const first = asRun(await enforcer.invoke(TICK));

    // Assert
    expect(first.counts.deferred ?? 0).toBe(0);
    expect(first.handedOn).toEqual({ runId: `${ROOT}+c1`, reason: 'policy-changed' });
  });
});
