/**
 * The bench's arithmetic and its report: lower bounds, targets, the table printed on the console and
 * the one written into the README. Pure: no I/O, no clock.
 */
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import { RunStatus } from '../lambda/domain/index.js';
import type { ActionCounter } from '../local/index.js';
import { Contender, type AuditInspection, type RunFigures } from './protocol.js';
import { InvocationKind, Timeline } from './schedule-timeline.js';

/** EC2 returns at most this many connections a page. */
export const DESCRIBE_PAGE_SIZE = 1000;

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The shortest time, in seconds, in which a token bucket of `burst` tokens refilled at `ratePerSecond`
 * admits `calls` calls: the first `burst` go at once, each further one waits for its token.
 */
export function tokenBucketLowerBoundSeconds(calls: number, ratePerSecond: number, burst: number): number {
  return Math.max(0, calls - burst) / ratePerSecond;
}

/** The fewest DescribeClientVpnConnections pages that list these endpoints (one at least per endpoint). */
export function minimumDescribePages(listedPerEndpoint: readonly number[]): number {
  return listedPerEndpoint.reduce((sum, listed) => sum + Math.max(1, Math.ceil(listed / DESCRIBE_PAGE_SIZE)), 0);
}

/** The figures of one contender on one scenario. */
export interface ContenderFigures {
  readonly contender: Contender;
  /** How cvpn-guard was invoked. @default absent: a script, run once */
  readonly timeline?: Timeline;
  /**
   * Simulated seconds: from the first call to the last answer (back to back: every run; a script: its run);
   * on the schedule timeline, from the first tick to the end of the last terminate call.
   */
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  /** Lambda invocations (cvpn-guard, skipped ticks included), 1 for a script. */
  readonly runs: number;
  /** cvpn-guard's invocations by what started them; `skipped`: those that found the lease held. */
  readonly invocations?: InvocationCounts;
  /** Calls per action as the sandbox counted them (every attempt, throttled ones included). */
  readonly calls: Record<string, number>;
  /** Throttled answers per action. */
  readonly throttled: Record<string, number>;
  readonly targeted: number;
  /** Targeted connections ended. */
  readonly ended: number;
  /** Connections that should have stayed up but were ended. */
  readonly wronglyEnded: number;
  readonly wronglyEndedByRole: Record<string, number>;
  /** Targeted connections ended per simulated second. */
  readonly endedPerSecond: number;
  /** TerminateClientVpnConnections calls EC2 accepted. */
  readonly acceptedTerminateCalls: number;
  /** The token bucket's lower bound for the accepted terminate calls, seconds. */
  readonly lowerBoundSeconds: number;
  /** simulatedSeconds / lowerBoundSeconds, when the bound is at least a second (else the calls fit the burst). */
  readonly ratioToLowerBound?: number;
  /** Successful DescribeClientVpnConnections calls. */
  readonly describePages: number;
  /** The fewest pages that list every connection the contender had to read (cvpn-guard: every run). */
  readonly minimumDescribePages: number;
  /** PutItem + UpdateItem calls (audit records, plus the lease and one summary per run). */
  readonly auditWrites: number;
  readonly peakRssMB: number;
  readonly readyRssMB: number;
  readonly peakHeapUsedMB: number;
  /** CPU time of the contender's process, real seconds (at `speed`, each one costs `speed` simulated seconds). */
  readonly cpuSeconds: number;
  /** CPU time of the sandbox process meanwhile, real seconds. */
  readonly sandboxCpuSeconds: number;
  /** Mean SDK call time as the contender saw it, simulated ms, by client. */
  readonly apiLatency: Record<string, { readonly calls: number; readonly meanSimulatedMs: number }>;
  /** Per-run detail (cvpn-guard). */
  readonly perRun?: readonly RunFigures[];
  /** The audit table afterwards (cvpn-guard). */
  readonly audit?: AuditInspection;
  /** Terminate calls that failed for good (baseline: errors after the SDK's retries). */
  readonly failedTerminateCalls: number;
  readonly errors?: Record<string, number>;
}

/** Invocations of one timeline by what started them. */
export interface InvocationCounts {
  readonly ticks: number;
  readonly continuations: number;
  /** Invocations (ticks, in practice) that found the lease held and did nothing. */
  readonly skipped: number;
}

/** Counts the invocations of a timeline. */
export function invocationCounts(runs: readonly Pick<RunFigures, 'kind' | 'status'>[]): InvocationCounts {
  return {
    ticks: runs.filter((run) => run.kind === InvocationKind.TICK).length,
    continuations: runs.filter((run) => run.kind === InvocationKind.CONTINUATION).length,
    skipped: runs.filter((run) => run.status === RunStatus.SKIPPED).length,
  };
}

/** The contender as the tables name it: cvpn-guard's row says its timeline. */
export function contenderLabel(figures: Pick<ContenderFigures, 'contender' | 'timeline'>): string {
  return figures.timeline === undefined ? figures.contender : `${figures.contender} (${figures.timeline})`;
}

