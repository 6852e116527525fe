import { describe, expect, it } from '@jest/globals';
import { parsePolicyRow, type PolicyRow } from '../../../../lambda/domain/index.js';
import { scopeInWords } from '../../../../lambda/domain/report/scope-words.js';
import { ENDPOINT_A, ENDPOINT_B, row } from '../fixtures.js';

function valid(item: Record<string, unknown>): PolicyRow {
  const parsed = parsePolicyRow(item);
  if (!parsed.ok) throw parsed.error;
  return parsed.row;
}

describe('scopeInWords', () => {
  it('names endpoints, groups and accounts, in that order', () => {
    const idle = valid(row.idle({ endpoints: ['*'], groups: ['contractors'], accounts: ['222222222222'] }));
    expect(scopeInWords(idle)).toBe('endpoints *, groups contractors, accounts 222222222222');
  });

  it('says every identity when the row selects none', () => {
    const idle = valid(row.idle({ endpoints: [ENDPOINT_A, ENDPOINT_B], regions: ['eu-west-1'] }));
    expect(scopeInWords(idle)).toBe(`endpoints ${ENDPOINT_A} ${ENDPOINT_B}, every identity, regions eu-west-1`);
  });

  it('names user names and common names of a revoked-user row', () => {
    const revoked = valid(row.revokedUser({ usernames: ['alice', 'bob'], commonNames: ['laptop-7'] }));
    expect(scopeInWords(revoked)).toMatch(/usernames alice bob, common names laptop-7$/);
  });

  it('shows five values of a long list and how many more there are', () => {
    const usernames = Array.from({ length: 12 }, (_, index) => `user${index}`);
    expect(scopeInWords({ endpoints: ['*'], usernames })).toBe(
      'endpoints *, usernames user0 user1 user2 user3 user4 +7 more',
    );
  });

  it('reads a raw item: string sets as lists, and leaves out values that are not text', () => {
    expect(scopeInWords({ endpoints: new Set(['*']), groups: 42, usernames: new Set(['carol', 7]) })).toBe(
      'endpoints *, usernames carol',
    );
  });
});
