export { type Column, cellText } from './columns.js';
export { renderCsv, csvField } from './csv.js';
export { renderJson } from './json.js';
export { OutputFormat, OUTPUT_FORMATS, requireFormat } from './format.js';
export { renderPairs, renderTable } from './table.js';
export { safeCell, safeText } from './sanitize.js';
