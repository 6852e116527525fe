import { describe, expect, it } from '@jest/globals';
import { renderJson } from '../../../../cli/output/index.js';

describe('renderJson', () => {
  it('prints pretty JSON that parses back, with sets as lists, maps as objects and bigints as strings', () => {
    // Act
    const text = renderJson({ names: new Set(['a', 'b']), byId: new Map([['x', 1]]), big: 2n ** 64n });

    // Assert
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ names: ['a', 'b'], byId: { x: 1 }, big: '18446744073709551616' });
  });
});
