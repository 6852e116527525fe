import { describe, expect, it } from '@jest/globals';
import { identityKey, inIdentityScope, matchIdentity, normalizeIdentity } from '../../../../lambda/domain/index.js';
import { connection } from '../fixtures.js';

describe('normalizeIdentity', () => {
  it.each([
    ['  Alice  ', 'alice'],
    ['ALICE@EXAMPLE.COM', 'alice@example.com'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['e\u0301mile', '\u00e9mile'],
    ['\tbob\n', 'bob'],
    ['İstanbul', 'i\u0307stanbul'],
  ])('folds %j to %j', (value, expected) => {
    expect(normalizeIdentity(value)).toBe(expected);
  });

  it.each([
    ['ΟΔΥΣΣΕΥΣ', 'Οδυσσευς', 'οδυσσευσ'],
    ['Straße', 'STRASSE', 'strasse'],
    ['ﬁle', 'FILE', 'file'],
  ])('folds %j, %j and %j alike', (...spellings) => {
    expect(new Set(spellings.map(normalizeIdentity)).size).toBe(1);
  });

  it('does not depend on the host locale', () => {
    // toLocaleLowerCase('tr') would give a dotless ı; normalizeIdentity never does.
    expect(normalizeIdentity('I')).toBe('i');
  });
});

describe('identityKey', () => {
  it.each<[string, { username?: string; commonName?: string }, string | undefined]>([
    ['the folded user name', { username: ' Bob ', commonName: 'laptop-7' }, 'bob'],
    ['the folded common name when the user name is blank', { username: '  ', commonName: 'Laptop-7' }, 'laptop-7'],
    ['the folded common name when there is no user name', { commonName: 'Laptop-7' }, 'laptop-7'],
    ['nothing without identity', {}, undefined],
    ['nothing when both are blank', { username: '', commonName: ' ' }, undefined],
  ])('is %s', (_case, identity, expected) => {
    expect(identityKey(connection({ connectionId: 'cvpn-connection-1', ...identity }))).toBe(expected);
  });
});

describe('matchIdentity', () => {
  const alice = connection({ connectionId: 'cvpn-connection-1', username: 'alice', commonName: 'alice-laptop' });

  it('matches by user name before common name, returning the value as the connection reported it', () => {
    expect(matchIdentity({ usernames: ['ALICE'], commonNames: ['alice-laptop'] }, alice)).toEqual({
      attribute: 'username',
      value: 'alice',
    });
    expect(matchIdentity({ commonNames: ['ALICE-LAPTOP'] }, alice)).toEqual({
      attribute: 'commonName',
      value: 'alice-laptop',
    });
  });

  it('never matches by substring, prefix or across attributes', () => {
    expect(matchIdentity({ usernames: ['ali', 'alice-laptop'], commonNames: ['alice'] }, alice)).toBeUndefined();
  });

  it('matches no one without selectors', () => {
    expect(matchIdentity({}, alice)).toBeUndefined();
    expect(matchIdentity({ usernames: [], commonNames: [] }, alice)).toBeUndefined();
  });
});

describe('inIdentityScope', () => {
  const alice = connection({ connectionId: 'cvpn-connection-1', username: 'alice' });

  it('lets the kind decide what no selector means', () => {
    expect(inIdentityScope({}, alice, true)).toBe(true);
    expect(inIdentityScope({}, alice, false)).toBe(false);
  });

  it('requires a match when the row has selectors, whatever the kind', () => {
    expect(inIdentityScope({ usernames: ['bob'] }, alice, true)).toBe(false);
    expect(inIdentityScope({ usernames: ['Alice'] }, alice, false)).toBe(true);
  });
});
