import type { EvidenceReport, PolicyEvidence } from '../../lambda/domain/report/types.js';
import type { Column } from '../output/columns.js';
import { renderCsv as csvOf } from '../output/csv.js';

/**
 * The evidence report as one CSV (RFC 4180) in long form: one row per figure, so every section fits one header
 * and a spreadsheet can pivot it. `section` says where the figure belongs (`report`, `policy`, `health`,
 * `runs-over-time`, `ended-and-refused`, `terminations`, `connections-seen`, `identities`, `cost`); `subject`
 * what it is about (a policy id, an endpoint, a kind, an identity, a Region); `bucket` the series point;
 * `from`/`to` a stretch; `metric` the model's field; `value` the number, `unit` its unit, `text` a text field.
 * The numbers are the model's, unrounded.
 */
export function renderCsv(report: EvidenceReport): string {
  return csvOf(COLUMNS, [
    ...reportRows(report),
    ...report.policies.flatMap(policyRows),
    ...healthRows(report),
    ...seriesRows(report),
    ...costRows(report),
  ]);
}

/** One figure of the report. */
interface CsvRow {
  readonly section: string;
  readonly subject?: string;
  readonly bucket?: string;
  readonly from?: string;
  readonly to?: string;
  readonly metric: string;
  readonly value?: number;
  readonly unit?: string;
  readonly text?: string;
}

/** The unit of each kind of figure. */
const Unit = {
  COUNT: 'count',
  SECONDS: 'seconds',
  MINUTES: 'minutes',
  HOURS: 'connection-hours',
  USD: 'usd',
  USD_PER_HOUR: 'usd-per-connection-hour',
} as const;

const COLUMNS: readonly Column<CsvRow>[] = (
  ['section', 'subject', 'bucket', 'from', 'to', 'metric', 'value', 'unit', 'text'] as const
).map((header) => ({ header, value: (row: CsvRow) => row[header] }));

function reportRows(report: EvidenceReport): CsvRow[] {
  const section = 'report';
  return [
    { section, metric: 'schemaVersion', value: report.schemaVersion, unit: Unit.COUNT },
    { section, metric: 'generatedAt', text: report.generatedAt },
    { section, metric: 'period', from: report.period.since, to: report.period.until },
    { section, metric: 'bucket', text: report.bucket },
    { section, metric: 'scope.accounts', text: report.scope.accounts.join(' ') },
    { section, metric: 'scope.regions', text: report.scope.regions.join(' ') },
    { section, metric: 'scope.policyIds', text: report.scope.policyIds.join(' ') },
    { section, metric: 'read.records', value: report.read.records, unit: Unit.COUNT },
    { section, metric: 'read.summaries', value: report.read.summaries, unit: Unit.COUNT },
    { section, metric: 'read.pages', value: report.read.pages, unit: Unit.COUNT },
  ];
}

function policyRows(policy: PolicyEvidence): CsvRow[] {
  const row = (metric: string, value: number, unit: string = Unit.COUNT): CsvRow => ({
    section: 'policy',
    subject: policy.policyId,
    metric,
    value,
    unit,
  });
  const text = (metric: string, value: string | undefined): CsvRow[] =>
    value === undefined ? [] : [{ section: 'policy', subject: policy.policyId, metric, text: value }];
  const distribution = (name: string, { count, median, p95, max }: PolicyEvidence['timeToEnforce'], unit: string) => [
    row(`${name}.count`, count),
    ...(median === undefined ? [] : [row(`${name}.median`, median, unit)]),
    ...(p95 === undefined ? [] : [row(`${name}.p95`, p95, unit)]),
    ...(max === undefined ? [] : [row(`${name}.max`, max, unit)]),
  ];
  const { revocation, exceptions } = policy;
  return [
    ...text('kind', policy.kind),
    ...text('mode', policy.mode),
    ...text('rule', policy.rule),
    ...text('scope', policy.scope),
    ...text('reason', policy.reason),
    ...text('rowExists', String(policy.rowExists)),
    row('ended', policy.ended),
    row('refused', policy.refused),
    row('wouldEnd', policy.wouldEnd),
    row('wouldRefuse', policy.wouldRefuse),
    row('exempted', policy.exempted),
    row('capped', policy.capped),
    ...distribution('timeToEnforce', policy.timeToEnforce, Unit.SECONDS),
    ...(policy.idleMinutesPastLimit
      ? distribution('idleMinutesPastLimit', policy.idleMinutesPastLimit, Unit.MINUTES)
      : []),
    ...(revocation
      ? [
          {
            section: 'policy',
            subject: policy.policyId,
            from: revocation.writtenAt,
            to: revocation.lastEndedAt,
            metric: 'revocation.seconds',
            value: revocation.seconds,
            unit: Unit.SECONDS,
          },
        ]
      : []),
    row('exceptions.failed', exceptions.failed),
    row('exceptions.cappedRuns', exceptions.cappedRuns),
    row('exceptions.deferred', exceptions.deferred),
    ...exceptions.invalid.flatMap((span) =>
      [
        { metric: 'exceptions.invalid.seconds', value: span.seconds, unit: Unit.SECONDS },
        { metric: 'exceptions.invalid.runs', value: span.runs, unit: Unit.COUNT },
      ].map((figure) => ({
        section: 'policy',
        subject: policy.policyId,
        from: span.firstSeenAt,
        to: span.lastSeenAt,
        text: span.message,
        ...figure,
      })),
    ),
  ];
}

