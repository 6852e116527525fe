import { describe, expect, it } from '@jest/globals';
import { EnforcerConfigError, EnforcerError, EnforcerEventError } from '../../lambda/errors.js';

describe('EnforcerConfigError', () => {
  it('lists every variable at fault in its message, and keeps the cause', () => {
    // Arrange
    const cause = new Error('underlying');

    // Act
    const error = new EnforcerConfigError(
      [
        { variable: 'CVPN_GUARD_A', message: 'CVPN_GUARD_A is required' },
        { variable: 'CVPN_GUARD_B', message: 'CVPN_GUARD_B="x": expected y' },
      ],
      { cause },
    );

    // Assert
    expect(error.message).toBe(
      'cvpn-guard configuration is invalid: CVPN_GUARD_A is required; CVPN_GUARD_B="x": expected y',
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual(['CVPN_GUARD_A', 'CVPN_GUARD_B']);
    expect(error).toBeInstanceOf(EnforcerError);
    expect(error.name).toBe('EnforcerConfigError');
    expect(error.cause).toBe(cause);
  });
});

describe('EnforcerEventError', () => {
  it('is an EnforcerError with its own name, and keeps the cause', () => {
    const cause = new Error('schema');

    const error = new EnforcerEventError('not a tick', { cause });

    expect(error).toBeInstanceOf(EnforcerError);
    expect(error.name).toBe('EnforcerEventError');
    expect(error.cause).toBe(cause);
  });
});
