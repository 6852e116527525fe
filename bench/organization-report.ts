/**
 * The organization benchmark's targets and its tables (console and Markdown): per spoke and in total, and the
 * fault pass side by side with the baseline. Pure: no I/O, no clock.
 */
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import {
  type FaultComparison,
  type OrganizationFigures,
  type SpokeComparison,
  type SpokeFigures,
  UNCHANGED_TIME_SHARE,
} from './organization-figures.js';
import { fixed, markdownTable, type TargetCheck } from './report.js';

/** The section's targets. */
export const ORGANIZATION_TARGETS = {
  /** Time to end every targeted connection, against the slowest spoke's own token-bucket bound. */
  ratioToSlowestBound: 1.2,
} as const;

/** The targets of the baseline pass and, when there was one, of the fault pass. */
export function checkOrganizationTargets(
  baseline: OrganizationFigures,
  comparison: FaultComparison | undefined,
): TargetCheck[] {
  const { totals } = baseline;
  const limit = ORGANIZATION_TARGETS.ratioToSlowestBound;
  const disagreeing = baseline.spokes.filter((spoke) => !spoke.auditAgrees).map((spoke) => spoke.spoke);
  const overOwnBound = baseline.spokes.filter(
    (spoke) => spoke.ratioToOwnBound !== undefined && spoke.ratioToOwnBound > limit,
  );
  const bounded = baseline.spokes.filter((spoke) => spoke.ratioToOwnBound !== undefined);
  const checks: TargetCheck[] = [
    {
      target: 'every targeted connection ended (EC2, every spoke)',
      met: totals.ended === totals.targeted,
      figure: `${totals.ended}/${totals.targeted} over ${baseline.spokes.length} spokes`,
    },
    {
      target: 'no other connection ended (EC2, every spoke)',
      met: totals.wronglyEnded === 0,
      figure: `${totals.wronglyEnded} ended wrongly of ${totals.connections - totals.targeted}`,
    },
    {
      target: "the hub's audit table records exactly the targeted connections terminated, per spoke",
      met: disagreeing.length === 0,
      figure:
        disagreeing.length === 0
          ? `${totals.auditTerminated} terminated decisions, every spoke agrees`
          : `${disagreeing.length} spokes disagree: ${disagreeing.join(', ')}`,
    },
    {
      target: `time to end them all ≤ ${limit}× the slowest spoke's own token-bucket bound`,
      met:
        baseline.slowestBoundSeconds > 0 ? baseline.timeToEndAllSeconds <= limit * baseline.slowestBoundSeconds : null,
      figure:
        baseline.slowestBoundSeconds > 0
          ? `${seconds(baseline.timeToEndAllSeconds)} against ${seconds(baseline.slowestBoundSeconds)} ` +
            `(${fixed(baseline.timeToEndAllSeconds / baseline.slowestBoundSeconds, 2)}×)`
          : `${seconds(baseline.timeToEndAllSeconds)}; every spoke's calls fit its burst (bound 0 s)`,
    },
    {
      target: "no DynamoDB throttle seen by a spoke (the hub's audit writes included)",
      met: baseline.dynamodbThrottles === 0,
      figure: `${baseline.dynamodbThrottles} throttled of ${baseline.dynamodbCalls} DynamoDB calls`,
    },
    {
      target: `each spoke ends its own within ${limit}× its own bound`,
      met: bounded.length > 0 ? overOwnBound.length === 0 : null,
      figure:
        bounded.length === 0
          ? "every spoke's calls fit its burst (bound 0 s)"
          : overOwnBound.length === 0
            ? `worst ${fixed(Math.max(...bounded.map((spoke) => spoke.ratioToOwnBound ?? 0)), 2)}×`
            : `${overOwnBound.length} of ${bounded.length} over: ${listed(
                [...overOwnBound]
                  .sort((left, right) => (right.ratioToOwnBound ?? 0) - (left.ratioToOwnBound ?? 0))
                  .map((spoke) => `${spoke.spoke} ${fixed(spoke.ratioToOwnBound ?? 0, 2)}×`),
              )}`,
    },
  ];
  if (comparison)
    checks.push({
      target: `one spoke made unreachable halfway changes no other spoke (ended, calls equal; time within ${UNCHANGED_TIME_SHARE * 100} %)`,
      met: comparison.unchanged === comparison.others.length,
      figure:
        `${comparison.unchanged}/${comparison.others.length} unchanged` +
        (comparison.unchanged === comparison.others.length
          ? ''
          : `; changed: ${listed(comparison.others.filter((other) => !other.unchanged).map((other) => other.spoke))}`),
    });
  return checks;
}

