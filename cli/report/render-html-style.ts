import { CHART_FONT } from './charts.js';

/** The report's only style sheet, inline: light, plain, and a page per section when printed. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a; font: 14px/1.45 ${CHART_FONT}; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 19px; border-bottom: 2px solid #1a1a1a; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
table.facts th { background: #f7f7f7; font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
section.policy { border: 1px solid #ccc; padding: 4px 14px 10px; margin: 14px 0; }
figure.chart { margin: 16px 0 4px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { max-width: 100%; height: auto; }
.empty { color: #555; font-style: italic; }
.notice { border: 2px solid #b26b00; padding: 6px 12px; margin: 12px 0; }
.badge { font-size: 12px; border: 1px solid #1a1a1a; padding: 1px 6px; vertical-align: middle; }
.method { max-width: 70ch; }
details.data summary { color: #333; cursor: pointer; }
footer { margin-top: 32px; color: #444; font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  section.major + section.major { break-before: page; }
  section.policy, figure.chart, table { break-inside: avoid; }
  thead th, table.facts th { background: none; }
}
`;