/** One scenario's figures. */
export interface ScenarioFigures {
  readonly name: string;
  /** Simulated ms per real ms this scenario ran at. */
  readonly speed: number;
  readonly endpoints: number;
  readonly connections: number;
  readonly targeted: number;
  readonly contenders: readonly ContenderFigures[];
}

/** One of the benchmark targets, as met or missed. */
export interface TargetCheck {
  readonly target: string;
  /** `null`: does not apply (a baseline that stops before the job is done cannot be compared on time). */
  readonly met: boolean | null;
  readonly figure: string;
}

/** Throttled answers and calls by action, from the sandbox's counters. */
export function callsByAction(counters: Record<string, Record<string, ActionCounter>>): {
  calls: Record<string, number>;
  throttled: Record<string, number>;
} {
  const calls: Record<string, number> = {};
  const throttled: Record<string, number> = {};
  for (const [service, actions] of Object.entries(counters)) {
    for (const [action, counter] of Object.entries(actions)) {
      if (service !== 'ec2' && service !== 'dynamodb' && service !== 'sns') continue;
      calls[action] = (calls[action] ?? 0) + counter.calls;
      if (counter.throttled > 0) throttled[action] = (throttled[action] ?? 0) + counter.throttled;
    }
  }
  return { calls, throttled };
}

/** Checks the benchmark targets against the figures. */
export function checkTargets(
  scenarios: readonly ScenarioFigures[],
  bundle: { bytes: number; medianInitMs: number },
  limits: { ratio: number; rssMB: number; bundleBytes: number; coldInitMs: number; rssAtConnections: number },
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const guards = [...scenarios].flatMap((scenario) =>
    scenario.contenders
      .filter((figures) => figures.contender === Contender.CVPN_GUARD)
      .map((guard) => ({ scenario, guard })),
  );
  for (const { scenario, guard } of guards) {
    // Back to back keeps the targets' names of old; the schedule timeline's say so.
    const where = guard.timeline === Timeline.SCHEDULE ? `${scenario.name} (schedule timeline)` : scenario.name;
    if (guard.ratioToLowerBound !== undefined) {
      checks.push({
        target: `${where}: run time ≤ ${limits.ratio}× the token-bucket lower bound`,
        met: guard.ratioToLowerBound <= limits.ratio,
        figure: `${fixed(guard.simulatedSeconds, 1)} s vs ${fixed(guard.lowerBoundSeconds, 1)} s = ${fixed(guard.ratioToLowerBound, 3)}×`,
      });
    } else {
      checks.push({
        target: `${where}: run time ≤ ${limits.ratio}× the token-bucket lower bound`,
        met: true,
        figure: `${guard.acceptedTerminateCalls} calls fit the burst (bound 0 s); the run took ${fixed(guard.simulatedSeconds, 2)} s`,
      });
    }
    checks.push({
      target: `${where}: describe pages = minimum`,
      met: guard.describePages === guard.minimumDescribePages,
      figure: `${guard.describePages} pages, minimum ${guard.minimumDescribePages}`,
    });
    checks.push({
      target: `${where}: ≤ 1 terminate call per targeted connection`,
      met: guard.acceptedTerminateCalls <= scenario.targeted,
      figure: `${guard.acceptedTerminateCalls} calls for ${scenario.targeted} connections`,
    });
    const throttledTerminates = guard.throttled.TerminateClientVpnConnections ?? 0;
    checks.push({
      target: `${where}: every throttled terminate retried to success, every targeted connection ended, nothing else`,
      met: guard.ended === scenario.targeted && guard.wronglyEnded === 0 && guard.failedTerminateCalls === 0,
      figure: `${throttledTerminates} throttled; ended ${guard.ended}/${scenario.targeted}, wrongly ${guard.wronglyEnded}, failed ${guard.failedTerminateCalls}`,
    });
    if (scenario.connections >= limits.rssAtConnections) {
      checks.push({
        target: `${where}: peak RSS < ${limits.rssMB} MB (${scenario.connections} connections)`,
        met: guard.peakRssMB < limits.rssMB,
        figure: `${fixed(guard.peakRssMB, 0)} MB`,
      });
    }
    const guardCorrect = guard.ended === scenario.targeted && guard.wronglyEnded === 0;
    for (const baseline of scenario.contenders.filter((figures) => figures.contender !== Contender.CVPN_GUARD)) {
      // Faster at the same job: a baseline that does not end every targeted connection stops early.
      const baselineDone = baseline.ended === scenario.targeted;
      checks.push({
        target: `${where}: faster than ${baseline.contender}`,
        met: baselineDone ? guard.simulatedSeconds < baseline.simulatedSeconds : null,
        figure: baselineDone
          ? `${fixed(guard.simulatedSeconds, 1)} s vs ${fixed(baseline.simulatedSeconds, 1)} s to end all ${scenario.targeted}`
          : `not the same job: it ends ${baseline.ended}/${scenario.targeted} in ${fixed(baseline.simulatedSeconds, 1)} s and stops`,
      });
      const wrongly = Object.entries(baseline.wronglyEndedByRole)
        .map(([role, count]) => `${count} ${role}`)
        .join(', ');
      checks.push({
        target: `${where}: correct where ${baseline.contender} is not`,
        met: guardCorrect,
        figure:
          `cvpn-guard ended ${guard.ended}/${scenario.targeted}, wrongly ${guard.wronglyEnded}; ` +
          `${baseline.contender} ended ${baseline.ended}/${scenario.targeted}, wrongly ${baseline.wronglyEnded}${wrongly ? ` (${wrongly})` : ''}`,
      });
    }
  }
  checks.push({
    target: `bundle < ${limits.bundleBytes / 1000} KB minified`,
    met: bundle.bytes < limits.bundleBytes,
    figure: `${fixed(bundle.bytes / 1000, 0)} KB`,
  });
  checks.push({
    target: `cold init < ${limits.coldInitMs} ms (median)`,
    met: bundle.medianInitMs < limits.coldInitMs,
    figure: `${fixed(bundle.medianInitMs, 0)} ms`,
  });
  return checks;
}

