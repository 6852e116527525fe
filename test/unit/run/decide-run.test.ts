import { describe, expect, it } from '@jest/globals';
import {
  type Connection,
  type IdleState,
  parsePolicyRow,
  type PolicyRow,
  PolicyValidationError,
} from '../../../lambda/domain/index.js';
import type { DecisionRecord } from '../../../lambda/ports/index.js';
import { decisionRecord } from '../../../lambda/run/audit-records.js';
import { type DecideOptions, decideRun } from '../../../lambda/run/decide-run.js';
import type { Gathered } from '../../../lambda/run/gather-run.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../../support/fixtures.js';

const RUN = 'run-2026-11-26T10:00:00Z';
const NOW = new Date('2026-11-26T10:00:00Z');

const REVOKED = REVOKED_MALLORY;
const OBSERVED_SESSIONS = {
  policyId: 'max-1h',
  kind: 'max-session',
  mode: 'observe',
  endpoints: ['*'],
  maxSessionMinutes: 60,
  reason: 'trying a shorter limit',
};
const IDLE = {
  policyId: 'idle-30m',
  kind: 'idle',
  mode: 'enforce',
  endpoints: ['*'],
  idleMinutes: 30,
  reason: 'free seats',
};

const CONNECTIONS = [
  aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' }),
  aConnection({ connectionId: 'cvpn-connection-b1', endpointId: ENDPOINT_B, username: 'mallory' }),
  aConnection({ connectionId: 'cvpn-connection-a2', username: 'alice' }),
];

function rows(...items: Record<string, unknown>[]): PolicyRow[] {
  return items.map((item) => {
    const parsed = parsePolicyRow(item);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.row;
  });
}

function gathered(overrides: Partial<Gathered> = {}): Gathered {
  return {
    rows: rows(REVOKED, OBSERVED_SESSIONS),
    findings: [],
    listing: {
      endpointIds: [ENDPOINT_A, ENDPOINT_B],
      readEndpoints: [ENDPOINT_A, ENDPOINT_B],
      endpointErrors: [],
      connections: CONNECTIONS,
    },
    idleMemory: new Map(),
    unconfirmed: [],
    groups: { unknown: 0, mismatched: 0 },
    ...overrides,
  };
}

function options(overrides: Partial<DecideOptions> = {}): DecideOptions {
  return { runId: RUN, now: NOW, dryRun: false, maxTerminationsPerRun: 100, ...overrides };
}

/** A `terminated` record of an earlier run whose connection was still `terminating`. */
function unconfirmed(connection: Connection): DecisionRecord {
  return {
    recordType: 'decision',
    runId: 'run-2026-11-26T09:55:00Z',
    at: '2026-11-26T09:55:00.000Z',
    outcome: 'terminated',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: [],
    reason: 'user mallory is revoked',
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    currentStatus: 'terminating',
  };
}

