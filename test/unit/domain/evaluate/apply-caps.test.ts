import { describe, expect, it } from '@jest/globals';
import { evaluate, type Connection } from '../../../../lambda/domain/index.js';
import { connection, minutesBefore, NO_IDLE_STATE, NOW, row } from '../fixtures.js';

/** Three connections over the 8 h limit, and one revoked user. */
const old: Connection[] = [1, 2, 3].map((n) =>
  connection({ connectionId: `cvpn-connection-${n}`, establishedAt: minutesBefore(600) }),
);
const revoked = connection({ connectionId: 'cvpn-connection-9', username: 'alice' });

describe('evaluate caps', () => {
  it.each<[string, Record<string, unknown>[], number | undefined, string[], string[], boolean]>([
    [
      'no caps: everything terminates',
      [row.maxSession(), row.revokedUser()],
      undefined,
      ['terminate', 'terminate', 'terminate', 'terminate'],
      [],
      false,
    ],
    [
      'a row cap that holds',
      [row.maxSession({ maxTerminations: 3 }), row.revokedUser()],
      undefined,
      ['terminate', 'terminate', 'terminate', 'terminate'],
      [],
      false,
    ],
    [
      'a row cap exceeded caps that row only',
      [row.maxSession({ maxTerminations: 2 }), row.revokedUser()],
      undefined,
      ['capped', 'capped', 'capped', 'terminate'],
      ['max-8h'],
      false,
    ],
    [
      'a row cap of zero caps every decision of the row',
      [row.maxSession({ maxTerminations: 0 }), row.revokedUser()],
      undefined,
      ['capped', 'capped', 'capped', 'terminate'],
      ['max-8h'],
      false,
    ],
    [
      'a global cap that holds',
      [row.maxSession(), row.revokedUser()],
      4,
      ['terminate', 'terminate', 'terminate', 'terminate'],
      [],
      false,
    ],
    [
      'a global cap exceeded caps everything',
      [row.maxSession(), row.revokedUser()],
      3,
      ['capped', 'capped', 'capped', 'capped'],
      [],
      true,
    ],
    [
      'the global cap counts what the row caps left',
      [row.maxSession({ maxTerminations: 2 }), row.revokedUser()],
      1,
      ['capped', 'capped', 'capped', 'terminate'],
      ['max-8h'],
      false,
    ],
    ['a global cap of zero caps any termination', [row.revokedUser()], 0, ['capped'], [], true],
    ['a global cap that is not a number fails closed', [row.revokedUser()], Number.NaN, ['capped'], [], true],
    ['a negative global cap fails closed', [row.revokedUser()], -1, ['capped'], [], true],
  ])('%s', (_case, rows, maxTerminationsPerRun, expectedVerdicts, cappedPolicies, globallyCapped) => {
    // Act
    const result = evaluate(rows, [...old, revoked], NO_IDLE_STATE, NOW, { maxTerminationsPerRun });

    // Assert
    const byConnection = [...old, revoked].map(
      (target) => result.decisions.find((decision) => decision.connection === target)?.verdict,
    );
    expect(byConnection.filter((verdict) => verdict !== undefined)).toEqual(expectedVerdicts);
    expect(result.cappedPolicies).toEqual(cappedPolicies);
    expect(result.globallyCapped).toBe(globallyCapped);
  });

  it('never counts observe, dry-run or exempted decisions against a cap', () => {
    // Arrange
    const rows = [
      row.maxSession({ mode: 'observe', maxTerminations: 0 }),
      row.revokedUser({ maxTerminations: 0 }),
      row.exempt(),
    ];

    // Act
    const result = evaluate(rows, [...old, revoked], NO_IDLE_STATE, NOW, { maxTerminationsPerRun: 0 });
    const dryRun = evaluate([row.maxSession()], old, NO_IDLE_STATE, NOW, { maxTerminationsPerRun: 0, dryRun: true });

    // Assert
    expect(result.decisions.map((decision) => decision.verdict)).toEqual([
      'would-terminate',
      'would-terminate',
      'would-terminate',
      'exempted',
    ]);
    expect(result).toMatchObject({ globallyCapped: false, cappedPolicies: [] });
    expect(dryRun.decisions.map((decision) => decision.verdict)).toEqual([
      'would-terminate',
      'would-terminate',
      'would-terminate',
    ]);
  });

  it('says which cap tripped, with the numbers', () => {
    const byRow = evaluate([row.maxSession({ maxTerminations: 2 })], old, NO_IDLE_STATE, NOW);
    const byRun = evaluate([row.maxSession()], old, NO_IDLE_STATE, NOW, { maxTerminationsPerRun: 2 });

    expect(byRow.decisions[0]?.reason).toBe(
      'session 10 h old, limit 8 h (policy max-8h); capped: policy max-8h decided 3 terminations this run, more than its maxTerminations of 2, so none of them is terminated',
    );
    expect(byRun.decisions[0]?.reason).toBe(
      'session 10 h old, limit 8 h (policy max-8h); capped: this run decided 3 terminations, more than the global cap of 2, so none of them is terminated',
    );
  });

  it('counts a row cap by the decisions the row decided, not by the rules that merely fired', () => {
    // Arrange: the revoked-user row decides alice; max-8h fires on her too but does not decide.
    const oldAlice = connection({
      connectionId: 'cvpn-connection-9',
      username: 'alice',
      establishedAt: minutesBefore(600),
    });

    // Act
    const result = evaluate(
      [row.maxSession({ maxTerminations: 3 }), row.revokedUser()],
      [...old, oldAlice],
      NO_IDLE_STATE,
      NOW,
    );

    // Assert
    expect(result.decisions.map((decision) => decision.verdict)).toEqual([
      'terminate',
      'terminate',
      'terminate',
      'terminate',
    ]);
  });
});
