import { describe, expect, it } from '@jest/globals';
import { describeValue, formatDuration, formatInstant } from '../../../../lambda/domain/index.js';
import { formatDays } from '../../../../lambda/domain/format/format-days.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 min'],
    [47, '47 min'],
    [60, '1 h'],
    [480, '8 h'],
    [552, '9 h 12 min'],
    [1440, '1 d'],
    [1505, '1 d 1 h 5 min'],
    [-5, '0 min'],
  ])('shows %d minutes as %s', (minutes, expected) => {
    expect(formatDuration(minutes)).toBe(expected);
  });
});

describe('formatInstant', () => {
  it('shows UTC to the minute', () => {
    expect(formatInstant(new Date('2026-11-26T10:02:59.999Z'))).toBe('2026-11-26T10:02Z');
  });

  it('never throws on an invalid date', () => {
    expect(formatInstant(new Date(Number.NaN))).toBe('an unknown time');
  });
});

describe('formatDays', () => {
  it.each<[string[], string]>([
    [['mon', 'tue', 'wed', 'thu', 'fri'], 'mon–fri'],
    [['fri', 'mon', 'wed'], 'mon, wed, fri'],
    [['sat', 'sun'], 'sat, sun'],
    [['mon', 'tue', 'wed', 'fri', 'sat', 'sun'], 'mon–wed, fri–sun'],
  ])('shows %j as %s', (days, expected) => {
    expect(formatDays(days as never)).toBe(expected);
  });
});

describe('describeValue', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;

  it.each<[string, unknown, string]>([
    ['a string', '30', 'the string "30"'],
    ['a number', 30, 'the number 30'],
    ['NaN', Number.NaN, 'the number NaN'],
    ['a boolean', true, 'the boolean true'],
    ['a bigint', 30n, 'the bigint 30n'],
    ['null', null, 'null'],
    ['a list', ['a', 1, null], 'a list of 3: ["a", 1, null]'],
    ['a set', new Set(['a', 'b']), 'a set of 2: {"a", "b"}'],
    ['a long list', [1, 2, 3, 4, 5, 6, 7], 'a list of 7: [1, 2, 3, 4, 5, …]'],
    ['a nested list', [[[1]]], 'a list of 1: [[[…]]]'],
    ['a cyclic object', cyclic, 'an object {"a": 1, "self": (cycle)}'],
    ['a symbol', Symbol('s'), 'the symbol Symbol(s)'],
    ['a map', new Map([[1, 2]]), 'a map of 1 entries'],
    ['a function', () => 1, 'a function'],
  ])('describes %s', (_case, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('cuts long values short, never inside a surrogate pair', () => {
    const described = describeValue('\u{1F600}'.repeat(200));

    expect(described.length).toBeLessThanOrEqual(120);
    expect(described.endsWith('…')).toBe(true);
    expect(described).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('never throws, even on a getter that throws', () => {
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });

    expect(describeValue(hostile)).toBe('a value that cannot be read');
  });
});
