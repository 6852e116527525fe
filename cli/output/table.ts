import { type Column, cellText } from './columns.js';
import { safeCell } from './sanitize.js';

const GAP = '  ';

/**
 * Rows as a plain-text table: a header line, then one line per row, columns left-aligned and padded to
 * their widest cell (the last column is not padded, so long reasons do not push trailing spaces).
 * Cells are one line each, with control characters escaped, and cut with "…" to their column's `maxWidth`.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => fit(safeCell(cellText(column.value(row))), column.maxWidth)));
  const widths = columns.map((column, index) =>
    Math.max(width(column.header), ...cells.map((line) => width(line[index] ?? ''))),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) =>
        index === values.length - 1 ? value : value + ' '.repeat((widths[index] ?? 0) - width(value)),
      )
      .join(GAP)
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n';
}

/** Attribute/value pairs, one per line, names aligned: how one item is shown. */
export function renderPairs(
  pairs: readonly (readonly [string, string | number | boolean | undefined | null])[],
): string {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== null && value !== '');
  const nameWidth = Math.max(0, ...shown.map(([name]) => width(name)));
  return (
    shown
      .map(([name, value]) => `${name}${' '.repeat(nameWidth - width(name))}  ${safeCell(cellText(value))}`)
      .join('\n') + '\n'
  );
}

/** The text cut to `maxWidth` code points, its last one an ellipsis; as it is when it fits or there is no limit. */
function fit(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || width(text) <= maxWidth) return text;
  return `${[...text].slice(0, Math.max(0, maxWidth - 1)).join('')}…`;
}

/** Printed width of a text: code points (good enough for the ids, names and reasons shown here). */
function width(text: string): number {
  return [...text].length;
}
