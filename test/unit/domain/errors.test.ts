import { describe, expect, it } from '@jest/globals';
import { DomainError, PolicyValidationError } from '../../../lambda/domain/index.js';

describe('PolicyValidationError', () => {
  it('names the row, each field, the value found and what is accepted', () => {
    // Act
    const error = new PolicyValidationError('idle-30', [
      { field: 'idleMinutes', value: '30', expected: 'a whole number' },
      { field: 'reason', expected: 'a text' },
    ]);

    // Assert
    expect(error.message).toBe(
      'policy row "idle-30" is invalid and matches nothing: idleMinutes: expected a whole number, got the string "30"; reason: expected a text, the attribute is missing',
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('PolicyValidationError');
  });

  it('builds its message from any value: bigint, sets, cyclic objects, huge text', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    const error = new PolicyValidationError('p', [
      { field: 'a', value: 10n, expected: 'x' },
      { field: 'b', value: new Set(['s']), expected: 'x' },
      { field: 'c', value: cyclic, expected: 'x' },
      { field: 'd', value: 'z'.repeat(100_000), expected: 'x' },
    ]);

    expect(error.message).toContain('got the bigint 10n');
    expect(error.message).toContain('got a set of 1: {"s"}');
    expect(error.message).toContain('(cycle)');
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('spells out ten issues and counts the rest', () => {
    const issues = Array.from({ length: 25 }, (_, index) => ({ field: `f${index}`, value: index, expected: 'x' }));

    const error = new PolicyValidationError('p', issues);

    expect(error.message).toContain('f9: expected x');
    expect(error.message).not.toContain('f10:');
    expect(error.message).toContain('and 15 more issues');
    expect(error.issues).toHaveLength(25);
  });

  it('passes its cause through', () => {
    const cause = new Error('root');

    expect(new PolicyValidationError('p', [], { cause }).cause).toBe(cause);
  });
});
