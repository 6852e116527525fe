import { describe, expect, it } from '@jest/globals';
import { evaluate, type ExemptRow } from '../../../../lambda/domain/index.js';
import { exemptionCovers } from '../../../../lambda/domain/rules/exempt.js';
import { connection, ENDPOINT_A, ENDPOINT_B, minutesBefore, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

describe('exempt', () => {
  it.each<
    [
      string,
      Record<string, unknown>,
      { endpointId?: string; username?: string; commonName?: string; groups?: readonly string[] },
      boolean,
    ]
  >([
    ['the named user on any endpoint', {}, { endpointId: ENDPOINT_B, username: 'ALICE' }, true],
    ['another user', {}, { username: 'bob' }, false],
    ['a user whose name contains the named one', {}, { username: 'alice.admin' }, false],
    [
      'the named user on an endpoint the row does not list',
      { endpoints: [ENDPOINT_A] },
      { endpointId: ENDPOINT_B, username: 'alice' },
      false,
    ],
    ['the named certificate', { usernames: undefined, commonNames: ['laptop-7'] }, { commonName: 'Laptop-7' }, true],
    ['a member of the named group', { usernames: undefined, groups: ['sre'] }, { groups: ['dev', 'SRE'] }, true],
    ['a client outside the named group', { usernames: undefined, groups: ['sre'] }, { groups: ['dev'] }, false],
    [
      'a client whose groups are unknown, by a row naming only groups',
      { usernames: undefined, groups: ['sre'] },
      { username: 'alice' },
      false,
    ],
    [
      'the named user whose groups are unknown, by a row naming users and groups',
      { groups: ['sre'] },
      { username: 'alice' },
      true,
    ],
  ])('covers %s: %s', (_case, overrides, identity, covers) => {
    // Arrange
    const exemption = valid<ExemptRow>(
      Object.fromEntries(Object.entries(row.exempt(overrides)).filter(([, value]) => value !== undefined)),
    );
    const target = connection({ connectionId: 'cvpn-connection-1', ...identity });

    // Act
    const covered = exemptionCovers(exemption, target);

    // Assert
    expect(covered !== undefined).toBe(covers);
  });

  describe('evaluate', () => {
    const revokedAndOld = [row.revokedUser(), row.maxSession()];
    const alice = connection({
      connectionId: 'cvpn-connection-1',
      username: 'alice',
      establishedAt: minutesBefore(600),
    });

    it('wins over every rule and records the strongest rule it overrode', () => {
      // Act
      const { decisions } = evaluate([...revokedAndOld, row.exempt()], [alice], NO_IDLE_STATE, NOW);

      // Assert
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({
        verdict: 'exempted',
        decidingPolicyId: 'offboarded-2026-11',
        decidingKind: 'revoked-user',
        exemptedBy: 'on-call',
        mode: 'enforce',
        reason:
          'user alice is exempt (policy on-call): not terminated; would have been: user alice is revoked (policy offboarded-2026-11)',
      });
      expect(decisions[0]?.fired.map((firing) => firing.policyId)).toEqual(['offboarded-2026-11', 'max-8h']);
    });

    it.each([
      ['expired', { expiresAt: '2026-11-26T10:49:00Z' }],
      ['disabled', { enabled: false }],
      ['scoped to another endpoint', { endpoints: [ENDPOINT_B] }],
    ])('does not apply when %s', (_case, overrides) => {
      const { decisions } = evaluate([...revokedAndOld, row.exempt(overrides)], [alice], NO_IDLE_STATE, NOW);

      expect(decisions[0]?.verdict).toBe('terminate');
    });

    it('records nothing when no rule fired', () => {
      const { decisions } = evaluate([row.exempt()], [alice], NO_IDLE_STATE, NOW);

      expect(decisions).toEqual([]);
    });

    it('names the first exempt row by policy id when several cover the connection', () => {
      const { decisions } = evaluate(
        [row.revokedUser(), row.exempt({ policyId: 'z-vip' }), row.exempt({ policyId: 'a-vip' })],
        [alice],
        NO_IDLE_STATE,
        NOW,
      );

      expect(decisions[0]?.exemptedBy).toBe('a-vip');
    });
  });
});
