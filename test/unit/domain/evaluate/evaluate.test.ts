import { describe, expect, it } from '@jest/globals';
import { DomainError, evaluate, PolicyValidationError, type Connection } from '../../../../lambda/domain/index.js';
import { connection, ENDPOINT_A, ENDPOINT_B, idleMemory, minutesBefore, NO_IDLE_STATE, NOW, row } from '../fixtures.js';

/** alice: connected 10 h ago (max-session fires), idle 47 min (idle fires), revoked when a row says so. */
const alice = connection({ connectionId: 'cvpn-connection-1', username: 'alice', establishedAt: minutesBefore(600) });
const aliceIdle = idleMemory(alice, minutesBefore(47));

function verdicts(connections: readonly Connection[], rows: unknown[], options = {}): [string, string][] {
  return evaluate(rows, connections, NO_IDLE_STATE, NOW, options).decisions.map((decision) => [
    decision.connection.connectionId,
    decision.verdict,
  ]);
}

describe('evaluate', () => {
  describe('safety rules of the design', () => {
    it('reports a row that fails validation, matches nothing with it, and goes on with the others', () => {
      // Arrange
      const broken = row.revokedUser({ policyId: 'typo', usernames: ['alice'], endpoint: ['*'] });

      // Act
      const result = evaluate([broken, row.maxSession()], [alice], NO_IDLE_STATE, NOW);

      // Assert
      expect(result.findings).toHaveLength(1);
      expect(result.findings[0]).toBeInstanceOf(PolicyValidationError);
      expect(result.findings[0]?.policyId).toBe('typo');
      expect(result.findings[0]?.issues.map((issue) => issue.field)).toContain('endpoint');
      expect(result.decisions.map((decision) => decision.decidingPolicyId)).toEqual(['max-8h']);
    });

    it.each([
      ['missing', { usernames: undefined }],
      ['empty', { usernames: [] }],
      ['empty set', { usernames: new Set() }],
      ['wildcard', { usernames: ['*'] }],
      ['empty common names', { usernames: undefined, commonNames: [] }],
    ])('never widens a revoked-user rule to everyone when the selector is %s', (_case, overrides) => {
      // Arrange
      const revoked = Object.fromEntries(
        Object.entries(row.revokedUser(overrides)).filter(([, value]) => value !== undefined),
      );
      const bob = connection({ connectionId: 'cvpn-connection-2', username: 'bob' });

      // Act
      const result = evaluate([revoked], [alice, bob], NO_IDLE_STATE, NOW);

      // Assert
      expect(result.decisions).toEqual([]);
      expect(result.findings).toHaveLength(1);
    });

    it('records a rule that would have fired on an exempt identity as exempted', () => {
      const result = evaluate([row.revokedUser(), row.exempt()], [alice], NO_IDLE_STATE, NOW);

      expect(result.decisions.map((decision) => decision.verdict)).toEqual(['exempted']);
    });

    it.each(['terminating', 'terminated', 'failed-to-terminate', 'pending-unknown'])(
      'never decides on a connection whose status is %s',
      (status) => {
        const result = evaluate([row.revokedUser(), row.maxSession()], [{ ...alice, status }], NO_IDLE_STATE, NOW);

        expect(result.decisions).toEqual([]);
      },
    );

    it('caps a row over its maxTerminations: none of its connections is terminated', () => {
      const connections = [alice, connection({ connectionId: 'cvpn-connection-2', establishedAt: minutesBefore(600) })];

      const result = evaluate([row.maxSession({ maxTerminations: 1 })], connections, NO_IDLE_STATE, NOW);

      expect(result.decisions.map((decision) => decision.verdict)).toEqual(['capped', 'capped']);
      expect(result.cappedPolicies).toEqual(['max-8h']);
    });

    it('caps a run over the global cap: none of its connections is terminated', () => {
      const connections = [alice, connection({ connectionId: 'cvpn-connection-2', establishedAt: minutesBefore(600) })];

      const result = evaluate([row.maxSession()], connections, NO_IDLE_STATE, NOW, { maxTerminationsPerRun: 1 });

      expect(result.decisions.map((decision) => decision.verdict)).toEqual(['capped', 'capped']);
      expect(result.globallyCapped).toBe(true);
    });

    it('never terminates for an observe row', () => {
      expect(verdicts([alice], [row.revokedUser({ mode: 'observe' })])).toEqual([
        ['cvpn-connection-1', 'would-terminate'],
      ]);
    });

    it('never terminates under the global dry run, and says so', () => {
      const result = evaluate([row.revokedUser()], [alice], NO_IDLE_STATE, NOW, { dryRun: true });

      expect(result.decisions[0]).toMatchObject({
        verdict: 'would-terminate',
        mode: 'observe',
        reason: 'user alice is revoked (policy offboarded-2026-11); dry run: not terminated',
      });
    });
  });

  describe('rows in force', () => {
    it.each([
      ['disabled', { enabled: false }],
      ['expired a minute ago', { expiresAt: '2026-11-26T10:48:00Z' }],
      ['expiring right now', { expiresAt: '2026-11-26T10:49:00Z' }],
      ['expired, written with an offset', { expiresAt: '2026-11-26T11:00:00+01:00' }],
    ])('ignores a row that is %s, without a finding', (_case, overrides) => {
      const result = evaluate([row.revokedUser(overrides)], [alice], NO_IDLE_STATE, NOW);

      expect(result.decisions).toEqual([]);
      expect(result.findings).toEqual([]);
    });

    it('applies a row that expires later', () => {
      expect(verdicts([alice], [row.revokedUser({ expiresAt: '2026-11-26T10:50:00Z' })])).toEqual([
        ['cvpn-connection-1', 'terminate'],
      ]);
    });

    it('reports a second row with the same policyId and ignores it', () => {
      const result = evaluate([row.maxSession({ mode: 'observe' }), row.maxSession()], [alice], NO_IDLE_STATE, NOW);

      expect(result.findings.map((finding) => finding.issues[0]?.field)).toEqual(['policyId']);
      expect(result.decisions.map((decision) => decision.verdict)).toEqual(['would-terminate']);
    });
  });

  describe('precedence', () => {
    it('makes one decision per connection, listing every rule that fired, strongest first', () => {
      // Arrange
      const rows = [
        row.idle(),
        row.offHours({ days: ['sat'] }),
        row.maxSession(),
        row.maxConnections({ maxConnections: 1 }),
        row.revokedUser(),
      ];
      const newer = connection({
        connectionId: 'cvpn-connection-2',
        username: 'alice',
        establishedAt: minutesBefore(5),
      });

      // Act
      const result = evaluate(rows, [alice, newer], aliceIdle, NOW);

      // Assert
      const decision = result.decisions.find((candidate) => candidate.connection.connectionId === 'cvpn-connection-1');
      expect(result.decisions).toHaveLength(2);
      expect(decision?.decidingKind).toBe('revoked-user');
      expect(decision?.fired.map((firing) => firing.kind)).toEqual([
        'revoked-user',
        'max-connections',
        'max-session',
        'off-hours',
        'idle',
      ]);
    });

    it.each<[string, Record<string, unknown>[], string, string]>([
      ['lockdown over revoked-user', [row.revokedUser(), row.lockdown()], 'incident-7', 'terminate'],
      ['revoked-user over max-session', [row.maxSession(), row.revokedUser()], 'offboarded-2026-11', 'terminate'],
      ['max-session over off-hours', [row.offHours({ days: ['sat'] }), row.maxSession()], 'max-8h', 'terminate'],
      ['off-hours over idle', [row.idle(), row.offHours({ days: ['sat'] })], 'office-hours', 'terminate'],
      [
        'an enforce rule over a stronger observe rule',
        [row.revokedUser({ mode: 'observe' }), row.idle()],
        'idle-30',
        'terminate',
      ],
      [
        'the strongest observe rule when none enforces',
        [row.revokedUser({ mode: 'observe' }), row.idle({ mode: 'observe' })],
        'offboarded-2026-11',
        'would-terminate',
      ],
      [
        'the smaller policy id between two rules of one kind',
        [row.maxSession({ policyId: 'b-limit' }), row.maxSession({ policyId: 'a-limit' })],
        'a-limit',
        'terminate',
      ],
    ])('prefers %s', (_case, rows, decidingPolicyId, verdict) => {
      // Act
      const [decision] = evaluate(rows, [alice], aliceIdle, NOW).decisions;

      // Assert
      expect(decision?.decidingPolicyId).toBe(decidingPolicyId);
      expect(decision?.verdict).toBe(verdict);
      expect(decision?.reason).toBe(
        decision?.fired.find((firing) => firing.policyId === decidingPolicyId)?.reason +
          (verdict === 'terminate' ? '' : '; observe mode: not terminated'),
      );
    });
  });

  describe('groups', () => {
    const contractorsOnly = row.maxSession({ groups: ['contractors'] });

    it.each<[string, readonly string[] | undefined, string[]]>([
      ['groups are unknown (as EC2 lists connections)', undefined, []],
      ['groups are known and listed', ['Contractors'], ['terminate']],
      ['groups are known and not listed', ['engineering'], []],
    ])('selects by groups only when the %s', (_case, groups, expected) => {
      // Arrange
      const target = { ...alice, groups };

      // Act
      const { decisions } = evaluate([contractorsOnly], [target], NO_IDLE_STATE, NOW);

      // Assert
      expect(decisions.map((decision) => decision.verdict)).toEqual(expected);
    });

    it('still selects the listed user names of a row that also lists groups, whatever the groups', () => {
      const { decisions } = evaluate(
        [row.maxSession({ usernames: ['alice'], groups: ['contractors'] })],
        [alice],
        NO_IDLE_STATE,
        NOW,
      );

      expect(decisions.map((decision) => decision.verdict)).toEqual(['terminate']);
    });
  });

  describe('order and purity', () => {
    it('sorts decisions by endpoint id, then connection id, whatever the input order', () => {
      // Arrange
      const connections = [
        connection({ connectionId: 'cvpn-connection-b', endpointId: ENDPOINT_B, establishedAt: minutesBefore(600) }),
        connection({ connectionId: 'cvpn-connection-c', endpointId: ENDPOINT_A, establishedAt: minutesBefore(600) }),
        connection({ connectionId: 'cvpn-connection-a', endpointId: ENDPOINT_B, establishedAt: minutesBefore(600) }),
        connection({ connectionId: 'cvpn-connection-a', endpointId: ENDPOINT_A, establishedAt: minutesBefore(600) }),
      ];

      // Act
      const forward = evaluate([row.maxSession()], connections, NO_IDLE_STATE, NOW);
      const backward = evaluate([row.maxSession()], [...connections].reverse(), NO_IDLE_STATE, NOW);

      // Assert
      const order = forward.decisions.map(
        (decision) => `${decision.connection.endpointId}/${decision.connection.connectionId}`,
      );
      expect(order).toEqual([
        `${ENDPOINT_A}/cvpn-connection-a`,
        `${ENDPOINT_A}/cvpn-connection-c`,
        `${ENDPOINT_B}/cvpn-connection-a`,
        `${ENDPOINT_B}/cvpn-connection-b`,
      ]);
      expect(backward).toEqual(forward);
    });

    it('decides once for a connection listed twice', () => {
      expect(verdicts([alice, alice], [row.revokedUser()])).toEqual([['cvpn-connection-1', 'terminate']]);
    });

    it('accepts rows that were already parsed', () => {
      const result = evaluate([row.revokedUser()], [alice], NO_IDLE_STATE, NOW);
      const parsedRows = evaluate([{ ...row.revokedUser(), enabled: true }], [alice], NO_IDLE_STATE, NOW);

      expect(parsedRows).toEqual(result);
    });

    it('refuses an invalid date for now, which is a caller bug and not a row problem', () => {
      expect(() => evaluate([], [alice], NO_IDLE_STATE, new Date(Number.NaN))).toThrow(DomainError);
    });

    it('decides nothing without rows, and keeps idle memory only for active connections', () => {
      const ended = connection({ connectionId: 'cvpn-connection-9', status: 'terminated' });

      const result = evaluate([], [alice, ended], NO_IDLE_STATE, NOW);

      expect(result).toMatchObject({ decisions: [], findings: [], globallyCapped: false, cappedPolicies: [] });
      expect([...result.idleState.keys()]).toEqual(['cvpn-connection-1']);
    });
  });
});