const TABLE_COLUMNS: readonly Column<{ scenario: ScenarioFigures; figures: ContenderFigures }>[] = [
  { header: 'scenario', value: ({ scenario }) => scenario.name },
  { header: 'contender', value: ({ figures }) => contenderLabel(figures) },
  { header: 'scale', value: ({ scenario }) => `${scenario.speed}×` },
  { header: 'sim s', value: ({ figures }) => fixed(figures.simulatedSeconds, 1) },
  { header: 'wall s', value: ({ figures }) => fixed(figures.wallSeconds, 1) },
  { header: 'runs', value: ({ figures }) => figures.runs },
  {
    header: 'ticks/cont./skipped',
    value: ({ figures }) =>
      figures.invocations === undefined
        ? '-'
        : `${figures.invocations.ticks}/${figures.invocations.continuations}/${figures.invocations.skipped}`,
  },
  { header: 'ended', value: ({ scenario, figures }) => `${figures.ended}/${scenario.targeted}` },
  { header: 'wrongly ended', value: ({ figures }) => figures.wronglyEnded },
  { header: 'ended/s', value: ({ figures }) => fixed(figures.endedPerSecond, 2) },
  { header: 'terminate calls', value: ({ figures }) => figures.calls.TerminateClientVpnConnections ?? 0 },
  { header: 'throttled', value: ({ figures }) => sum(Object.values(figures.throttled)) },
  { header: 'bound s', value: ({ figures }) => fixed(figures.lowerBoundSeconds, 1) },
  {
    header: 'ratio',
    value: ({ figures }) => (figures.ratioToLowerBound === undefined ? 'n/a' : fixed(figures.ratioToLowerBound, 3)),
  },
  { header: 'pages/min', value: ({ figures }) => `${figures.describePages}/${figures.minimumDescribePages}` },
  { header: 'audit writes', value: ({ figures }) => figures.auditWrites },
  { header: 'peak RSS MB', value: ({ figures }) => fixed(figures.peakRssMB, 0) },
];

/** The scenarios as a console table. */
export function scenarioTable(scenarios: readonly ScenarioFigures[]): string {
  return renderTable(TABLE_COLUMNS, rowsOf(scenarios));
}

/** The scenarios as a Markdown table (README). */
export function scenarioMarkdown(scenarios: readonly ScenarioFigures[]): string {
  return markdownTable(TABLE_COLUMNS, rowsOf(scenarios));
}

/** Targets as a Markdown table (README). */
export function targetMarkdown(checks: readonly TargetCheck[]): string {
  return markdownTable<TargetCheck>(
    [
      { header: 'target', value: (check) => check.target },
      { header: 'met', value: (check) => (check.met === null ? 'n/a' : check.met ? 'yes' : '**no**') },
      { header: 'figure', value: (check) => check.figure },
    ],
    checks,
  );
}

/** Targets as console lines. */
export function targetLines(checks: readonly TargetCheck[]): string {
  return (
    checks
      .map(
        (check) =>
          `${check.met === null ? 'n/a   ' : check.met ? 'met   ' : 'MISSED'}  ${check.target}: ${check.figure}`,
      )
      .join('\n') + '\n'
  );
}

/** A Markdown table; pipes in cells are escaped. */
export function markdownTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cell = (value: string | number | boolean | undefined | null) =>
    (value === undefined || value === null ? '' : String(value)).replace(/\|/g, '\\|');
  const header = `| ${columns.map((column) => cell(column.header)).join(' | ')} |`;
  const rule = `| ${columns.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((column) => cell(column.value(row))).join(' | ')} |`);
  return [header, rule, ...body].join('\n') + '\n';
}

/** A number with `digits` decimals, or `n/a` when not finite. */
export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function rowsOf(scenarios: readonly ScenarioFigures[]) {
  return scenarios.flatMap((scenario) => scenario.contenders.map((figures) => ({ scenario, figures })));
}
