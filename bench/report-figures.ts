/**
 * The report benchmark's figures: what a period of the fleet holds (counted from the day plans, no record made),
 * what each pass of the report process measured, and the targets met or missed.
 */
import { Category, type DayPlan, planDay } from './report-day.js';
import type { ReportHeadline, ReportMeasurement } from './report-protocol.js';
import { summaryOf } from './report-records.js';
import type { ReportSpec } from './report-scenario.js';
import { fixed, type TargetCheck } from './report.js';

/** The report's 512 MB target: 30 days of a 100,000-connection fleet. */
export const REPORT_RSS_TARGET_MB = 512;

/** What a period holds, as the generator makes it. */
export interface PeriodVolumes {
  readonly days: number;
  readonly peakConnections: number;
  readonly records: number;
  readonly summaries: number;
  /** Records by category (bench/report-day.ts). */
  readonly byCategory: Readonly<Record<string, number>>;
  /** The figures the report must find, summed over its policies and its health. */
  readonly expected: Omit<ReportHeadline, 'policies' | 'invalidSpans' | 'connectionHours' | 'estimatedUsd'>;
}

/** Counts a period from its day plans; no record is made. */
export function periodVolumes(spec: ReportSpec): PeriodVolumes {
  const byCategory: Record<string, number> = {};
  let records = 0;
  let summaries = 0;
  let wouldEnd = 0;
  let partialRuns = 0;
  let canaryFailures = 0;
  const count = (plan: DayPlan) => {
    records += plan.records;
    summaries += plan.runs.length;
    for (const block of plan.blocks)
      for (const part of block.parts) {
        byCategory[part.category] = (byCategory[part.category] ?? 0) + part.count;
        // Every third record of an observe row's part is a first sighting (bench/report-records.ts).
        if (part.category === Category.WOULD_END) wouldEnd += Math.ceil(part.count / 3);
      }
    for (const run of plan.runs) {
      const summary = summaryOf(spec, plan, run);
      if (summary.status === 'partial') partialRuns += 1;
      if (summary.canary && !summary.canary.ok) canaryFailures += 1;
    }
  };
  for (let dayNumber = 0; dayNumber < spec.days; dayNumber += 1) count(planDay(spec, dayNumber));
  const of = (...categories: Category[]) => categories.reduce((sum, category) => sum + (byCategory[category] ?? 0), 0);
  return {
    days: spec.days,
    peakConnections: spec.placements.reduce((sum, placement) => sum + placement.peakConnections, 0),
    records,
    summaries,
    byCategory,
    expected: {
      ended: of(Category.IDLE_ENDED, Category.MAX_SESSION_ENDED, Category.OFF_HOURS_ENDED, Category.REVOKED_ENDED),
      refused: of(Category.REFUSED_REVOKED, Category.REFUSED_OFF_HOURS),
      wouldEnd,
      failed: of(Category.FAILED),
      deferred: of(Category.DEFERRED),
      runs: summaries,
      // One stretch of 40 minutes without a run of the last placement (bench/report-day.ts).
      gaps: 1,
      partialRuns,
      canaryFailures,
    },
  };
}

/** One pass of the report process, with what it was given. */
export interface ReportPass {
  readonly name: string;
  readonly source: string;
  readonly volumes: PeriodVolumes;
  readonly measurement: ReportMeasurement;
  /** Progress lines the process wrote on stderr, and the last of them. */
  readonly progressLines: number;
  readonly lastProgressLine?: string;
  /** For the DynamoDB pass: what writing the period took. */
  readonly written?: {
    readonly records: number;
    readonly summaries: number;
    readonly requests: number;
    readonly wallMs: number;
  };
}

const MB = 2 ** 20;

/** The figures of a pass in one line. */
export function passLine(pass: ReportPass): string {
  const { measurement: m } = pass;
  const files = m.files.map((file) => `${file.format} ${fixed(file.bytes / 1000, 0)} KB`).join(', ');
  return (
    `${pass.name}: read ${m.read.records.toLocaleString('en-US')} records and ${m.read.summaries.toLocaleString('en-US')} run summaries ` +
    `in ${m.read.pages.toLocaleString('en-US')} pages, ${fixed(m.readWallMs / 1000, 1)} s wall (${fixed(m.cpuMs / 1000, 1)} s CPU in all); ` +
    `peak RSS ${fixed(m.peakRssBytes / MB, 0)} MB (start ${fixed(m.startRssBytes / MB, 0)} MB, peak heap used ${fixed(m.sampledPeakHeapUsedBytes / MB, 0)} MB); ` +
    `${files}; ${pass.progressLines} progress lines on stderr`
  );
}

/** Does each headline figure of the report equal what was generated? The names of those that do not. */
export function headlineMismatches(pass: ReportPass): string[] {
  const found = pass.measurement.headline;
  return Object.entries(pass.volumes.expected)
    .filter(([name, expected]) => found[name as keyof ReportHeadline] !== expected)
    .map(([name, expected]) => `${name} ${found[name as keyof ReportHeadline]} (generated ${expected})`);
}

