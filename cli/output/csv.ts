import { type Column, cellText } from './columns.js';

/** Cells a spreadsheet would run as a formula (user names come from VPN clients and are not trusted). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Rows as CSV (RFC 4180): a header line, CRLF line ends, fields quoted when they hold a comma, a quote
 * or a line break. A field that a spreadsheet would take for a formula is prefixed with `'`.
 */
export function renderCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const lines = [
    columns.map((column) => csvField(column.header)),
    ...rows.map((row) => columns.map((column) => csvField(cellText(column.value(row))))),
  ];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

/** One CSV field, quoted and defused as needed. */
export function csvField(text: string): string {
  const defused = FORMULA_START.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}