function healthRows(report: EvidenceReport): CsvRow[] {
  const section = 'health';
  const h = report.health;
  const count = (metric: string, value: number, subject?: string): CsvRow => ({
    section,
    subject,
    metric,
    value,
    unit: Unit.COUNT,
  });
  return [
    count('runs.total', h.runs.total),
    count('runs.scheduled', h.runs.scheduled),
    count('runs.eventDriven', h.runs.eventDriven),
    count('runs.continuations', h.runs.continuations),
    count('runs.manual', h.runs.manual),
    ...h.gaps.map((gap) => ({
      section,
      subject: gap.placement,
      from: gap.from,
      to: gap.to,
      metric: 'gaps.seconds',
      value: gap.seconds,
      unit: Unit.SECONDS,
    })),
    count('partialRuns', h.partialRuns),
    ...h.endpointErrors.map((entry) => count('endpointErrors.runs', entry.runs, entry.endpointId)),
    count('throttledCalls', h.throttledCalls),
    count('terminateCalls', h.terminateCalls),
    ...h.failModeUses.flatMap((use) => [
      count('failModeUses.admitted', use.admitted, use.cause),
      count('failModeUses.refused', use.refused, use.cause),
    ]),
    count('canaryRuns', h.canaryRuns),
    count('canaryFailures', h.canaryFailures),
  ];
}

function seriesRows(report: EvidenceReport): CsvRow[] {
  const point = (section: string, bucket: string, metric: string, value: number, subject?: string): CsvRow => ({
    section,
    subject,
    bucket,
    metric,
    value,
    unit: Unit.COUNT,
  });
  const s = report.sessions;
  return [
    ...report.health.runsOverTime.flatMap((entry) =>
      (['scheduled', 'eventDriven', 'continuations', 'manual'] as const).map((trigger) =>
        point('runs-over-time', entry.bucket, trigger, entry[trigger]),
      ),
    ),
    ...s.endedAndRefusedOverTime.flatMap((entry) => [
      point('ended-and-refused', entry.bucket, 'ended', entry.ended),
      point('ended-and-refused', entry.bucket, 'refused', entry.refused),
    ]),
    ...s.terminationsOverTime.map((entry) => point('terminations', entry.bucket, 'ended', entry.ended, entry.kind)),
    ...s.connectionsSeen.map((entry) =>
      point('connections-seen', entry.bucket, 'connections', entry.connections, entry.endpointId),
    ),
    ...s.topIdentities.flatMap((entry) => [
      { section: 'identities', subject: entry.identity, metric: 'ended', value: entry.ended, unit: Unit.COUNT },
      { section: 'identities', subject: entry.identity, metric: 'refused', value: entry.refused, unit: Unit.COUNT },
    ]),
  ];
}

function costRows(report: EvidenceReport): CsvRow[] {
  const section = 'cost';
  const c = report.cost;
  return [
    ...c.connectionHours.flatMap((entry) => [
      { section, subject: entry.kind, metric: 'connectionHours.sessions', value: entry.sessions, unit: Unit.COUNT },
      { section, subject: entry.kind, metric: 'connectionHours', value: entry.connectionHours, unit: Unit.HOURS },
      { section, subject: entry.kind, metric: 'estimatedUsd', value: entry.estimatedUsd, unit: Unit.USD },
    ]),
    { section, metric: 'totalConnectionHours', value: c.totalConnectionHours, unit: Unit.HOURS },
    { section, metric: 'estimatedUsd', value: c.estimatedUsd, unit: Unit.USD },
    ...c.pricePerHour.map((price) => ({
      section,
      subject: price.region,
      metric: 'pricePerHour',
      value: price.usd,
      unit: Unit.USD_PER_HOUR,
    })),
    { section, metric: 'method', text: c.method },
  ];
}
