import { describe, expect, it } from '@jest/globals';
import {
  NO_POLICY_ID,
  parsePolicyRow,
  PolicyValidationError,
  type PolicyRow,
} from '../../../../lambda/domain/index.js';
import { ENDPOINT_A, ENDPOINT_B, row } from '../fixtures.js';

function parsed(item: unknown): PolicyRow {
  const result = parsePolicyRow(item);
  if (!result.ok) throw new Error(`expected a valid row, got: ${result.error.message}`);
  return result.row;
}

function rejected(item: unknown): PolicyValidationError {
  const result = parsePolicyRow(item);
  if (result.ok) throw new Error(`expected an invalid row, got ${JSON.stringify(result.row)}`);
  return result.error;
}

describe('parsePolicyRow', () => {
  describe('valid rows', () => {
    it.each([
      ['revoked-user', row.revokedUser()],
      ['idle', row.idle()],
      ['max-session', row.maxSession()],
      ['off-hours', row.offHours()],
      ['max-connections', row.maxConnections()],
      ['lockdown', row.lockdown()],
      ['exempt', row.exempt()],
    ])('parses a %s row', (kind, item) => {
      // Act
      const result = parsed(item);

      // Assert
      expect(result.kind).toBe(kind);
      expect(result.policyId).toBe(item.policyId);
    });

    it('applies the defaults: enabled true, minBytes 0', () => {
      const result = parsed(row.idle());

      expect(result).toMatchObject({ enabled: true, minBytes: 0 });
    });

    it('defaults the endpoints of an exempt row to every endpoint and accepts it without a mode', () => {
      const result = parsed(row.exempt());

      expect(result).toMatchObject({ kind: 'exempt', endpoints: ['*'] });
      expect(result.mode).toBeUndefined();
    });

    it('reads string sets as lists wherever a list is accepted', () => {
      const item = row.revokedUser({
        usernames: new Set(['alice', 'bob']),
        endpoints: new Set([ENDPOINT_A, ENDPOINT_B]),
      });

      const result = parsed(item);

      expect(result.usernames).toEqual(['alice', 'bob']);
      expect(result.endpoints).toEqual([ENDPOINT_A, ENDPOINT_B]);
    });

    it('keeps every optional common attribute', () => {
      const item = row.idle({
        enabled: false,
        expiresAt: '2026-12-31T23:59:59+01:00',
        maxTerminations: 0,
        updatedBy: 'ops@example.com',
        updatedAt: '2026-11-20T09:00:00.123Z',
        version: 7,
        usernames: ['alice'],
        commonNames: ['laptop-7'],
        minBytes: 4096,
      });

      const result = parsed(item);

      expect(result).toMatchObject({
        enabled: false,
        maxTerminations: 0,
        version: 7,
        minBytes: 4096,
        commonNames: ['laptop-7'],
      });
    });

    it('accepts an off-hours window that crosses midnight and the UTC zone', () => {
      const result = parsed(row.offHours({ start: '22:00', end: '06:00', timezone: 'UTC', days: ['fri'] }));

      expect(result).toMatchObject({ start: '22:00', end: '06:00', timezone: 'UTC' });
    });

    it('gives the same row when a parsed row is parsed again', () => {
      const first = parsed(row.exempt({ commonNames: new Set(['laptop-7']) }));

      const second = parsed(first);

      expect(second).toEqual(first);
    });
  });

  describe('invalid rows name the row, the field, the value and what is accepted', () => {
    it.each<[string, unknown, string, unknown, string]>([
      [
        'a number written as text',
        row.idle({ idleMinutes: '30' }),
        'idleMinutes',
        '30',
        'a whole number from 1 to 10080 (DynamoDB type N)',
      ],
      ['a fractional number', row.idle({ idleMinutes: 1.5 }), 'idleMinutes', 1.5, 'whole number'],
      ['a number out of range', row.idle({ idleMinutes: 10_081 }), 'idleMinutes', 10_081, 'from 1 to 10080'],
      ['a negative minBytes', row.idle({ minBytes: -1 }), 'minBytes', -1, 'whole number ≥ 0'],
      ['a bigint', row.maxSession({ maxSessionMinutes: 30n }), 'maxSessionMinutes', 30n, 'from 1 to 525600'],
      ['a session limit of zero', row.maxSession({ maxSessionMinutes: 0 }), 'maxSessionMinutes', 0, 'from 1 to 525600'],
      ['a max of zero connections', row.maxConnections({ maxConnections: 0 }), 'maxConnections', 0, 'whole number ≥ 1'],
      ['enabled as text', row.idle({ enabled: 'true' }), 'enabled', 'true', 'true or false'],
      ['an unknown mode', row.idle({ mode: 'ENFORCE' }), 'mode', 'ENFORCE', '"enforce" or "observe"'],
      [
        'an endpoint id of the wrong shape',
        row.idle({ endpoints: ['cvpn-endpoint-XYZ'] }),
        'endpoints.0',
        'cvpn-endpoint-XYZ',
        'endpoint ids',
      ],
      [
        'the wildcard next to ids',
        row.idle({ endpoints: ['*', ENDPOINT_A] }),
        'endpoints',
        ['*', ENDPOINT_A],
        'either ["*"] alone',
      ],
      ['no endpoints', row.idle({ endpoints: [] }), 'endpoints', [], 'a list of 1 to 1000'],
      ['a blank user name', row.idle({ usernames: ['alice', '  '] }), 'usernames.1', '  ', 'not blank'],
      ['a wildcard user name', row.idle({ usernames: ['*'] }), 'usernames.0', '*', 'omit usernames'],
      ['a wildcard revoked user', row.revokedUser({ usernames: ['*'] }), 'usernames.0', '*', 'must name each identity'],
      [
        'a wildcard exempt certificate',
        row.exempt({ usernames: undefined, commonNames: ['*'] }),
        'commonNames.0',
        '*',
        'must name each identity',
      ],
      ['an empty selector on idle', row.idle({ commonNames: [] }), 'commonNames', [], 'a list of 1 to 1000'],
      ['an empty revoked-user selector', row.revokedUser({ usernames: [] }), 'usernames', [], 'never matches everyone'],
      [
        'an empty exempt selector',
        row.exempt({ usernames: new Set() }),
        'usernames',
        new Set(),
        'never matches everyone',
      ],
      ['a day twice', row.offHours({ days: ['mon', 'mon'] }), 'days', ['mon', 'mon'], 'each day at most once'],
      ['an unknown day', row.offHours({ days: ['monday'] }), 'days.0', 'monday', 'distinct days among "mon"'],
      ['no days', row.offHours({ days: [] }), 'days', [], 'a non-empty list'],
      ['a time past 23:59', row.offHours({ start: '24:00' }), 'start', '24:00', '"HH:MM" from "00:00" to "23:59"'],
      ['a time without a leading zero', row.offHours({ end: '6:00' }), 'end', '6:00', '"HH:MM"'],
      [
        'an empty window',
        row.offHours({ start: '09:00', end: '09:00' }),
        'end',
        '09:00',
        'a time other than start 09:00',
      ],
      [
        'an unknown time zone',
        row.offHours({ timezone: 'Europe/Atlantis' }),
        'timezone',
        'Europe/Atlantis',
        'IANA time zone',
      ],
      [
        'an expiry without a zone',
        row.idle({ expiresAt: '2026-12-31T23:59:59' }),
        'expiresAt',
        '2026-12-31T23:59:59',
        'ISO 8601',
      ],
      [
        'an impossible date',
        row.idle({ expiresAt: '2026-02-30T00:00:00Z' }),
        'expiresAt',
        '2026-02-30T00:00:00Z',
        'ISO 8601',
      ],
      ['a negative cap', row.idle({ maxTerminations: -1 }), 'maxTerminations', -1, 'whole number ≥ 0'],
      ['a blank reason', row.idle({ reason: ' ' }), 'reason', ' ', 'not blank'],
      ['a negative version', row.idle({ version: -1 }), 'version', -1, 'whole number ≥ 0'],
      ['a policy id with a space', row.idle({ policyId: 'idle 30' }), 'policyId', 'idle 30', 'letters, digits'],
      ['a policy id too long', row.idle({ policyId: 'p'.repeat(129) }), 'policyId', 'p'.repeat(129), '1 to 128'],
      ['an unknown kind', row.idle({ kind: 'sleepy' }), 'kind', 'sleepy', 'one of "revoked-user", "idle"'],
      ['a typo in an attribute', row.idle({ idleMinute: 30 }), 'idleMinute', 30, 'did you mean idleMinutes?'],
      [
        'an attribute of another kind',
        row.maxSession({ idleMinutes: 30 }),
        'idleMinutes',
        30,
        'attributes of a max-session row',
      ],
    ])('refuses %s', (_case, item, field, value, expected) => {
      // Act
      const error = rejected(item);

      // Assert
      const issue = error.issues.find((candidate) => candidate.field === field);
      expect(issue).toBeDefined();
      expect(issue?.value).toEqual(value);
      expect(issue?.expected).toContain(expected);
      expect(error.message).toContain(`${field}: expected`);
    });

    it.each([
      ['reason', row.idle({ reason: undefined })],
      ['mode', row.maxSession({ mode: undefined })],
      ['endpoints', row.offHours({ endpoints: undefined })],
      ['idleMinutes', row.idle({ idleMinutes: undefined })],
      ['endpoints', row.lockdown({ endpoints: undefined })],
      ['mode', row.lockdown({ mode: undefined })],
      ['usernames', row.revokedUser({ usernames: undefined })],
      ['kind', row.idle({ kind: undefined })],
    ])('names the missing attribute %s', (field, item) => {
      const present = Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));

      const error = rejected(present);

      expect(error.issues.find((issue) => issue.field === field)).toBeDefined();
      expect(error.message).toMatch(new RegExp(`${field}: expected [^;]*the attribute is missing`));
    });

    it('says that a number must be written as a DynamoDB number, showing the string found', () => {
      const error = rejected(row.idle({ idleMinutes: '30' }));

      expect(error.message).toBe(
        'policy row "idle-30" is invalid and matches nothing: idleMinutes: expected a whole number from 1 to 10080 (DynamoDB type N), got the string "30"',
      );
      expect(error).toBeInstanceOf(PolicyValidationError);
      expect(error.policyId).toBe('idle-30');
    });

    it('lists the attributes an unknown attribute could have been', () => {
      const error = rejected(row.idle({ idleMinute: 30 }));

      const issue = error.issues.find((candidate) => candidate.field === 'idleMinute');
      expect(issue?.expected).toContain(
        'policyId, kind, enabled, mode, endpoints, usernames, commonNames, groups, idleMinutes, minBytes, accounts, regions, expiresAt',
      );
    });

    it('refuses an attribute named __proto__ instead of losing it', () => {
      const item: unknown = JSON.parse(
        '{"policyId":"p","kind":"exempt","reason":"r","usernames":["a"],"__proto__":{"enabled":false}}',
      );

      const error = rejected(item);

      expect(error.issues.map((issue) => issue.field)).toEqual(['__proto__']);
    });

    it('reports every attribute at fault, one issue each', () => {
      const error = rejected(row.offHours({ days: ['mon', 'mon'], timezone: 'Nowhere/Else', colour: 'red' }));

      expect(error.issues.map((issue) => issue.field).sort()).toEqual(['colour', 'days', 'timezone']);
    });

    it('names a row without a usable policyId as such', () => {
      const error = rejected({ kind: 'idle' });

      expect(error.policyId).toBe(NO_POLICY_ID);
      expect(error.message).toContain('"(no policyId)"');
    });
  });

  describe('never throws', () => {
    const cyclic: Record<string, unknown> = { policyId: 'cyclic', kind: 'idle' };
    cyclic.self = cyclic;
    const cyclicList: unknown[] = [];
    cyclicList.push(cyclicList);
    const throwingGetter = Object.defineProperty({ policyId: 'getter' }, 'kind', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );

    it.each<[string, unknown]>([
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a bigint', 42n],
      ['a string', 'idle'],
      ['a list', [row.idle()]],
      ['a set', new Set([row.idle()])],
      ['a map', new Map([['policyId', 'x']])],
      ['a date', new Date(0)],
      ['a function', () => row.idle()],
      ['a cyclic row', cyclic],
      ['a cyclic list in an attribute', row.idle({ usernames: cyclicList })],
      ['a bigint in a list', row.idle({ usernames: [1n] })],
      ['a symbol', row.idle({ reason: Symbol('why') })],
      ['a throwing getter', throwingGetter],
      ['a proxy whose keys throw', proxy],
      ['a huge list', row.idle({ usernames: Array.from({ length: 100_000 }, (_, index) => index) })],
      [
        'a huge set',
        row.revokedUser({ usernames: new Set(Array.from({ length: 5_000 }, (_, index) => `user-${index}`)) }),
      ],
      ['odd unicode', row.idle({ policyId: '\u{1F600}\uD800', usernames: ['\u0000', '\uFFFF\u202E'] })],
      [
        'a class instance',
        new (class Row {
          policyId = 'x';
        })(),
      ],
    ])('on %s', (_case, item) => {
      // Act
      const result = parsePolicyRow(item);

      // Assert
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(PolicyValidationError);
        expect(result.error.issues.length).toBeGreaterThan(0);
        expect(result.error.message.length).toBeLessThan(4_000);
      }
    });

    it('refuses more than 1000 user names, naming the list', () => {
      const error = rejected(
        row.revokedUser({ usernames: Array.from({ length: 1001 }, (_, index) => `user-${index}`) }),
      );

      expect(error.issues[0]).toMatchObject({ field: 'usernames', expected: expect.stringContaining('up to 1000') });
      expect(error.message).toContain('got a list of 1001');
    });
  });
});
