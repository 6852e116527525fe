import { describe, expect, it } from '@jest/globals';
import { policyWriteCondition, type StoredPolicy } from '../../../lambda/ports/index.js';

const stored = (version: number | undefined): StoredPolicy => ({
  policyId: 'idle-30m',
  item: { policyId: 'idle-30m', ...(version === undefined ? {} : { version }) },
  version,
});

describe('policyWriteCondition', () => {
  it('expects a row without a version read to be new', () => {
    // Act
    const condition = policyWriteCondition({ replace: false });

    // Assert
    expect(condition).toEqual({ expect: 'absent' });
  });

  it('lands an edit only on the version it was read at, whatever the table holds now', () => {
    // Act
    const condition = policyWriteCondition({ replace: false, current: stored(4), readVersion: 3 });

    // Assert
    expect(condition).toEqual({ expect: 'version', version: 3 });
  });

  it('lands a replace on the version the table holds now, whatever version was read', () => {
    // Act
    const condition = policyWriteCondition({ replace: true, current: stored(4), readVersion: 3 });

    // Assert
    expect(condition).toEqual({ expect: 'version', version: 4 });
  });

  it('lands a replace of a hand-written row on a row without a version', () => {
    // Act
    const condition = policyWriteCondition({ replace: true, current: stored(undefined) });

    // Assert
    expect(condition).toEqual({ expect: 'version', version: undefined });
  });

  it('expects a replace of a row the table does not hold to be new', () => {
    // Act
    const condition = policyWriteCondition({ replace: true, readVersion: 3 });

    // Assert
    expect(condition).toEqual({ expect: 'absent' });
  });
});
