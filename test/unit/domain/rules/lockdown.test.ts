import { describe, expect, it } from '@jest/globals';
import { evaluate, type LockdownRow } from '../../../../lambda/domain/index.js';
import { lockdownFires, lockdownReason } from '../../../../lambda/domain/rules/lockdown.js';
import { connection, ENDPOINT_A, ENDPOINT_B, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

type Attributes = Record<string, unknown>;

function lockdown(overrides: Attributes = {}): LockdownRow {
  return valid<LockdownRow>(row.lockdown(overrides));
}

const alice = connection({ connectionId: 'cvpn-connection-1', username: 'alice' });
const bob = connection({ connectionId: 'cvpn-connection-2', username: 'bob', commonName: 'bob-laptop' });
const anonymous = connection({ connectionId: 'cvpn-connection-3' });
const elsewhere = connection({ connectionId: 'cvpn-connection-4', endpointId: ENDPOINT_B, username: 'alice' });

function ended(rows: readonly Attributes[], connections = [alice, bob, anonymous, elsewhere]): [string, string][] {
  return evaluate(rows, connections, NO_IDLE_STATE, NOW).decisions.map((decision) => [
    decision.connection.connectionId,
    decision.verdict,
  ]);
}

describe('lockdown', () => {
  it('explains which endpoint is locked down, until when and for whom', () => {
    // Arrange
    const everyone = lockdown();
    const untilEvening = lockdown({ expiresAt: '2026-11-26T18:00:00Z', usernames: ['alice'] });

    // Act
    const reasons = [
      lockdownReason(everyone, lockdownFires(everyone, alice)),
      lockdownReason(untilEvening, lockdownFires(untilEvening, alice)),
    ];

    // Assert
    expect(reasons).toEqual([
      `endpoint ${ENDPOINT_A} is locked down (policy incident-7)`,
      `endpoint ${ENDPOINT_A} is locked down until 2026-11-26T18:00Z for user alice (policy incident-7)`,
    ]);
  });

  describe('evaluate', () => {
    it.each<[string, Attributes, [string, string][]]>([
      [
        'ends every connection on its endpoint, identities or none',
        {},
        [
          ['cvpn-connection-1', 'terminate'],
          ['cvpn-connection-2', 'terminate'],
          ['cvpn-connection-3', 'terminate'],
        ],
      ],
      [
        'ends every connection on every endpoint with ["*"]',
        { endpoints: ['*'] },
        [
          ['cvpn-connection-1', 'terminate'],
          ['cvpn-connection-2', 'terminate'],
          ['cvpn-connection-3', 'terminate'],
          ['cvpn-connection-4', 'terminate'],
        ],
      ],
      ['ends only the identities it selects', { commonNames: ['BOB-LAPTOP'] }, [['cvpn-connection-2', 'terminate']]],
      ['ends no connection of a run by groups, which EC2 does not report', { groups: ['contractors'] }, []],
      [
        'only records what it would end in observe mode',
        { endpoints: [ENDPOINT_B], mode: 'observe' },
        [['cvpn-connection-4', 'would-terminate']],
      ],
      ['ends nothing once expired', { expiresAt: '2026-11-26T10:49:00Z' }, []],
      ['ends nothing when disabled', { enabled: false }, []],
    ])('%s', (_case, overrides, expected) => {
      expect(ended([row.lockdown(overrides)])).toEqual(expected);
    });

    it('spares exempt identities, recording what the lockdown would have done', () => {
      // Act
      const { decisions } = evaluate([row.lockdown(), row.exempt()], [alice, bob], NO_IDLE_STATE, NOW);

      // Assert
      expect(decisions.map((decision) => [decision.connection.connectionId, decision.verdict])).toEqual([
        ['cvpn-connection-1', 'exempted'],
        ['cvpn-connection-2', 'terminate'],
      ]);
      expect(decisions[0]?.reason).toBe(
        `user alice is exempt (policy on-call): not terminated; would have been: endpoint ${ENDPOINT_A} is locked down (policy incident-7)`,
      );
    });

    it('decides before a revoked user, which is still listed as fired', () => {
      const [decision] = evaluate([row.revokedUser(), row.lockdown()], [alice], NO_IDLE_STATE, NOW).decisions;

      expect(decision?.decidingKind).toBe('lockdown');
      expect(decision?.fired.map((firing) => firing.kind)).toEqual(['lockdown', 'revoked-user']);
    });

    it('lets an enforcing rule decide over an observing lockdown', () => {
      const [decision] = evaluate(
        [row.revokedUser(), row.lockdown({ mode: 'observe' })],
        [alice],
        NO_IDLE_STATE,
        NOW,
      ).decisions;

      expect(decision).toMatchObject({ verdict: 'terminate', decidingKind: 'revoked-user' });
    });
  });
});
