import { describe, expect, it } from '@jest/globals';
import {
  decideAdmission,
  DEFAULT_REFUSAL_MESSAGE,
  DomainError,
  type Admission,
  type ConnectionAttempt,
} from '../../../../lambda/domain/index.js';
import { attempt, ENDPOINT_A, ENDPOINT_B, NOW, row, validRows } from '../fixtures.js';

type Attributes = Record<string, unknown>;

const alice = attempt();
const bob = attempt({ username: 'bob', commonName: 'bob-laptop' });
const certificateOnly = attempt({ username: undefined, commonName: 'laptop-7' });
const anonymous = attempt({ username: undefined });
const onB = attempt({ endpointId: ENDPOINT_B });

/** Thursday 2026-11-26 19:30 in Berlin: outside office hours. */
const EVENING = new Date('2026-11-26T18:30:00Z');

interface Circumstances {
  readonly who?: ConnectionAttempt;
  /** Connections the identity holds already; default 0, and `undefined` when unknown. */
  readonly known?: number | undefined;
  readonly now?: Date;
  readonly dryRun?: boolean;
}

function admit(items: readonly Attributes[], circumstances: Circumstances = {}): Admission {
  const { who = alice, now = NOW, dryRun = false } = circumstances;
  const known = 'known' in circumstances ? circumstances.known : 0;
  return decideAdmission(validRows(...items), who, known, now, { dryRun });
}

/** The verdict and, when a rule decided, its policy id. */
function outcome(admission: Admission): [string, string | undefined] {
  return [admission.verdict, admission.decidingRow?.policyId];
}