describe('decideRun', () => {
  it('terminates a revoked user on every endpoint and records what calls nothing as final records', () => {
    // Act
    const plan = decideRun(gathered(), options());

    // Assert
    expect(plan.decisions.map((d) => [d.connection.connectionId, d.verdict, d.decidingPolicyId])).toEqual([
      ['cvpn-connection-a1', 'terminate', 'offboarded'],
      ['cvpn-connection-a2', 'would-terminate', 'max-1h'],
      ['cvpn-connection-b1', 'terminate', 'offboarded'],
    ]);
    // One connection of mallory on each endpoint: by connection id (a call by username saves no call).
    expect(plan.calls.map((call) => [call.endpointId, call.by])).toEqual([
      [ENDPOINT_A, 'connection-id'],
      [ENDPOINT_B, 'connection-id'],
    ]);
    expect(plan.finals.map((record) => [record.connectionId, record.outcome, record.at])).toEqual([
      ['cvpn-connection-a2', 'would-terminate', NOW.toISOString()],
    ]);
    expect(plan.kept).toEqual([]);
    expect(plan.invalidPolicyRecords).toEqual([]);
  });

  it("records the deciding row's own reason beside the generated one, on final records and intents", () => {
    // Act
    const plan = decideRun(gathered(), options());

    // Assert
    const [alice] = plan.finals;
    expect(alice).toMatchObject({ policyId: 'max-1h', policyReason: 'trying a shorter limit' });
    expect(alice?.reason).toContain('(policy max-1h)');
    expect(plan.calls.flatMap((call) => call.decisions.map((decision) => decision.policyReason))).toEqual([
      'left the company',
      'left the company',
    ]);
  });

  it('gives a decision held run after run the time it was first recorded, kept in the idle memory', () => {
    // Arrange: no idle row; alice's session breaks an observe-mode limit at every run.
    const first = decideRun(gathered(), options());
    const later = new Date(NOW.getTime() + 5 * 60_000);

    // Act
    const second = decideRun(gathered({ idleMemory: first.idleMemory?.next }), options({ now: later }));
    const broken = decideRun(gathered({ idleMemory: new Map() }), options({ now: later }));

    // Assert
    expect(first.finals.map((record) => [record.connectionId, record.firstSeenAt])).toEqual([
      ['cvpn-connection-a2', NOW.toISOString()],
    ]);
    expect(second.finals.map((record) => [record.at, record.firstSeenAt])).toEqual([
      [later.toISOString(), NOW.toISOString()],
    ]);
    expect(broken.finals.map((record) => record.firstSeenAt)).toEqual([later.toISOString()]);
    // Only what is remembered is saved: alice's connection, not mallory's (terminated, not remembered).
    expect([...(first.idleMemory?.next.keys() ?? [])]).toEqual(['cvpn-connection-a2']);
  });

  it('saves no idle memory when there is no idle row and nothing to remember or forget', () => {
    const plan = decideRun(gathered({ rows: rows(REVOKED) }), options());

    expect(plan.idleMemory).toBeUndefined();
  });

  it('in a dry run calls nothing and records would-terminate', () => {
    // Act
    const plan = decideRun(gathered(), options({ dryRun: true }));

    // Assert
    expect(plan.calls).toEqual([]);
    expect(plan.finals.map((record) => record.outcome)).toEqual(Array(3).fill('would-terminate'));
  });

  it('over the global cap calls nothing and records every terminate as capped', () => {
    // Act
    const plan = decideRun(gathered(), options({ maxTerminationsPerRun: 1 }));

    // Assert
    expect(plan.globallyCapped).toBe(true);
    expect(plan.calls).toEqual([]);
    expect(plan.finals.filter((record) => record.outcome === 'capped')).toHaveLength(2);
  });

  it('keeps what an earlier attempt of the same run recorded and decides only the rest', () => {
    // Arrange
    const first = decideRun(gathered(), options());
    const recorded = [
      decisionRecord(RUN, NOW, first.decisions[0]!),
      { ...decisionRecord(RUN, NOW, first.decisions[1]!), outcome: 'would-terminate' as const },
    ];

    // Act
    const plan = decideRun(gathered(), options({ earlier: recorded }));

    // Assert
    expect(plan.kept).toEqual(recorded);
    expect(plan.finals).toEqual([]);
    expect(plan.calls.flatMap((call) => call.decisions.map((d) => d.connection.connectionId))).toEqual([
      'cvpn-connection-b1',
    ]);
    expect(plan.decisions).toHaveLength(3);
  });

  it('gives every invalid row an invalid-policy record of this run', () => {
    // Arrange
    const finding = new PolicyValidationError('typo', [
      { field: 'idleMinute', value: 30, expected: 'a known attribute' },
    ]);

    // Act
    const plan = decideRun(gathered({ findings: [finding] }), options());

    // Assert
    expect(plan.findings).toEqual([finding]);
    expect(plan.invalidPolicyRecords).toEqual([
      expect.objectContaining({
        recordType: 'invalid-policy',
        runId: RUN,
        outcome: 'invalid-policy',
        policyId: 'typo',
        errorMessage: 'idleMinute: expected a known attribute',
      }),
    ]);
  });

  it('saves idle memory over the one read while an idle row is in the table, or a decision is remembered', () => {
    // Arrange
    const previous: IdleState = new Map();

    // Act
    const withIdle = decideRun(gathered({ rows: rows(IDLE), idleMemory: previous }), options());
    const without = decideRun(gathered({ rows: rows(REVOKED), idleMemory: previous }), options());

    // Assert
    expect(withIdle.idleMemory?.previous).toBe(previous);
    expect([...(withIdle.idleMemory?.next.keys() ?? [])].sort()).toEqual(
      CONNECTIONS.map((connection) => connection.connectionId).sort(),
    );
    expect(without.idleMemory).toBeUndefined();
  });

  it('confirms earlier terminations by the listing: ended, failed to terminate, or not yet', () => {
    // Arrange
    const ended = aConnection({ connectionId: 'cvpn-connection-e1', status: 'terminated' });
    const survived = aConnection({ connectionId: 'cvpn-connection-e2', status: 'failed-to-terminate' });
    const ending = aConnection({ connectionId: 'cvpn-connection-e3', status: 'terminating' });
    const gone = aConnection({ connectionId: 'cvpn-connection-e4' });
    const unread = aConnection({ connectionId: 'cvpn-connection-e5', endpointId: ENDPOINT_B });
    const base = gathered();

    // Act
    const plan = decideRun(
      {
        ...base,
        listing: { ...base.listing, readEndpoints: [ENDPOINT_A], connections: [ended, survived, ending] },
        unconfirmed: [ended, survived, ending, gone, unread].map(unconfirmed),
      },
      options(),
    );

    // Assert
    expect(
      plan.confirmations.map(({ record, confirmation }) => [
        record.connectionId,
        confirmation.outcome,
        confirmation.currentStatus,
      ]),
    ).toEqual([
      ['cvpn-connection-e1', 'terminated', 'terminated'],
      ['cvpn-connection-e2', 'failed', 'failed-to-terminate'],
      ['cvpn-connection-e4', 'terminated', 'not-listed'],
    ]);
  });

  it('decides the same from the same input, and changes none of it', () => {
    // Arrange
    const input = gathered({ rows: rows(REVOKED, OBSERVED_SESSIONS, IDLE) });
    const before = JSON.stringify(input, (_key, value: unknown) => (value instanceof Map ? [...value] : value));

    // Act
    const first = decideRun(input, options());
    const second = decideRun(input, options());

    // Assert
    expect(second).toEqual(first);
    expect(JSON.stringify(input, (_key, value: unknown) => (value instanceof Map ? [...value] : value))).toBe(before);
  });

  it('names the rows in force that select by groups beside the count of connections with unknown groups', () => {
    // Arrange
    const vendors = { ...REVOKED, policyId: 'vendors-out', usernames: undefined, groups: ['vendors'] };
    const expired = { ...vendors, policyId: 'old-vendors', expiresAt: '2026-11-01T00:00:00Z' };
    const exemptStaff = { policyId: 'staff-stay', kind: 'exempt', groups: ['staff'], reason: 'on call' };
    const input = gathered({
      rows: rows(REVOKED, vendors, expired, exemptStaff),
      listing: { ...gathered().listing, connections: [{ ...CONNECTIONS[2]!, groups: ['vendors'] }] },
      groups: { unknown: 2, mismatched: 1 },
    });

    // Act
    const plan = decideRun(input, options());

    // Assert
    expect(plan.groups).toEqual({ unknown: 2, mismatched: 1, selectingRows: ['staff-stay', 'vendors-out'] });
    expect(plan.decisions.map((decision) => [decision.connection.connectionId, decision.decidingPolicyId])).toEqual([
      ['cvpn-connection-a2', 'vendors-out'],
    ]);
  });
});
