import { describe, expect, it } from '@jest/globals';
import { renderPairs, renderTable } from '../../../../cli/output/index.js';

interface Row {
  readonly id: string;
  readonly count?: number;
  readonly reason: string;
}

const COLUMNS = [
  { header: 'ID', value: (row: Row) => row.id },
  { header: 'COUNT', value: (row: Row) => row.count },
  { header: 'REASON', value: (row: Row) => row.reason },
];

describe('renderTable', () => {
  it('pads every column but the last to its widest cell', () => {
    // Act
    const text = renderTable(COLUMNS, [
      { id: 'a', count: 10, reason: 'short' },
      { id: 'longer-id', reason: 'no count' },
    ]);

    // Assert
    expect(text).toBe(
      ['ID         COUNT  REASON', 'a          10     short', 'longer-id         no count', ''].join('\n'),
    );
  });

  it('keeps each row on one line and escapes control characters from outside (terminal escapes in user names)', () => {
    // Act
    const text = renderTable(COLUMNS, [{ id: 'evil\u001b[2J', reason: 'line\nbreak\u202e' }]);

    // Assert
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('evil\\u{1b}[2J');
    expect(text).toContain('line break\\u{202e}');
  });

  it('prints only the header when there are no rows', () => {
    expect(renderTable(COLUMNS, [])).toBe('ID  COUNT  REASON\n');
  });
});

describe('renderPairs', () => {
  it('aligns names and leaves out absent values', () => {
    expect(
      renderPairs([
        ['policyId', 'idle-30m'],
        ['kind', 'idle'],
        ['expiresAt', undefined],
        ['version', 3],
      ]),
    ).toBe('policyId  idle-30m\nkind      idle\nversion   3\n');
  });
});

describe('renderTable with column limits', () => {
  it('cuts a cell longer than its column allows with an ellipsis', () => {
    // Act
    const text = renderTable(
      [
        { header: 'ID', value: (row: Row) => row.id, maxWidth: 6 },
        { header: 'REASON', value: (row: Row) => row.reason },
      ],
      [{ id: 'a-very-long-id', reason: 'r' }],
    );

    // Assert
    expect(text).toBe(['ID      REASON', 'a-ver…  r', ''].join('\n'));
  });
});