/** The report's targets, from the full pass, the short pass of the same fleet and the DynamoDB pass. */
export function checkReportTargets(passes: {
  full: ReportPass;
  short?: ReportPass;
  dynamodb?: ReportPass;
}): TargetCheck[] {
  const { full, short, dynamodb } = passes;
  const peak = (pass: ReportPass) => pass.measurement.peakRssBytes / MB;
  const readAll = (pass: ReportPass) =>
    pass.measurement.read.records === pass.volumes.records &&
    pass.measurement.read.summaries === pass.volumes.summaries;
  const mismatches = headlineMismatches(full);
  const checks: TargetCheck[] = [
    {
      target: `${full.volumes.days} days of a ${full.volumes.peakConnections.toLocaleString('en-US')}-connection fleet under ${REPORT_RSS_TARGET_MB} MB peak RSS`,
      met: peak(full) < REPORT_RSS_TARGET_MB,
      figure: `${fixed(peak(full), 0)} MB for ${full.measurement.read.records.toLocaleString('en-US')} records`,
    },
    {
      target: 'every record and run summary of the period read, once',
      met: readAll(full),
      figure: `${full.measurement.read.records}/${full.volumes.records} records, ${full.measurement.read.summaries}/${full.volumes.summaries} summaries`,
    },
    {
      target: 'progress on stderr while reading (a line at least every 50 pages)',
      met: full.progressLines >= Math.floor(full.measurement.read.pages / 50),
      figure: `${full.progressLines} lines over ${full.measurement.read.pages} pages${full.lastProgressLine ? `; last: ${full.lastProgressLine}` : ''}`,
    },
    {
      target:
        "the report's totals equal the generated records' (ended, refused, would end, failed, deferred, runs, gaps, partial runs, canary failures)",
      met: mismatches.length === 0,
      figure: mismatches.length === 0 ? 'all equal' : mismatches.join('; '),
    },
  ];
  if (short)
    checks.push({
      target: `memory does not grow with the period (${short.volumes.days} day${short.volumes.days === 1 ? '' : 's'} against ${full.volumes.days} of the same fleet: within 1.5×)`,
      met: peak(full) <= 1.5 * peak(short),
      figure: `${fixed(peak(short), 0)} MB → ${fixed(peak(full), 0)} MB for ${fixed(full.volumes.records / Math.max(1, short.volumes.records), 1)}× the records`,
    });
  if (dynamodb)
    checks.push({
      target: `the sandbox DynamoDB pass (${dynamodb.volumes.days} day, ${dynamodb.volumes.peakConnections.toLocaleString('en-US')} connections) reads every item written, under ${REPORT_RSS_TARGET_MB} MB`,
      met: readAll(dynamodb) && peak(dynamodb) < REPORT_RSS_TARGET_MB,
      figure: `${dynamodb.measurement.read.records}/${dynamodb.volumes.records} records, ${dynamodb.measurement.read.summaries}/${dynamodb.volumes.summaries} summaries, peak RSS ${fixed(peak(dynamodb), 0)} MB`,
    });
  return checks;
}

/** The volumes of a period as a few lines: what the generator made and from what. */
export function volumeLines(spec: ReportSpec, volumes: PeriodVolumes): string {
  const category = (name: Category) => (volumes.byCategory[name] ?? 0).toLocaleString('en-US');
  return [
    `  ${volumes.records.toLocaleString('en-US')} audit records and ${volumes.summaries.toLocaleString('en-US')} run summaries over ${spec.days} day${spec.days === 1 ? '' : 's'}:`,
    `  ended ${volumes.expected.ended.toLocaleString('en-US')} (idle ${category(Category.IDLE_ENDED)}, max-session ${category(Category.MAX_SESSION_ENDED)}, ` +
      `off-hours ${category(Category.OFF_HOURS_ENDED)}, revoked ${category(Category.REVOKED_ENDED)}), failed ${category(Category.FAILED)}, ` +
      `deferred ${category(Category.DEFERRED)}, capped ${category(Category.CAPPED)};`,
    `  observe-row would-terminate ${category(Category.WOULD_END)} (${volumes.expected.wouldEnd.toLocaleString('en-US')} first sightings), ` +
      `exempted ${category(Category.EXEMPTED)}, invalid-row findings ${(
        (volumes.byCategory[Category.INVALID_TYPO] ?? 0) + (volumes.byCategory[Category.INVALID_BROKEN] ?? 0)
      ).toLocaleString('en-US')};`,
    `  connection attempts recorded ${(
      [
        Category.ADMITTED,
        Category.WOULD_REFUSE,
        Category.FAIL_OPEN,
        Category.REFUSED_OFF_HOURS,
        Category.REFUSED_REVOKED,
      ] as Category[]
    )
      .reduce((sum, name) => sum + (volumes.byCategory[name] ?? 0), 0)
      .toLocaleString(
        'en-US',
      )} (admitted ${category(Category.ADMITTED)}, would-refuse ${category(Category.WOULD_REFUSE)}, ` +
      `refused ${volumes.expected.refused.toLocaleString('en-US')}, fail-open ${category(Category.FAIL_OPEN)})`,
  ].join('\n');
}
