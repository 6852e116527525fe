import { describe, expect, it } from '@jest/globals';
import { csvField, renderCsv } from '../../../../cli/output/index.js';

describe('renderCsv', () => {
  it('writes a header and CRLF-terminated rows, quoting commas, quotes and line breaks', () => {
    // Arrange
    const columns = [
      { header: 'user', value: (row: { user: string; reason: string }) => row.user },
      { header: 'reason', value: (row: { user: string; reason: string }) => row.reason },
    ];

    // Act
    const text = renderCsv(columns, [{ user: 'alice', reason: 'idle 47 min, 0 bytes "since" 10:02\nUTC' }]);

    // Assert
    expect(text).toBe('user,reason\r\nalice,"idle 47 min, 0 bytes ""since"" 10:02\nUTC"\r\n');
  });
});

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+1', "'+1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-cmd', "'-cmd"],
  ])('defuses %s, which a spreadsheet would run as a formula', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves numbers, negative ones included, as numbers', () => {
    expect(csvField('-12')).toBe('-12');
    expect(csvField('42')).toBe('42');
  });
});
