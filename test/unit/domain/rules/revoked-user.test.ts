import { describe, expect, it } from '@jest/globals';
import { evaluate, type RevokedUserRow } from '../../../../lambda/domain/index.js';
import { revokedUserFires, revokedUserReason } from '../../../../lambda/domain/rules/revoked-user.js';
import { connection, ENDPOINT_A, ENDPOINT_B, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

describe('revoked-user', () => {
  it.each<[string, Record<string, unknown>, { username?: string; commonName?: string }, boolean]>([
    ['the exact user name', { usernames: ['alice'] }, { username: 'alice' }, true],
    ['the user name in another case, with spaces', { usernames: ['alice'] }, { username: '  ALICE ' }, true],
    ['a listed name written with capitals', { usernames: ['Alice'] }, { username: 'alice' }, true],
    ['a name that only folds equal (ß = SS)', { usernames: ['straße'] }, { username: 'STRASSE' }, true],
    ['a longer name containing the listed one', { usernames: ['alice'] }, { username: 'alice2' }, false],
    ['a name inside a longer one', { usernames: ['alice'] }, { username: 'malice' }, false],
    ['a domain-qualified name', { usernames: ['alice'] }, { username: 'CORP\\alice' }, false],
    [
      'the certificate common name',
      { usernames: undefined, commonNames: ['alice.example.com'] },
      { commonName: 'ALICE.example.com' },
      true,
    ],
    [
      'a user name listed only as a common name',
      { usernames: undefined, commonNames: ['alice'] },
      { username: 'alice', commonName: 'laptop' },
      false,
    ],
    ['a connection without identity', { usernames: ['alice'] }, {}, false],
    ['a blank user name', { usernames: ['alice'] }, { username: '   ' }, false],
  ])('matches %s: %s', (_case, selectors, identity, fires) => {
    // Arrange
    const policy = valid<RevokedUserRow>(
      Object.fromEntries(Object.entries(row.revokedUser(selectors)).filter(([, value]) => value !== undefined)),
    );
    const target = connection({ connectionId: 'cvpn-connection-1', ...identity });

    // Act
    const evidence = revokedUserFires(policy, target);

    // Assert
    expect(evidence !== undefined).toBe(fires);
  });

  it('explains which identity is revoked, by user name or certificate', () => {
    const policy = valid<RevokedUserRow>(row.revokedUser());

    expect(revokedUserReason(policy, { attribute: 'username', value: 'alice' })).toBe(
      'user alice is revoked (policy offboarded-2026-11)',
    );
    expect(revokedUserReason(policy, { attribute: 'commonName', value: 'alice.example.com' })).toBe(
      'certificate alice.example.com is revoked (policy offboarded-2026-11)',
    );
    expect(revokedUserReason(policy, { attribute: 'group', value: 'contractors' })).toBe(
      'a member of group contractors is revoked (policy offboarded-2026-11)',
    );
  });

  describe('by groups', () => {
    const contractors = valid<RevokedUserRow>(
      Object.fromEntries(
        Object.entries(row.revokedUser({ usernames: undefined, groups: ['Contractors'] })).filter(
          ([, value]) => value !== undefined,
        ),
      ),
    );

    it.each<[string, readonly string[] | undefined, boolean]>([
      ['a member of the group', ['engineering', 'contractors'], true],
      ['a client in other groups only', ['engineering'], false],
      ['a client in no group', [], false],
      ['a client whose groups are unknown', undefined, false],
    ])('fires on %s: %s', (_case, groups, fires) => {
      const target = connection({ connectionId: 'cvpn-connection-1', username: 'alice', groups });

      expect(revokedUserFires(contractors, target) !== undefined).toBe(fires);
    });

    it('ends no connection of a run, where EC2 reports no groups, when the row names only groups', () => {
      const listed = connection({ connectionId: 'cvpn-connection-1', username: 'alice' });

      const { decisions, findings } = evaluate([contractors], [listed], NO_IDLE_STATE, NOW);

      expect(findings).toEqual([]);
      expect(decisions).toEqual([]);
    });

    it('ends a connection whose groups are known and listed', () => {
      const known = connection({ connectionId: 'cvpn-connection-1', username: 'alice', groups: ['contractors'] });

      const { decisions } = evaluate([contractors], [known], NO_IDLE_STATE, NOW);

      expect(decisions.map((decision) => [decision.verdict, decision.reason])).toEqual([
        ['terminate', 'a member of group contractors is revoked (policy offboarded-2026-11)'],
      ]);
    });
  });

  describe('evaluate', () => {
    it('terminates a revoked user on every endpoint', () => {
      // Arrange
      const connections = [
        connection({ connectionId: 'cvpn-connection-1', endpointId: ENDPOINT_A, username: 'alice' }),
        connection({ connectionId: 'cvpn-connection-2', endpointId: ENDPOINT_B, username: 'Alice' }),
        connection({ connectionId: 'cvpn-connection-3', endpointId: ENDPOINT_B, username: 'bob' }),
      ];

      // Act
      const { decisions } = evaluate([row.revokedUser()], connections, NO_IDLE_STATE, NOW);

      // Assert
      expect(
        decisions.map((decision) => [decision.connection.connectionId, decision.verdict, decision.reason]),
      ).toEqual([
        ['cvpn-connection-1', 'terminate', 'user alice is revoked (policy offboarded-2026-11)'],
        ['cvpn-connection-2', 'terminate', 'user Alice is revoked (policy offboarded-2026-11)'],
      ]);
    });

    it('terminates only on the endpoints the row lists', () => {
      const connections = [
        connection({ connectionId: 'cvpn-connection-1', endpointId: ENDPOINT_A, username: 'alice' }),
        connection({ connectionId: 'cvpn-connection-2', endpointId: ENDPOINT_B, username: 'alice' }),
      ];

      const { decisions } = evaluate([row.revokedUser({ endpoints: [ENDPOINT_B] })], connections, NO_IDLE_STATE, NOW);

      expect(decisions.map((decision) => decision.connection.connectionId)).toEqual(['cvpn-connection-2']);
    });
  });
});
