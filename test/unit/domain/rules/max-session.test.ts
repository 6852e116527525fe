import { describe, expect, it } from '@jest/globals';
import { evaluate, type MaxSessionRow } from '../../../../lambda/domain/index.js';
import { maxSessionFires, maxSessionReason } from '../../../../lambda/domain/rules/max-session.js';
import { connection, minutesBefore, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

describe('max-session', () => {
  const policy = valid<MaxSessionRow>(row.maxSession());
  const context = { now: NOW, idleState: NO_IDLE_STATE };

  it.each<[string, number, number | undefined]>([
    ['a session younger than the limit', 479, undefined],
    ['a session exactly at the limit', 480, undefined],
    ['a session one minute past the limit', 481, 481],
    ['a session of 9 h 12 min', 552, 552],
  ])('%s', (_case, ageMinutes, expected) => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', establishedAt: minutesBefore(ageMinutes) });

    // Act
    const evidence = maxSessionFires(policy, target, context);

    // Assert
    expect(evidence?.ageMinutes).toBe(expected);
  });

  it('fires a second past the limit', () => {
    const target = connection({
      connectionId: 'cvpn-connection-1',
      establishedAt: new Date(NOW.getTime() - 480 * 60_000 - 1_000),
    });

    expect(maxSessionFires(policy, target, context)).toEqual({ ageMinutes: 480 });
  });

  it('never fires on a connection whose establishment time is unknown', () => {
    const target = connection({ connectionId: 'cvpn-connection-1', establishedAt: new Date(Number.NaN) });

    expect(maxSessionFires(policy, target, context)).toBeUndefined();
  });

  it('shows the age and the limit', () => {
    expect(maxSessionReason(policy, { ageMinutes: 552 })).toBe('session 9 h 12 min old, limit 8 h (policy max-8h)');
  });

  describe('evaluate', () => {
    it('terminates sessions older than the limit and keeps the others', () => {
      // Arrange
      const connections = [
        connection({ connectionId: 'cvpn-connection-old', establishedAt: minutesBefore(552) }),
        connection({ connectionId: 'cvpn-connection-new', establishedAt: minutesBefore(30) }),
      ];

      // Act
      const { decisions } = evaluate([row.maxSession()], connections, NO_IDLE_STATE, NOW);

      // Assert
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({
        verdict: 'terminate',
        decidingKind: 'max-session',
        reason: 'session 9 h 12 min old, limit 8 h (policy max-8h)',
      });
    });

    it('limits everyone when the row has no selectors, and only the named when it has', () => {
      const connections = [
        connection({ connectionId: 'cvpn-connection-1', username: 'alice', establishedAt: minutesBefore(600) }),
        connection({ connectionId: 'cvpn-connection-2', username: 'bob', establishedAt: minutesBefore(600) }),
      ];

      const everyone = evaluate([row.maxSession()], connections, NO_IDLE_STATE, NOW);
      const onlyBob = evaluate([row.maxSession({ usernames: ['BOB'] })], connections, NO_IDLE_STATE, NOW);

      expect(everyone.decisions).toHaveLength(2);
      expect(onlyBob.decisions.map((decision) => decision.connection.username)).toEqual(['bob']);
    });
  });
});