/** Row attributes without those an override set to undefined. */
function present(item: Attributes): Attributes {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

describe('decideAdmission', () => {
  describe('lockdown', () => {
    it.each<[string, Attributes, ConnectionAttempt, [string, string | undefined]]>([
      ['refuses a user on its endpoint', {}, alice, ['refuse', 'incident-7']],
      ['refuses another user on its endpoint', {}, bob, ['refuse', 'incident-7']],
      ['refuses a certificate-only client', {}, certificateOnly, ['refuse', 'incident-7']],
      ['refuses a client without identity', {}, anonymous, ['refuse', 'incident-7']],
      ['admits on another endpoint', {}, onB, ['admit', undefined]],
      ['refuses on every endpoint with ["*"]', { endpoints: ['*'] }, onB, ['refuse', 'incident-7']],
      ['refuses the identities it selects', { usernames: ['ALICE'] }, alice, ['refuse', 'incident-7']],
      ['admits the identities it does not select', { usernames: ['alice'] }, bob, ['admit', undefined]],
      [
        'refuses a member of the groups it selects',
        { groups: ['contractors'] },
        attempt({ groups: ['Contractors'] }),
        ['refuse', 'incident-7'],
      ],
      [
        'admits a client whose groups are unknown when it selects only groups',
        { groups: ['contractors'] },
        alice,
        ['admit', undefined],
      ],
      ['only would refuse in observe mode', { mode: 'observe' }, alice, ['would-refuse', 'incident-7']],
      ['admits once expired', { expiresAt: '2026-11-26T10:49:00Z' }, alice, ['admit', undefined]],
      ['refuses until it expires', { expiresAt: '2026-11-26T10:50:00Z' }, alice, ['refuse', 'incident-7']],
      ['admits when disabled', { enabled: false }, alice, ['admit', undefined]],
    ])('%s', (_case, overrides, who, expected) => {
      // Act
      const admission = admit([row.lockdown(overrides)], { who });

      // Assert
      expect(outcome(admission)).toEqual(expected);
    });

    it('says which endpoint is locked down and shows the row message', () => {
      const admission = admit([row.lockdown({ message: 'The VPN is closed for maintenance until 14:00.' })]);

      expect(admission).toMatchObject({
        verdict: 'refuse',
        reason: `endpoint ${ENDPOINT_A} is locked down (policy incident-7)`,
        message: 'The VPN is closed for maintenance until 14:00.',
        fired: [{ policyId: 'incident-7', kind: 'lockdown', mode: 'enforce' }],
      });
    });

    it('admits an exempt identity and records the lockdown it overrode', () => {
      // Act
      const admission = admit([row.lockdown(), row.exempt()]);

      // Assert
      expect(admission).toMatchObject({
        verdict: 'admit',
        exemptedBy: 'on-call',
        decidingRow: { policyId: 'incident-7', kind: 'lockdown' },
        reason: `user alice is exempt (policy on-call): admitted; would have been refused: endpoint ${ENDPOINT_A} is locked down (policy incident-7)`,
      });
      expect(admission.message).toBeUndefined();
    });

    it('does not exempt a client whose groups are unknown by a row naming only groups', () => {
      const exemptResponders = present(row.exempt({ usernames: undefined, groups: ['responders'] }));

      expect(outcome(admit([row.lockdown(), exemptResponders]))).toEqual(['refuse', 'incident-7']);
      expect(admit([row.lockdown(), exemptResponders], { who: attempt({ groups: ['responders'] }) })).toMatchObject({
        verdict: 'admit',
        exemptedBy: 'on-call',
        reason: expect.stringMatching(/^a member of group responders is exempt \(policy on-call\): admitted;/),
      });
    });
  });

  describe('revoked-user', () => {
    it.each<[string, Attributes, ConnectionAttempt, string]>([
      ['refuses the named user', {}, alice, 'refuse'],
      ['refuses the named user in another case, with spaces', {}, attempt({ username: ' ALICE ' }), 'refuse'],
      ['admits another user', {}, bob, 'admit'],
      ['admits a name containing the named one', {}, attempt({ username: 'malice' }), 'admit'],
      ['refuses the named certificate', { usernames: undefined, commonNames: ['laptop-7'] }, certificateOnly, 'refuse'],
      [
        'refuses a member of the named group',
        { usernames: undefined, groups: ['contractors'] },
        attempt({ username: 'bob', groups: ['staff', 'contractors'] }),
        'refuse',
      ],
      [
        'admits a client whose groups are unknown, by a row naming only groups',
        { usernames: undefined, groups: ['contractors'] },
        bob,
        'admit',
      ],
      ['refuses the named user of a row naming groups too, whatever the groups', { groups: ['x'] }, alice, 'refuse'],
      ['refuses on the endpoints it lists', { endpoints: [ENDPOINT_A] }, alice, 'refuse'],
      ['admits on the endpoints it does not list', { endpoints: [ENDPOINT_B] }, alice, 'admit'],
      ['only would refuse in observe mode', { mode: 'observe' }, alice, 'would-refuse'],
    ])('%s', (_case, overrides, who, verdict) => {
      expect(admit([present(row.revokedUser(overrides))], { who }).verdict).toBe(verdict);
    });

    it('says who is revoked and shows the neutral message when the row has none', () => {
      expect(admit([row.revokedUser()])).toMatchObject({
        verdict: 'refuse',
        reason: 'user alice is revoked (policy offboarded-2026-11)',
        message: DEFAULT_REFUSAL_MESSAGE,
      });
    });
  });

  describe('off-hours', () => {
    it.each<[string, Attributes, Date, ConnectionAttempt, string]>([
      ['admits within the allowed window', {}, NOW, alice, 'admit'],
      ['refuses outside every allowed window', {}, EVENING, alice, 'refuse'],
      ['admits outside the window an identity it does not select', { usernames: ['bob'] }, EVENING, alice, 'admit'],
      [
        'refuses outside the window a member of the groups it selects',
        { groups: ['contractors'] },
        EVENING,
        attempt({ groups: ['contractors'] }),
        'refuse',
      ],
      [
        'admits a client whose groups are unknown when it selects only groups',
        { groups: ['x'] },
        EVENING,
        alice,
        'admit',
      ],
      ['only would refuse in observe mode', { mode: 'observe' }, EVENING, alice, 'would-refuse'],
    ])('%s', (_case, overrides, now, who, verdict) => {
      expect(admit([row.offHours(overrides)], { who, now }).verdict).toBe(verdict);
    });

    it('reads the wall clock of the row, as a run does, and says so', () => {
      expect(admit([row.offHours({ message: 'Office hours only: 08:00–18:00.' })], { now: EVENING })).toMatchObject({
        reason: 'outside allowed hours mon–fri 08:00–18:00 Europe/Berlin: now Thu 19:30 (policy office-hours)',
        message: 'Office hours only: 08:00–18:00.',
      });
    });
  });

  describe('max-connections', () => {
    it.each<[string, Attributes, ConnectionAttempt, number | undefined, string]>([
      ['admits the first connection', {}, alice, 0, 'admit'],
      ['admits a connection that reaches the limit', {}, alice, 1, 'admit'],
      ['refuses a connection that would exceed the limit', {}, alice, 2, 'refuse'],
      ['refuses when the identity already holds more than the limit', {}, alice, 5, 'refuse'],
      ['refuses a second connection under a limit of one', { maxConnections: 1 }, alice, 1, 'refuse'],
      ['admits when the count is unknown', {}, alice, undefined, 'admit'],
      ['refuses by common name when there is no user name', {}, certificateOnly, 2, 'refuse'],
      ['admits a client without identity, which is never counted', {}, anonymous, 7, 'admit'],
      ['admits an identity it does not select', { usernames: ['bob'] }, alice, 9, 'admit'],
      ['only would refuse in observe mode', { mode: 'observe' }, alice, 2, 'would-refuse'],
    ])('%s', (_case, overrides, who, known, verdict) => {
      expect(admit([row.maxConnections(overrides)], { who, known }).verdict).toBe(verdict);
    });

    it('records the count it judged by, and the reason with the numbers', () => {
      // Act
      const refused = admit([row.maxConnections()], { known: 2 });
      const admitted = admit([row.maxConnections({ maxConnections: 3 })], { known: 1 });

      // Assert
      expect(refused).toMatchObject({
        reason: 'user alice already holds 2 connections, limit 2: a new one is refused (policy two-sessions)',
        counted: [{ policyId: 'two-sessions', held: 2, maxConnections: 2 }],
        notes: [],
      });
      expect(admitted.counted).toEqual([{ policyId: 'two-sessions', held: 1, maxConnections: 3 }]);
    });

    it('says in notes that an unknown count was left to the next run', () => {
      const admission = admit([row.maxConnections()], { known: undefined });

      expect(admission).toMatchObject({
        verdict: 'admit',
        fired: [],
        counted: [{ policyId: 'two-sessions', held: undefined, maxConnections: 2 }],
        notes: ['max-connections count unknown: not refused by it, left to the next run (policy two-sessions)'],
      });
    });

    it('says in notes that a client without identity was not counted', () => {
      expect(admit([row.maxConnections()], { who: anonymous, known: 3 })).toMatchObject({
        counted: [],
        notes: ['max-connections: the attempt has neither user name nor common name to count by (policy two-sessions)'],
      });
    });
  });

  describe('idle and max-session', () => {
    it.each<[string, Attributes]>([
      ['idle', row.idle({ idleMinutes: 1 })],
      ['max-session', row.maxSession({ maxSessionMinutes: 1 })],
    ])('%s rows judge sessions, so they never fire on an attempt', (_kind, item) => {
      expect(admit([item], { known: 99 })).toMatchObject({ verdict: 'admit', fired: [], counted: [], notes: [] });
    });
  });

  describe('exempt', () => {
    it.each<[string, Attributes[], Date, number]>([
      ['a revoked user', [row.revokedUser()], NOW, 0],
      ['off hours', [row.offHours()], EVENING, 0],
      ['too many connections', [row.maxConnections()], NOW, 4],
      ['a lockdown and a revoked user at once', [row.lockdown(), row.revokedUser()], NOW, 0],
    ])('admits the exempt identity despite %s', (_case, items, now, known) => {
      expect(admit([...items, row.exempt()], { known, now })).toMatchObject({
        verdict: 'admit',
        exemptedBy: 'on-call',
      });
    });

    it.each([
      ['expired', { expiresAt: '2026-11-26T10:49:00Z' }],
      ['disabled', { enabled: false }],
      ['scoped to another endpoint', { endpoints: [ENDPOINT_B] }],
    ])('does not apply when %s', (_case, overrides) => {
      expect(admit([row.revokedUser(), row.exempt(overrides)]).verdict).toBe('refuse');
    });

    it('records no exemption when no rule fired', () => {
      const admission = admit([row.exempt()]);

      expect(admission).toMatchObject({ verdict: 'admit', fired: [] });
      expect(admission.exemptedBy).toBeUndefined();
    });

    it('names the first exempt row by policy id when several cover the attempt', () => {
      const items = [row.revokedUser(), row.exempt({ policyId: 'z-vip' }), row.exempt({ policyId: 'a-vip' })];

      expect(admit(items).exemptedBy).toBe('a-vip');
    });
  });

  describe('precedence, as in a run', () => {
    it('lists every rule that fired, strongest first, the first enforcing one deciding', () => {
      // Arrange
      const items = [
        row.offHours({ mode: 'observe' }),
        row.maxConnections({ maxConnections: 1 }),
        row.revokedUser(),
        row.lockdown({ mode: 'observe' }),
        row.idle(),
      ];

      // Act
      const admission = admit(items, { known: 1, now: EVENING });

      // Assert
      expect(admission.fired.map((firing) => [firing.kind, firing.mode])).toEqual([
        ['lockdown', 'observe'],
        ['revoked-user', 'enforce'],
        ['max-connections', 'enforce'],
        ['off-hours', 'observe'],
      ]);
      expect(outcome(admission)).toEqual(['refuse', 'offboarded-2026-11']);
    });

    it.each<[string, Attributes[], string, string]>([
      ['lockdown over revoked-user', [row.revokedUser(), row.lockdown()], 'incident-7', 'refuse'],
      ['revoked-user over max-connections', [row.maxConnections(), row.revokedUser()], 'offboarded-2026-11', 'refuse'],
      ['max-connections over off-hours', [row.offHours(), row.maxConnections()], 'two-sessions', 'refuse'],
      [
        'the strongest observing rule when none enforces',
        [row.offHours({ mode: 'observe' }), row.revokedUser({ mode: 'observe' })],
        'offboarded-2026-11',
        'would-refuse',
      ],
      [
        'the smaller policy id between two rows of one kind',
        [row.revokedUser({ policyId: 'b-gone' }), row.revokedUser({ policyId: 'a-gone' })],
        'a-gone',
        'refuse',
      ],
    ])('prefers %s', (_case, items, policyId, verdict) => {
      expect(outcome(admit(items, { known: 2, now: EVENING }))).toEqual([verdict, policyId]);
    });

    it("shows the deciding row's message, not a stronger observing row's", () => {
      const items = [
        row.lockdown({ mode: 'observe', message: 'Locked down.' }),
        row.revokedUser({ message: 'Your access has ended.' }),
      ];

      expect(admit(items).message).toBe('Your access has ended.');
    });
  });

  describe('observe mode and the dry run', () => {
    it('never refuses under the dry run, and says what would have been refused', () => {
      // Act
      const admission = admit([row.revokedUser({ message: 'Your access has ended.' })], { dryRun: true });

      // Assert
      expect(admission).toMatchObject({
        verdict: 'would-refuse',
        decidingRow: { policyId: 'offboarded-2026-11', mode: 'enforce' },
        reason: 'user alice is revoked (policy offboarded-2026-11); dry run: admitted',
        message: 'Your access has ended.',
      });
    });

    it('says observe mode when the deciding row only observes', () => {
      expect(admit([row.lockdown({ mode: 'observe' })]).reason).toBe(
        `endpoint ${ENDPOINT_A} is locked down (policy incident-7); observe mode: admitted`,
      );
    });
  });

  describe('the answer', () => {
    it('admits when no rule applies, saying so with the identity and endpoint', () => {
      expect(admit([row.revokedUser({ usernames: ['bob'] })])).toEqual({
        attempt: alice,
        verdict: 'admit',
        fired: [],
        reason: `no policy in force refuses user alice on endpoint ${ENDPOINT_A}`,
        counted: [],
        notes: [],
      });
    });

    it('gives the same answer whatever the order of the rows', () => {
      const items = [row.offHours(), row.maxConnections(), row.revokedUser(), row.lockdown({ mode: 'observe' })];

      expect(admit([...items].reverse(), { known: 3, now: EVENING })).toEqual(admit(items, { known: 3, now: EVENING }));
    });

    it.each<[string, Date, number | undefined]>([
      ['an invalid date for now', new Date(Number.NaN), 0],
      ['a negative count', NOW, -1],
      ['a fractional count', NOW, 1.5],
      ['a count that is not a number', NOW, Number.NaN],
    ])('refuses %s, which is a caller bug and not a row problem', (_case, now, known) => {
      expect(() => decideAdmission([], alice, known, now)).toThrow(DomainError);
    });
  });
});
