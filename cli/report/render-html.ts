import type { EvidenceReport } from '../../lambda/domain/report/types.js';
import { reportCharts, type Chart } from './charts.js';
import { escapeHtml, facts, paragraph, table } from './format-html.js';
import {
  formatBucket,
  formatCount,
  formatDuration,
  formatHours,
  formatPrice,
  formatTime,
  formatUsd,
} from './format-values.js';
import { policySection } from './render-html-policy.js';
import { REPORT_CSS } from './render-html-style.js';

/**
 * The evidence report as one self-contained HTML5 page: inline CSS, charts as inline SVG, no script and no
 * external resource, readable printed and with scripts off. It prints the model and only the model.
 */
export async function renderHtml(report: EvidenceReport): Promise<string> {
  const charts = new Map((await reportCharts(report)).map((chart) => [chart.id, chart]));
  const chart = (id: string) => figure(charts.get(id)!);
  const title = `cvpn-guard evidence report, ${formatTime(report.period.since)} to ${formatTime(report.period.until)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    headline(report, title),
    policies(report, chart),
    health(report, chart),
    sessions(report, chart),
    cost(report, chart),
    footer(report),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Nothing was read at all: no run and no record in the period and scope. */
function isEmpty(report: EvidenceReport): boolean {
  return report.health.runs.total === 0 && report.read.records === 0 && report.policies.length === 0;
}

function scopeWords(report: EvidenceReport): string {
  const list = (names: readonly string[], all: string) => (names.length === 0 ? all : names.join(', '));
  return [
    `accounts: ${list(report.scope.accounts, 'every account')}`,
    `Regions: ${list(report.scope.regions, 'every Region')}`,
    `policy rows: ${list(report.scope.policyIds, 'every row')}`,
  ].join('; ');
}

function headline(report: EvidenceReport, title: string): string {
  const sum = (pick: (policy: EvidenceReport['policies'][number]) => number) =>
    report.policies.reduce((total, policy) => total + pick(policy), 0);
  const exceptions = sum(
    (policy) =>
      policy.exceptions.failed +
      policy.exceptions.cappedRuns +
      policy.exceptions.deferred +
      policy.exceptions.invalid.length,
  );
  const medians = report.policies.filter((policy) => policy.timeToEnforce.median !== undefined);
  const parts = [
    `<section class="major" id="headline" aria-label="Headline">`,
    `<h1>${escapeHtml(title)}</h1>`,
    facts([
      ['Period', `${formatTime(report.period.since)} to ${formatTime(report.period.until)} (end excluded)`],
      ['Scope', scopeWords(report)],
      ['Sessions ended', formatCount(sum((policy) => policy.ended))],
      ['Connection attempts refused', formatCount(sum((policy) => policy.refused))],
      [
        'Median time to enforce',
        medians.length === 0
          ? 'not measured'
          : medians.map((policy) => `${policy.policyId}: ${formatDuration(policy.timeToEnforce.median!)}`).join('; '),
      ],
      ['Estimated cost saved', `${formatUsd(report.cost.estimatedUsd)} (estimate: see Cost)`],
      ['Exceptions', `${formatCount(exceptions)} (failed terminations, capped runs, deferred work, invalid stretches)`],
    ]),
  ];
  if (isEmpty(report)) {
    parts.push(
      `<div class="notice" role="note">`,
      paragraph('Nothing happened in this period: no run summary and no audit record was found for it in this scope.'),
      paragraph(
        'This can be because cvpn-guard did not run (check its schedule, and run `cvpn-guard doctor`), because ' +
          'the scope names no account, Region or policy row it runs for, or because the period lies before it was ' +
          'deployed or beyond the audit table’s retention.',
      ),
      '</div>',
    );
  } else if (report.policies.every((policy) => policy.ended + policy.refused + policy.wouldEnd === 0)) {
    parts.push(paragraph('No policy row ended, refused or would have ended any session in this period.', 'notice'));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function policies(report: EvidenceReport, chart: (id: string) => string): string {
  const body =
    report.policies.length === 0
      ? paragraph('No policy row has a record in this period.', 'empty')
      : report.policies.map(policySection).join('\n');
  return [
    `<section class="major" id="policies" aria-label="Control evidence">`,
    '<h2>Control evidence, per policy row</h2>',
    chart('time-to-enforce'),
    body,
    '</section>',
  ].join('\n');
}

function health(report: EvidenceReport, chart: (id: string) => string): string {
  const { runs, gaps, endpointErrors, failModeUses } = report.health;
  const h = report.health;
  return [
    `<section class="major" id="health" aria-label="Health">`,
    '<h2>Health</h2>',
    table(
      ['Runs', 'Scheduled', 'Event-driven', 'Continuations', 'Manual'],
      [[runs.total, runs.scheduled, runs.eventDriven, runs.continuations, runs.manual].map(formatCount)],
      [0, 1, 2, 3, 4],
    ),
    chart('runs-over-time'),
    data(
      table(
        [report.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)', 'Scheduled', 'Event-driven', 'Continuations', 'Manual'],
        h.runsOverTime.map((point) => [
          formatBucket(point.bucket, report.bucket),
          ...[point.scheduled, point.eventDriven, point.continuations, point.manual].map(formatCount),
        ]),
        [1, 2, 3, 4],
      ),
    ),
    '<h3>Gaps with no run</h3>',
    gaps.length === 0
      ? paragraph('No gap: runs came at their usual interval.', 'empty')
      : table(
          ['Placement', 'From (last run before)', 'To (first run after)', 'No run for'],
          gaps.map((gap) => [gap.placement, formatTime(gap.from), formatTime(gap.to), formatDuration(gap.seconds)]),
          [3],
        ),
    '<h3>Errors and limits</h3>',
    facts([
      ['Partial runs (some endpoints not read)', formatCount(h.partialRuns)],
      ['Throttled calls', `${formatCount(h.throttledCalls)} of ${formatCount(h.terminateCalls)} terminate calls`],
      ['Canary runs', `${formatCount(h.canaryRuns)}, of which failed: ${formatCount(h.canaryFailures)}`],
    ]),
    endpointErrors.length === 0
      ? paragraph('No endpoint error.', 'empty')
      : table(
          ['Endpoint', 'Runs with an error'],
          endpointErrors.map((entry) => [entry.endpointId, formatCount(entry.runs)]),
          [1],
        ),
    '<h3>The gate’s fail mode</h3>',
    failModeUses.length === 0
      ? paragraph('The gate never answered in fail mode.', 'empty')
      : table(
          ['Cause', 'Admitted', 'Refused'],
          failModeUses.map((use) => [use.cause, formatCount(use.admitted), formatCount(use.refused)]),
          [1, 2],
        ),
    '</section>',
  ].join('\n');
}

function sessions(report: EvidenceReport, chart: (id: string) => string): string {
  const s = report.sessions;
  const when = report.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)';
  const bucket = (iso: string) => formatBucket(iso, report.bucket);
  return [
    `<section class="major" id="sessions" aria-label="Sessions">`,
    '<h2>Sessions</h2>',
    chart('ended-and-refused'),
    data(
      table(
        [when, 'Ended', 'Refused'],
        s.endedAndRefusedOverTime.map((point) => [
          bucket(point.bucket),
          formatCount(point.ended),
          formatCount(point.refused),
        ]),
        [1, 2],
      ),
    ),
    chart('terminations-over-time'),
    data(
      table(
        [when, 'Kind', 'Ended'],
        s.terminationsOverTime.map((point) => [bucket(point.bucket), point.kind, formatCount(point.ended)]),
        [2],
      ),
    ),
    chart('connections-seen'),
    data(
      table(
        [when, 'Endpoint', 'Connections'],
        s.connectionsSeen.map((point) => [bucket(point.bucket), point.endpointId, formatCount(point.connections)]),
        [2],
      ),
    ),
    '<h3>Identities most often ended or refused</h3>',
    s.topIdentities.length === 0
      ? paragraph('No identity was ended or refused.', 'empty')
      : table(
          ['Identity', 'Ended', 'Refused'],
          s.topIdentities.map((entry) => [entry.identity, formatCount(entry.ended), formatCount(entry.refused)]),
          [1, 2],
        ),
    '</section>',
  ].join('\n');
}

function cost(report: EvidenceReport, chart: (id: string) => string): string {
  const c = report.cost;
  return [
    `<section class="major" id="cost" aria-label="Cost">`,
    '<h2>Cost <span class="badge">Estimate</span></h2>',
    facts([
      ['Connection-hours ended early', formatHours(c.totalConnectionHours)],
      ['Estimated cost saved', formatUsd(c.estimatedUsd)],
    ]),
    chart('connection-hours'),
    c.connectionHours.length === 0
      ? ''
      : table(
          ['Kind', 'Sessions ended', 'Connection-hours', 'Estimated USD'],
          c.connectionHours.map((entry) => [
            entry.kind,
            formatCount(entry.sessions),
            formatHours(entry.connectionHours),
            formatUsd(entry.estimatedUsd),
          ]),
          [1, 2, 3],
        ),
    c.pricePerHour.length === 0
      ? ''
      : table(
          ['Region', 'Price'],
          c.pricePerHour.map((price) => [price.region, formatPrice(price.usd)]),
          [1],
        ),
    '<h3>How it is computed</h3>',
    paragraph(c.method, 'method'),
    '</section>',
  ].join('\n');
}

function footer(report: EvidenceReport): string {
  return [
    '<footer>',
    paragraph(
      `Generated ${formatTime(report.generatedAt)} from ${formatCount(report.read.records)} audit records and ` +
        `${formatCount(report.read.summaries)} run summaries, read in ${formatCount(report.read.pages)} pages ` +
        `(report model version ${report.schemaVersion}). Series use one point per ${report.bucket} (UTC).`,
    ),
    '</footer>',
  ].join('\n');
}

/** A chart, or the sentence that stands for it. */
function figure(chart: Chart): string {
  const body = chart.svg ?? paragraph(chart.empty, 'empty');
  return [
    `<figure class="chart" id="chart-${chart.id}" data-points="${chart.points}">`,
    `<figcaption>${escapeHtml(chart.title)}</figcaption>`,
    body,
    '</figure>',
  ].join('\n');
}

/** A series' numbers under its chart, folded away on screen. */
function data(tableHtml: string): string {
  return `<details class="data"><summary>The numbers</summary>\n${tableHtml}\n</details>`;
}
