import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EvidenceReport, ReportBucket } from '../../lambda/domain/report/types.js';
import { formatBucket } from './format-values.js';

/**
 * The report's charts: Vega-Lite specs with their data inline, compiled and drawn to SVG at report time with no
 * browser, no network and no script in the result. Every mark carries its datum as an `aria-label` (Vega's
 * default), so a reader of the SVG (or a test) can tell each point.
 */

/** One chart of the report: its SVG, or the sentence that stands for it when it has nothing to show. */
export interface Chart {
  /** Stable id (`runs-over-time`), for the HTML and for tests. */
  readonly id: string;
  readonly title: string;
  /** What the chart shows, in words: the SVG's `aria-label`. */
  readonly label: string;
  /** The inline SVG; absent when the series is empty. */
  readonly svg?: string;
  /** Said instead of an empty chart (`no runs in this period`). */
  readonly empty: string;
  /** How many data points (bars, points) the chart draws. */
  readonly points: number;
}

/** A system font stack: the SVG names no font that would have to be fetched. */
export const CHART_FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

const WIDTH = 640;
const HEIGHT = 220;

const CONFIG = {
  font: CHART_FONT,
  background: 'white',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' as const },
};

/** The run triggers as the chart names them, in stacking order. */
const TRIGGERS = [
  ['scheduled', 'scheduled'],
  ['eventDriven', 'event-driven'],
  ['continuations', 'continuation'],
  ['manual', 'manual'],
] as const;

/** Every chart of the report, in the order the HTML shows them. */
export async function reportCharts(report: EvidenceReport): Promise<readonly Chart[]> {
  return Promise.all([
    runsOverTime(report),
    endedAndRefused(report),
    terminationsOverTime(report),
    connectionsSeen(report),
    timeToEnforce(report),
    connectionHours(report),
  ]);
}

function runsOverTime(report: EvidenceReport): Promise<Chart> {
  const values = report.health.runsOverTime.flatMap((point) =>
    TRIGGERS.map(([field, trigger]) => ({
      bucket: formatBucket(point.bucket, report.bucket),
      trigger,
      runs: point[field],
    })),
  );
  return barChart({
    id: 'runs-over-time',
    title: 'Runs over time, by trigger',
    label: `Runs started per ${report.bucket}, stacked by what started them`,
    empty: 'No runs in this period.',
    values: values.filter((value) => value.runs > 0),
    x: bucketAxis(report.bucket),
    y: { field: 'runs', type: 'quantitative', title: 'runs' },
    color: { field: 'trigger', type: 'nominal', title: 'trigger', sort: TRIGGERS.map(([, trigger]) => trigger) },
  });
}

function endedAndRefused(report: EvidenceReport): Promise<Chart> {
  const values = report.sessions.endedAndRefusedOverTime.flatMap((point) => [
    { bucket: formatBucket(point.bucket, report.bucket), outcome: 'ended', sessions: point.ended },
    { bucket: formatBucket(point.bucket, report.bucket), outcome: 'refused', sessions: point.refused },
  ]);
  return barChart({
    id: 'ended-and-refused',
    title: 'Sessions ended and attempts refused',
    label: `Sessions ended and connection attempts refused per ${report.bucket}`,
    empty: 'No session was ended and no attempt refused in this period.',
    values: values.filter((value) => value.sessions > 0),
    x: bucketAxis(report.bucket),
    y: { field: 'sessions', type: 'quantitative', title: 'sessions or attempts' },
    color: { field: 'outcome', type: 'nominal', title: 'outcome' },
    xOffset: { field: 'outcome' },
  });
}

function terminationsOverTime(report: EvidenceReport): Promise<Chart> {
  const values = report.sessions.terminationsOverTime
    .filter((point) => point.ended > 0)
    .map((point) => ({ bucket: formatBucket(point.bucket, report.bucket), kind: point.kind, ended: point.ended }));
  return barChart({
    id: 'terminations-over-time',
    title: 'Terminations by kind over time',
    label: `Sessions ended per ${report.bucket}, stacked by the kind of row that ended them`,
    empty: 'No session was ended in this period.',
    values,
    x: bucketAxis(report.bucket),
    y: { field: 'ended', type: 'quantitative', title: 'sessions ended' },
    color: { field: 'kind', type: 'nominal', title: 'kind' },
  });
}

