/** Reading the renderings back in tests: a CSV parser and the HTML's text per section. */

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += character;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The text a reader sees (no markup, no SVG, entities decoded). */
export function htmlText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \n]+/g, ' ');
}

/**
 * The text of each part of the report page, by id: `headline`, `policy-<n>` (one per row, by its place in the
 * model), `health`, `sessions`, `cost` and `footer`.
 */
export function htmlSections(html: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of html.matchAll(/<section class="(?:major|policy)" id="([^"]+)"/g)) {
    const start = match.index;
    const end = match[1]!.startsWith('policy-')
      ? html.indexOf('</section>', start)
      : nextMajor(html, start + match[0].length);
    sections.set(match[1]!, htmlText(html.slice(start, end)));
  }
  const footer = html.indexOf('<footer>');
  sections.set('footer', htmlText(html.slice(footer, html.indexOf('</footer>', footer))));
  return sections;
}

function nextMajor(html: string, from: number): number {
  const next = [html.indexOf('<section class="major"', from), html.indexOf('<footer>', from)].filter((at) => at >= 0);
  return Math.min(...next);
}
