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

describe('matchIdentity by groups', () => {
  const inGroups = (groups: readonly string[] | undefined) =>
    connection({ connectionId: 'cvpn-connection-1', username: 'alice', commonName: 'alice-laptop', groups });

  it.each<[string, readonly string[] | undefined, readonly string[], string | undefined]>([
    ['a listed group, exactly', ['engineering', 'contractors'], ['contractors'], 'contractors'],
    ['a listed group in another case, with spaces', [' CONTRACTORS '], ['Contractors'], ' CONTRACTORS '],
    ['the first of the client groups the row lists', ['ops', 'contractors'], ['contractors', 'ops'], 'ops'],
    ['no group when the client is in none of them', ['engineering'], ['contractors'], undefined],
    ['no group by substring or prefix', ['contractors-eu', 'sub-contractors'], ['contractors'], undefined],
    ['no group when the client is in no group at all', [], ['contractors'], undefined],
    ['no group when the client groups are unknown', undefined, ['contractors'], undefined],
    ['no blank group', ['  '], ['contractors'], undefined],
  ])('matches %s', (_case, groups, selected, matched) => {
    // Act
    const identity = matchIdentity({ groups: selected }, inGroups(groups));

    // Assert
    expect(identity).toEqual(matched === undefined ? undefined : { attribute: 'group', value: matched });
  });

  it('combines groups with user names and common names by "or", user name first', () => {
    const selectors = { usernames: ['bob'], commonNames: ['alice-laptop'], groups: ['contractors'] };

    expect(matchIdentity(selectors, inGroups(['contractors']))).toEqual({
      attribute: 'commonName',
      value: 'alice-laptop',
    });
    expect(matchIdentity({ usernames: ['alice'], groups: ['contractors'] }, inGroups(['contractors']))).toEqual({
      attribute: 'username',
      value: 'alice',
    });
    expect(matchIdentity({ usernames: ['bob'], groups: ['contractors'] }, inGroups(['contractors']))).toEqual({
      attribute: 'group',
      value: 'contractors',
    });
  });

  it('still matches by user name or common name when the groups are unknown', () => {
    expect(matchIdentity({ usernames: ['alice'], groups: ['contractors'] }, inGroups(undefined))).toEqual({
      attribute: 'username',
      value: 'alice',
    });
  });

  it('counts a groups selector as a selector: a row selecting by groups alone is not a row for everyone', () => {
    expect(inIdentityScope({ groups: ['contractors'] }, inGroups(undefined), true)).toBe(false);
    expect(inIdentityScope({ groups: ['contractors'] }, inGroups(['engineering']), true)).toBe(false);
    expect(inIdentityScope({ groups: ['contractors'] }, inGroups(['contractors']), false)).toBe(true);
  });
});
