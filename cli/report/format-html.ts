import { safeText } from '../output/sanitize.js';

/**
 * The few HTML pieces the report is built from. Every text goes through {@link escapeHtml}: user names and
 * reasons come from VPN clients and policy rows, and must never become markup.
 */

/** Text as HTML: markup characters as entities, and control characters and bidirectional overrides made visible. */
export function escapeHtml(text: string): string {
  return safeText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A cell: text to be escaped, or markup already built (`{ html }`). */
export type Cell = string | { readonly html: string };

function cellHtml(cell: Cell): string {
  return typeof cell === 'string' ? escapeHtml(cell) : cell.html;
}

/** A table with a header row; a number column (`numeric`) is right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], numeric: readonly number[] = []) {
  const align = (index: number) => (numeric.includes(index) ? ' class="num"' : '');
  const head = headers.map((header, index) => `<th scope="col"${align(index)}>${escapeHtml(header)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell, index) => `<td${align(index)}>${cellHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A table of names and values, one pair a row (the row's header is the name). */
export function facts(pairs: readonly (readonly [string, Cell])[]): string {
  const rows = pairs.map(
    ([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${cellHtml(value)}</td></tr>`,
  );
  return `<table class="facts">\n${rows.join('\n')}\n</table>`;
}

/** A paragraph of text. */
export function paragraph(text: string, className?: string): string {
  return `<p${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</p>`;
}
