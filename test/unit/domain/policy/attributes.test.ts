import { describe, expect, it } from '@jest/globals';
import { parsePolicyRow, type PolicyRow } from '../../../../lambda/domain/index.js';
import { row } from '../fixtures.js';

type Attributes = Record<string, unknown>;

/** A raw row without the attributes an override set to undefined. */
function present(item: Attributes): Attributes {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

describe('policy row attributes', () => {
  describe('groups', () => {
    it.each<[string, Attributes]>([
      ['revoked-user', row.revokedUser({ groups: ['contractors'] })],
      ['idle', row.idle({ groups: ['contractors'] })],
      ['max-session', row.maxSession({ groups: ['contractors'] })],
      ['off-hours', row.offHours({ groups: ['contractors'] })],
      ['max-connections', row.maxConnections({ groups: ['contractors'] })],
      ['exempt', row.exempt({ groups: ['contractors'] })],
    ])('is accepted on %s rows', (_kind, item) => {
      // Act
      const result = parsePolicyRow(item);

      // Assert
      expect(result.ok && result.row.groups).toEqual(['contractors']);
    });

    it.each<[string, Attributes]>([
      ['revoked-user', row.revokedUser({ usernames: undefined, groups: ['contractors'] })],
      ['exempt', row.exempt({ usernames: undefined, groups: new Set(['sre']) })],
    ])('names identities on its own: %s rows naming only groups are valid', (_kind, item) => {
      const result = parsePolicyRow(present(item));

      expect(result.ok).toBe(true);
    });

    it.each<[string, Attributes, string, string]>([
      ['a wildcard group', row.idle({ groups: ['*'] }), 'groups.0', 'omit usernames, commonNames and groups'],
      ['a padded wildcard group', row.revokedUser({ groups: [' * '] }), 'groups.0', 'must name each identity'],
      ['a blank group', row.maxSession({ groups: ['ops', ' '] }), 'groups.1', 'a group that is not blank'],
      ['an empty list of groups on idle', row.idle({ groups: [] }), 'groups', 'a list of 1 to 1000 groups'],
      ['a group that is not text', row.offHours({ groups: [7] }), 'groups.0', 'a list of 1 to 1000 groups'],
      [
        'a revoked-user row whose only selector is an empty list of groups',
        present(row.revokedUser({ usernames: undefined, groups: [] })),
        'usernames',
        'at least one identity in usernames, commonNames or groups',
      ],
    ])('refuses %s, naming the field', (_case, item, field, expected) => {
      // Act
      const result = parsePolicyRow(item);

      // Assert
      expect(result.ok).toBe(false);
      const issue = result.ok ? undefined : result.error.issues.find((candidate) => candidate.field === field);
      expect(issue?.expected).toContain(expected);
    });

    it('keeps the groups as written; matching folds them', () => {
      const result = parsePolicyRow(row.idle({ groups: [' Contractors '] }));

      expect(result.ok && (result.row as PolicyRow).groups).toEqual([' Contractors ']);
    });
  });

  describe('message', () => {
    it.each<[string, Attributes]>([
      ['revoked-user', row.revokedUser({ message: 'Your access has ended.' })],
      ['off-hours', row.offHours({ message: 'The VPN is open on working days, 08:00–18:00.' })],
      ['max-connections', row.maxConnections({ message: 'Disconnect another device first.' })],
    ])('is accepted on %s rows, the kinds that refuse a client when it connects', (_kind, item) => {
      const result = parsePolicyRow(item);

      expect(result.ok && 'message' in result.row && result.row.message).toBe(item.message);
    });

    it.each<[string, string]>([
      ['255 characters', 'm'.repeat(255)],
      ['accents, punctuation and emoji', 'Zugang nur werktags — bitte später erneut versuchen 🙂'],
      ['a text with a space inside', 'Contact  the service desk.'],
    ])('accepts %s', (_case, message) => {
      expect(parsePolicyRow(row.revokedUser({ message })).ok).toBe(true);
    });

    it.each<[string, unknown, string]>([
      ['256 characters', 'm'.repeat(256), 'at most 255 characters'],
      ['a blank text', '   ', 'not blank'],
      ['an empty text', '', 'not blank'],
      ['a line break', 'Access refused.\nCall the desk.', 'without control characters'],
      ['a carriage return', 'Access refused.\r', 'without control characters'],
      ['a tab', 'Access\trefused', 'without control characters'],
      ['a NUL', 'Access refused\u0000', 'without control characters'],
      ['a C1 control character', 'Access refused\u0085', 'without control characters'],
      ['a line separator', 'Access\u2028refused', 'line breaks'],
      ['a right-to-left override', 'Access \u202Edesufer', 'bidirectional overrides'],
      ['a number', 42, 'one line of text'],
      ['a list', ['Access refused'], 'one line of text'],
    ])('refuses %s, naming the field and what it accepts', (_case, message, expected) => {
      // Act
      const result = parsePolicyRow(row.revokedUser({ message }));

      // Assert
      expect(result.ok).toBe(false);
      const issue = result.ok ? undefined : result.error.issues.find((candidate) => candidate.field === 'message');
      expect(issue).toMatchObject({ value: message });
      expect(issue?.expected).toContain(expected);
    });

    it.each<[string, Attributes]>([
      ['idle', row.idle({ message: 'Idle.' })],
      ['max-session', row.maxSession({ message: 'Too long.' })],
      ['exempt', row.exempt({ message: 'Welcome.' })],
    ])('is refused as unknown on %s rows, which never refuse a client when it connects', (_kind, item) => {
      const result = parsePolicyRow(item);

      expect(result.ok ? [] : result.error.issues.map((issue) => issue.field)).toEqual(['message']);
    });
  });
});
