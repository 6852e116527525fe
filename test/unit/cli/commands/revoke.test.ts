import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { durationOption, identityList } from '../../../../cli/commands/revoke.js';

describe('revoke --timeout', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    [' 1h30m ', 5_400_000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(durationOption(text)).toBe(ms);
  });

  it.each(['soon', '', '0s', '-5m'])('refuses %p as bad usage, with what it takes', (text) => {
    expect(() => durationOption(text)).toThrow(new InvalidArgumentError('expected a duration such as 90s, 10m or 1h.'));
  });
});

describe('revoke --common-names', () => {
  it('splits on commas and adds up repeated flags', () => {
    expect(identityList('a.corp,b.corp', undefined)).toEqual(['a.corp', 'b.corp']);
    expect(identityList('c.corp', ['a.corp'])).toEqual(['a.corp', 'c.corp']);
  });

  it('keeps a blank entry, so that it is refused by name rather than dropped', () => {
    expect(identityList('a.corp,,', undefined)).toEqual(['a.corp', '', '']);
  });
});
