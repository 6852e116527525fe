import { describe, expect, it } from '@jest/globals';
import { renderCsv } from '../../../../cli/report/render-csv.js';
import { renderHtml } from '../../../../cli/report/render-html.js';
import { renderJson } from '../../../../cli/report/render-json.js';
import {
  formatBucket,
  formatCount,
  formatDuration,
  formatHours,
  formatMinutes,
  formatPrice,
  formatTime,
  formatUsd,
} from '../../../../cli/report/format-values.js';
import { safeText } from '../../../../cli/output/sanitize.js';
import type { EvidenceReport } from '../../../../lambda/domain/report/types.js';
import { emptyReport, fullReport, invalidOnlyReport } from '../../../support/report-fixtures.js';
import { htmlSections, parseCsv } from './report-text.js';

/** One leaf of the model: where it is and what it holds. */
interface Leaf {
  readonly path: readonly (string | number)[];
  readonly value: number | string | boolean;
}

function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => leaves(inner, [...path, key]));
  }
  return [{ path, value: value as Leaf['value'] }];
}

/** The CSV section a leaf of the model belongs to. */
function csvSection(path: Leaf['path']): string {
  const [top, part] = path;
  if (top === 'policies') return 'policy';
  if (top === 'health') return part === 'runsOverTime' ? 'runs-over-time' : 'health';
  if (top === 'sessions') {
    const bySeries: Record<string, string> = {
      connectionsSeen: 'connections-seen',
      terminationsOverTime: 'terminations',
      endedAndRefusedOverTime: 'ended-and-refused',
      topIdentities: 'identities',
    };
    return bySeries[part as string]!;
  }
  if (top === 'cost') return 'cost';
  return 'report';
}

/** The HTML section a leaf of the model is printed in. */
function htmlSection(path: Leaf['path']): string {
  const [top, index] = path;
  if (top === 'policies') return `policy-${index}`;
  if (top === 'health' || top === 'sessions' || top === 'cost') return top;
  if (top === 'period' || top === 'scope') return 'headline';
  return 'footer';
}

/** How the HTML prints a number of the model, by what the number is. */
function htmlNumber(path: Leaf['path'], value: number): string {
  const key = String(path.at(-1));
  const parent = path.includes('idleMinutesPastLimit');
  if (key === 'count' || key === 'runs' || key === 'sessions') return formatCount(value);
  if (parent && ['median', 'p95', 'max'].includes(key)) return formatMinutes(value);
  if (['median', 'p95', 'max', 'seconds'].includes(key)) return formatDuration(value);
  if (key === 'connectionHours' || key === 'totalConnectionHours') return formatHours(value);
  if (key === 'estimatedUsd') return formatUsd(value);
  if (key === 'usd') return formatPrice(value);
  return formatCount(value);
}

const TIME_KEYS = [
  'generatedAt',
  'since',
  'until',
  'from',
  'to',
  'firstSeenAt',
  'lastSeenAt',
  'writtenAt',
  'lastEndedAt',
];

/** How the HTML prints a text of the model. */
function htmlText(report: EvidenceReport, path: Leaf['path'], value: string): string {
  const key = String(path.at(-1));
  if (key === 'bucket' && path.length > 1) return formatBucket(value, report.bucket);
  if (TIME_KEYS.includes(key)) return formatTime(value);
  return safeText(value);
}

function contains(text: string, figure: string): boolean {
  const escaped = figure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\d.,])${escaped}(?!\\d)`).test(text);
}

const FIXTURES: readonly [string, () => EvidenceReport][] = [
  ['a full report', fullReport],
  ['an empty period', emptyReport],
  ['a period with only invalid rows', invalidOnlyReport],
];

describe.each(FIXTURES)('the renderings of %s', (_name, makeReport) => {
  const report = makeReport();
  const numbers = leaves(report).filter((leaf): leaf is Leaf & { value: number } => typeof leaf.value === 'number');

  it('JSON is the model itself', () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });

  it('CSV carries every number of the model in its section, and no other number', () => {
    const rows = parseCsv(renderCsv(report));
    const [header, ...body] = rows;
    expect(header).toEqual(['section', 'subject', 'bucket', 'from', 'to', 'metric', 'value', 'unit', 'text']);
    const inCsv = body.filter((row) => row[6] !== '').map((row) => `${row[0]} ${Number(row[6])}`);
    const inModel = numbers.map((leaf) => `${csvSection(leaf.path)} ${leaf.value}`);
    expect(inCsv.sort()).toEqual(inModel.sort());
  });

  it('CSV carries every text of the model', () => {
    const cells = new Set(parseCsv(renderCsv(report)).flat());
    const words = new Set([...cells].flatMap((cell) => cell.split(' ')));
    const missing = leaves(report)
      .filter((leaf) => typeof leaf.value !== 'number')
      .filter((leaf) => !cells.has(String(leaf.value)) && !words.has(String(leaf.value)));
    expect(missing).toEqual([]);
  });

  it('HTML prints every number and text of the model in its section', async () => {
    const sections = htmlSections(await renderHtml(report));
    const printed = ({ path, value }: Leaf) => {
      if (typeof value === 'number') return htmlNumber(path, value);
      if (typeof value === 'boolean') return value ? 'in the policies table' : 'deleted';
      return htmlText(report, path, value);
    };
    const missing = leaves(report)
      .map((leaf) => ({ ...leaf, printed: printed(leaf) }))
      .filter((leaf) => !contains(sections.get(htmlSection(leaf.path)) ?? '', leaf.printed));
    expect(missing).toEqual([]);
  });
});
