import { describe, expect, it } from '@jest/globals';
import { needsConnectionCount } from '../../../../lambda/domain/index.js';
import { attempt, ENDPOINT_B, NOW, row, validRows } from '../fixtures.js';

describe('needsConnectionCount', () => {
  it('needs the count when a max-connections row in force holds the attempt in its scope', () => {
    expect(needsConnectionCount(validRows(row.maxConnections()), attempt(), NOW)).toBe(true);
  });

  it.each([
    ['no max-connections row', [row.revokedUser(), row.exempt()]],
    ['a max-connections row about someone else', [row.maxConnections({ usernames: ['bob'] })]],
    ['a max-connections row selecting groups the attempt is not in', [row.maxConnections({ groups: ['vendors'] })]],
    ['a max-connections row on another endpoint', [row.maxConnections({ endpoints: [ENDPOINT_B] })]],
    ['a disabled max-connections row', [row.maxConnections({ enabled: false })]],
    ['an expired max-connections row', [row.maxConnections({ expiresAt: '2026-11-26T10:00:00Z' })]],
  ])('does not need it with %s', (_, items) => {
    expect(needsConnectionCount(validRows(...items), attempt({ groups: ['staff'] }), NOW)).toBe(false);
  });

  it('needs it through the groups the attempt carries', () => {
    const rows = validRows(row.maxConnections({ groups: ['Vendors'] }));

    expect(needsConnectionCount(rows, attempt({ groups: ['vendors'] }), NOW)).toBe(true);
  });

  it('does not need it for an attempt with no identity to count by', () => {
    const rows = validRows(row.maxConnections());

    expect(needsConnectionCount(rows, attempt({ username: undefined, commonName: undefined }), NOW)).toBe(false);
  });
});