function connectionsSeen(report: EvidenceReport): Promise<Chart> {
  const values = report.sessions.connectionsSeen.map((point) => ({
    bucket: formatBucket(point.bucket, report.bucket),
    endpoint: point.endpointId,
    connections: point.connections,
  }));
  return draw(
    {
      id: 'connections-seen',
      title: 'Connections seen per endpoint',
      label: `The most connections any run saw on each endpoint, per ${report.bucket}`,
      empty: 'No run listed any connection in this period.',
      points: values.length,
    },
    {
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: bucketAxis(report.bucket),
        y: { field: 'connections', type: 'quantitative', title: 'connections' },
        color: { field: 'endpoint', type: 'nominal', title: 'endpoint' },
      },
    },
  );
}

function timeToEnforce(report: EvidenceReport): Promise<Chart> {
  const values = report.policies.flatMap((policy) => {
    const { median, p95, max } = policy.timeToEnforce;
    if (policy.timeToEnforce.count === 0 || median === undefined || p95 === undefined || max === undefined) return [];
    return [
      { policy: policy.policyId, statistic: 'median', seconds: median },
      { policy: policy.policyId, statistic: 'p95', seconds: p95 },
      { policy: policy.policyId, statistic: 'max', seconds: max },
    ];
  });
  return barChart({
    id: 'time-to-enforce',
    title: 'Time to enforce, per policy row',
    label: 'Seconds from each row’s condition becoming true to the session ending: median, p95 and max',
    empty: 'No termination in this period carries the time its condition became true.',
    values,
    horizontal: true,
    x: { field: 'policy', type: 'nominal', title: 'policy', sort: null },
    y: { field: 'seconds', type: 'quantitative', title: 'seconds' },
    color: { field: 'statistic', type: 'nominal', title: 'statistic', sort: ['median', 'p95', 'max'] },
    xOffset: { field: 'statistic', sort: ['median', 'p95', 'max'] },
  });
}

function connectionHours(report: EvidenceReport): Promise<Chart> {
  const values = report.cost.connectionHours
    .filter((entry) => entry.connectionHours > 0)
    .map((entry) => ({ kind: entry.kind, hours: entry.connectionHours, sessions: entry.sessions }));
  return barChart({
    id: 'connection-hours',
    title: 'Connection-hours ended early, by kind',
    label: 'Connection-hours ended early by idle, max-session and off-hours rows (an estimate)',
    empty: 'No connection-hours were ended early in this period.',
    values,
    horizontal: true,
    x: { field: 'kind', type: 'nominal', title: 'kind', sort: null },
    y: { field: 'hours', type: 'quantitative', title: 'connection-hours' },
    color: { field: 'kind', type: 'nominal', legend: null },
  });
}

/** The x axis of a series over time: the bucket labels, in the model's order. */
function bucketAxis(bucket: ReportBucket): Record<string, unknown> {
  return { field: 'bucket', type: 'ordinal', title: bucket === 'day' ? 'day (UTC)' : 'hour (UTC)', sort: null };
}

interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly label: string;
  readonly empty: string;
  readonly values: readonly Record<string, string | number>[];
  /** The category (`x`) runs down the side, the bars across. */
  readonly horizontal?: boolean;
  readonly x: Record<string, unknown>;
  readonly y: Record<string, unknown>;
  readonly color: Record<string, unknown>;
  /** Bars side by side within a category instead of stacked. */
  readonly xOffset?: Record<string, unknown>;
}

function barChart(chart: BarChart): Promise<Chart> {
  const [category, measure, offset] = chart.horizontal ? ['y', 'x', 'yOffset'] : ['x', 'y', 'xOffset'];
  const encoding: Record<string, unknown> = { [category]: chart.x, [measure]: chart.y, color: chart.color };
  if (chart.xOffset) encoding[offset] = chart.xOffset;
  return draw(
    { id: chart.id, title: chart.title, label: chart.label, empty: chart.empty, points: chart.values.length },
    { data: { values: chart.values }, mark: 'bar', encoding },
  );
}

type ChartHead = Omit<Chart, 'svg'>;

async function draw(head: ChartHead, spec: Record<string, unknown>): Promise<Chart> {
  if (head.points === 0) return head;
  const full = { width: WIDTH, height: HEIGHT, config: CONFIG, ...spec } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    return { ...head, svg: inlineSvg(await view.toSVG(), head.label) };
  } finally {
    view.finalize();
  }
}

/**
 * Vega's SVG as HTML5 inlines it: the namespace declarations go (the HTML parser puts `<svg>` in the SVG
 * namespace itself, and the report then holds no URL at all), and the root says what it shows.
 */
function inlineSvg(svg: string, label: string): string {
  return svg.replace(
    /^<svg\b[^>]*>/,
    (root) =>
      root.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '').slice(0, -1) +
      ` role="img" aria-label="${escapeAttribute(label)}">`,
  );
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