const SPOKE_COLUMNS: readonly Column<SpokeFigures>[] = [
  { header: 'spoke', value: (spoke) => spoke.spoke },
  { header: 'connections', value: (spoke) => spoke.connections },
  { header: 'targeted', value: (spoke) => spoke.targeted },
  { header: 'ended', value: (spoke) => spoke.ended },
  { header: 'wrongly ended', value: (spoke) => spoke.wronglyEnded },
  { header: 'audit terminated', value: (spoke) => `${spoke.auditTerminated}${spoke.auditAgrees ? '' : ' ≠'}` },
  { header: 'terminate calls (EC2 / run)', value: (spoke) => `${spoke.terminateCalls} / ${spoke.runTerminateCalls}` },
  { header: 'own bound s', value: (spoke) => fixed(spoke.boundSeconds, 1) },
  { header: 'last terminate s', value: (spoke) => fixed(spoke.lastTerminateSeconds, 1) },
  {
    header: '× own bound',
    value: (spoke) => (spoke.ratioToOwnBound === undefined ? 'n/a' : fixed(spoke.ratioToOwnBound, 2)),
  },
  { header: 'run', value: (spoke) => spoke.outcome, maxWidth: 40 },
  { header: 'EC2 throttled', value: (spoke) => spoke.ec2Throttled },
];

/** The total row: the spokes summed, the time the slowest. */
function totalRow(figures: OrganizationFigures): SpokeFigures {
  const { totals } = figures;
  return {
    spoke: `total (${figures.spokes.length} spokes)`,
    connections: totals.connections,
    targeted: totals.targeted,
    ended: totals.ended,
    wronglyEnded: totals.wronglyEnded,
    auditTerminated: totals.auditTerminated,
    auditAgrees: figures.spokes.every((spoke) => spoke.auditAgrees),
    terminateCalls: totals.terminateCalls,
    runTerminateCalls: figures.spokes.reduce((sum, spoke) => sum + spoke.runTerminateCalls, 0),
    refusedCalls: {},
    boundSeconds: figures.slowestBoundSeconds,
    lastTerminateSeconds: figures.timeToEndAllSeconds,
    ...(figures.slowestBoundSeconds > 0
      ? { ratioToOwnBound: figures.timeToEndAllSeconds / figures.slowestBoundSeconds }
      : {}),
    returnedSeconds: Math.max(...figures.spokes.map((spoke) => spoke.returnedSeconds)),
    outcome: `${figures.spokes.filter((spoke) => spoke.outcome === 'completed').length} completed`,
    runs: figures.spokes.reduce((sum, spoke) => sum + spoke.runs, 0),
    ec2Throttled: figures.spokes.reduce((sum, spoke) => sum + spoke.ec2Throttled, 0),
  };
}

/** Per spoke and in total, as a console table. */
export function spokeTable(figures: OrganizationFigures): string {
  return renderTable(SPOKE_COLUMNS, [...figures.spokes, totalRow(figures)]);
}

/** Per spoke and in total, as a Markdown table. */
export function spokeMarkdown(figures: OrganizationFigures): string {
  return markdownTable(SPOKE_COLUMNS, [...figures.spokes, totalRow(figures)]);
}

const COMPARISON_COLUMNS: readonly Column<SpokeComparison>[] = [
  { header: 'spoke', value: (row) => row.spoke },
  { header: 'ended (baseline / fault)', value: (row) => `${row.baseline.ended} / ${row.fault.ended}` },
  { header: 'calls (baseline / fault)', value: (row) => `${row.baseline.calls} / ${row.fault.calls}` },
  {
    header: 'last terminate s (baseline / fault)',
    value: (row) => `${fixed(row.baseline.lastTerminateSeconds, 1)} / ${fixed(row.fault.lastTerminateSeconds, 1)}`,
  },
  {
    header: 'time change',
    value: (row) =>
      `${fixed((100 * (row.fault.lastTerminateSeconds - row.baseline.lastTerminateSeconds)) / row.baseline.lastTerminateSeconds, 1)} %`,
  },
  { header: 'unchanged', value: (row) => (row.unchanged ? 'yes' : 'NO') },
];

/** Every other spoke side by side, as a console table. */
export function comparisonTable(comparison: FaultComparison): string {
  return renderTable(COMPARISON_COLUMNS, comparison.others);
}

/** Every other spoke side by side, as a Markdown table. */
export function comparisonMarkdown(comparison: FaultComparison): string {
  return markdownTable(COMPARISON_COLUMNS, comparison.others);
}

/** The faulted spoke itself, in one line. */
export function faultedLine(comparison: FaultComparison, atSeconds: number, what: string): string {
  const { faulted } = comparison;
  return (
    `fault: ${what} of ${comparison.faultedSpoke} at ${seconds(atSeconds)}; that spoke ended ${faulted.ended}/${faulted.targeted} ` +
    `with ${faulted.terminateCalls} terminate calls (refused: ${
      Object.entries(faulted.refusedCalls)
        .map(([code, count]) => `${code} ${count}`)
        .join(', ') || 'none'
    }), its run: ${faulted.outcome}`
  );
}

/** Most names a target's figure lists before it counts the rest. */
const LISTED = 5;

function listed(names: readonly string[]): string {
  return names.length <= LISTED
    ? names.join(', ')
    : `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}

function seconds(value: number): string {
  return Number.isFinite(value) ? `${fixed(value, 1)} s` : 'never';
}
