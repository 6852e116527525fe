/**
 * The login storm's arithmetic and report: each answer against the oracle, the handler's errors, its calls to EC2
 * and DynamoDB, its durations, and the storm's targets. Pure: no I/O, no clock.
 */
import { Outcome } from '../lambda/domain/constants.js';
import { GateMetric } from '../lambda/gate/gate-metrics.js';
import { ConnectFailureReason } from '../local/index.js';
import { fixed, type TargetCheck } from './report.js';
import { type OracleVerdict, oracleVerdict } from './storm-oracle.js';
import type { ObservedAttempt, StormObservation } from './storm-protocol.js';
import { type GeneratedStorm, StormRole } from './storm-scenario.js';

/** The storm's targets. */
export const STORM_TARGETS = { differences: 0, errors: 0, ec2Throttles: 0, warmP99Ms: 50, coldInitMs: 300 } as const;

/** DynamoDB actions that read. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
/** DynamoDB actions that write. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** How many differing attempts the report shows. */
const SHOWN = 5;

/** One answer that is not the oracle's. */
export interface StormDifference {
  readonly index: number;
  readonly role: string;
  readonly expected: string;
  readonly got: string;
}

/** What one phase of the storm came to. */
export interface StormPhaseFigures {
  readonly dynamodbDown: boolean;
  readonly attempts: number;
  readonly admitted: number;
  readonly refused: number;
  /** Answers that differ from the oracle's (allowed or not, and the message shown). */
  readonly differences: number;
  readonly differencesByRole: Record<string, number>;
  readonly someDifferences: readonly StormDifference[];
  /**
   * Attempts over `max-connections` that the handler admitted because it could not count (its token bucket was
   * empty, EC2 failed or was late: the record's note says so, or there is no record while DynamoDB is down): the
   * design's fallback, left to the next run, so not a difference.
   */
  readonly uncountedAdmissions: number;
  /** Refusals and would-refusals the oracle expects whose admission record is missing or says otherwise. */
  readonly recordDifferences: number;
  /** Outcomes of the admission records written. */
  readonly recordsByOutcome: Record<string, number>;
  /** Invocations that threw, plus attempts Client VPN refused for a failure of the handler. */
  readonly errors: number;
  readonly errorsByReason: Record<string, number>;
  readonly ec2Calls: number;
  readonly ec2Throttles: number;
  readonly dynamodbReadsPerAttempt: number;
  readonly dynamodbWritesPerAttempt: number;
  /** Warm invocations, timed in the handler's wrapper, real ms. */
  readonly warmP50Ms: number;
  readonly warmP99Ms: number;
  readonly warmMaxMs: number;
  /** Warm invocations up to their audit write, real ms: the decision, without DynamoDB's write. */
  readonly decideP50Ms: number;
  readonly decideP99Ms: number;
  /** Audit writes, real ms. */
  readonly auditWriteP50Ms: number;
  readonly auditWriteP99Ms: number;
  /** The longest answer, simulated ms, and the answers that took longer than the deadline. */
  readonly maxSimulatedMs: number;
  readonly deadlineMs: number;
  readonly overDeadline: number;
  /** Attempts by revoked users (the oracle refuses them) that were refused. */
  readonly revokedRefused: number;
  readonly revokedAttempts: number;
  /** Answers by the fail mode (open and closed), and the other troubles the handler counted. */
  readonly failModeUses: number;
  readonly malformedRequests: number;
  readonly deadlineExceeded: number;
  readonly auditWriteFailures: number;
  readonly wallSeconds: number;
}

/** The nearest-rank percentile (`p` from 0 to 100); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Whether an answer is the oracle's: admitted or refused as expected, refused with the expected message. */
export function answerMatches(expected: OracleVerdict, observed: ObservedAttempt): boolean {
  if (expected.verdict !== 'refuse') return observed.admitted;
  return (
    !observed.admitted &&
    observed.failureReason === ConnectFailureReason.DENIED &&
    observed.message === expected.message
  );
}

/**
 * Whether the handler admitted an attempt the oracle refuses by `max-connections` because it could not count the
 * user's connections, as it is designed to (and records, unless DynamoDB is down).
 */
export function admittedUncounted(expected: OracleVerdict, observed: ObservedAttempt, dynamodbDown: boolean): boolean {
  return (
    expected.verdict === 'refuse' &&
    expected.kind === 'max-connections' &&
    observed.admitted &&
    (observed.uncounted === true || (dynamodbDown && observed.recordOutcome === undefined))
  );
}

/** Whether the attempt's admission record is the one the oracle's verdict needs (refusals and would-refusals). */
export function recordMatches(expected: OracleVerdict, observed: ObservedAttempt): boolean {
  if (expected.verdict === 'refuse') return observed.recordOutcome === Outcome.REFUSED;
  if (expected.verdict === 'would-refuse') return observed.recordOutcome === Outcome.WOULD_REFUSE;
  if (expected.exemptedBy !== undefined) return observed.recordOutcome === Outcome.ADMITTED;
  return true;
}

function describeVerdict(verdict: OracleVerdict): string {
  switch (verdict.verdict) {
    case 'refuse':
      return `refuse by ${verdict.policyId}: "${verdict.message}"`;
    case 'would-refuse':
      return `admit (would-refuse by ${verdict.policyId})`;
    case 'admit':
      return verdict.exemptedBy === undefined ? 'admit' : `admit (exempted by ${verdict.exemptedBy})`;
  }
}

function describeObserved(observed: ObservedAttempt): string {
  const answer = observed.admitted ? 'admitted' : `refused (${observed.failureReason}): "${observed.message}"`;
  return `${answer}, record ${observed.recordOutcome ?? 'none'}`;
}

const REVOKED_ROLES = new Set<string>([StormRole.LEAVER, StormRole.LOST_LAPTOP]);

/** Every figure of one phase, from what it showed and the storm it played. */
export function stormPhaseFigures(storm: GeneratedStorm, observation: StormObservation): StormPhaseFigures {
  let differences = 0;
  let recordDifferences = 0;
  let uncountedAdmissions = 0;
  let revokedRefused = 0;
  let revokedAttempts = 0;
  const differencesByRole: Record<string, number> = {};
  const someDifferences: StormDifference[] = [];
  const recordsByOutcome: Record<string, number> = {};
  const errorsByReason: Record<string, number> = {};
  for (const observed of observation.attempts) {
    const attempt = storm.storm[observed.index];
    if (attempt === undefined) throw new Error(`storm attempt ${observed.index}: not in the generated storm`);
    const expected = oracleVerdict(storm.policies, { ...attempt, held: observed.held }, new Date(observed.at));
    if (observed.recordOutcome !== undefined)
      recordsByOutcome[observed.recordOutcome] = (recordsByOutcome[observed.recordOutcome] ?? 0) + 1;
    if (observed.failureReason !== undefined && observed.failureReason !== ConnectFailureReason.DENIED)
      errorsByReason[observed.failureReason] = (errorsByReason[observed.failureReason] ?? 0) + 1;
    if (expected.verdict === 'refuse' && REVOKED_ROLES.has(attempt.role)) {
      revokedAttempts += 1;
      if (!observed.admitted) revokedRefused += 1;
    }
    if (admittedUncounted(expected, observed, observation.dynamodbDown)) {
      uncountedAdmissions += 1;
      continue;
    }
    if (!observation.dynamodbDown && !recordMatches(expected, observed)) recordDifferences += 1;
    if (answerMatches(expected, observed)) continue;
    differences += 1;
    differencesByRole[attempt.role] = (differencesByRole[attempt.role] ?? 0) + 1;
    if (someDifferences.length < SHOWN)
      someDifferences.push({
        index: observed.index,
        role: attempt.role,
        expected: describeVerdict(expected),
        got: describeObserved(observed),
      });
  }
  const attempts = observation.attempts.length;
  const dynamodb = Object.entries(observation.counters.dynamodb ?? {});
  const callsOf = (actions: Set<string>) =>
    dynamodb.filter(([action]) => actions.has(action)).reduce((sum, [, counter]) => sum + counter.calls, 0);
  const ec2 = Object.values(observation.counters.ec2 ?? {});
  const warmTimings = observation.timings.filter((timing) => timing.warm);
  const warm = warmTimings.map((timing) => timing.wallMs);
  const decide = warmTimings.map((timing) => timing.decideMs);
  const simulated = observation.timings.map((timing) => timing.simulatedMs);
  const metric = (name: string) => observation.metrics[name] ?? 0;
  return {
    dynamodbDown: observation.dynamodbDown,
    attempts,
    admitted: observation.attempts.filter((observed) => observed.admitted).length,
    refused: observation.attempts.filter((observed) => !observed.admitted).length,
    differences,
    differencesByRole,
    someDifferences,
    uncountedAdmissions,
    recordDifferences,
    recordsByOutcome,
    errors: observation.handlerThrows + Object.values(errorsByReason).reduce((sum, count) => sum + count, 0),
    errorsByReason,
    ec2Calls: ec2.reduce((sum, counter) => sum + counter.calls, 0),
    ec2Throttles: ec2.reduce((sum, counter) => sum + counter.throttled, 0),
    dynamodbReadsPerAttempt: attempts > 0 ? callsOf(READS) / attempts : Number.NaN,
    dynamodbWritesPerAttempt: attempts > 0 ? callsOf(WRITES) / attempts : Number.NaN,
    warmP50Ms: percentile(warm, 50),
    warmP99Ms: percentile(warm, 99),
    warmMaxMs: percentile(warm, 100),
    decideP50Ms: percentile(decide, 50),
    decideP99Ms: percentile(decide, 99),
    auditWriteP50Ms: percentile(observation.auditWriteMs, 50),
    auditWriteP99Ms: percentile(observation.auditWriteMs, 99),
    maxSimulatedMs: percentile(simulated, 100),
    deadlineMs: observation.deadlineMs,
    overDeadline: simulated.filter((ms) => ms > observation.deadlineMs).length,
    revokedRefused,
    revokedAttempts,
    failModeUses: metric(GateMetric.FAIL_OPEN) + metric(GateMetric.FAIL_CLOSED),
    malformedRequests: metric(GateMetric.MALFORMED_REQUESTS),
    deadlineExceeded: metric(GateMetric.DEADLINE_EXCEEDED),
    auditWriteFailures: metric(GateMetric.AUDIT_WRITE_FAILED),
    wallSeconds: observation.wallMs / 1000,
  };
}

/** The gate's cold start: importing its module and answering a first attempt, in a fresh process. */
export interface GateColdInit {
  readonly medianImportMs: number;
  readonly medianFirstAnswerMs: number;
  readonly medianInitMs: number;
  readonly samples: number;
}

/** The storm's targets: the healthy storm's, then the outage's. */
export function checkStormTargets(
  healthy: StormPhaseFigures,
  outage: StormPhaseFigures,
  cold: GateColdInit,
): TargetCheck[] {
  const t = STORM_TARGETS;
  const ms = (value: number) => `${fixed(value, 1)} ms`;
  return [
    {
      target: `answers that differ from the oracle: ${t.differences}`,
      met: healthy.differences <= t.differences,
      figure: `${healthy.differences} of ${healthy.attempts}${byRole(healthy.differencesByRole)}`,
    },
    {
      target: `handler errors: ${t.errors}`,
      met: healthy.errors <= t.errors,
      figure: `${healthy.errors}${byRole(healthy.errorsByReason)}`,
    },
    {
      target: `EC2 throttles caused by the handler: ${t.ec2Throttles}`,
      met: healthy.ec2Throttles <= t.ec2Throttles,
      figure: `${healthy.ec2Throttles} (${healthy.ec2Calls} EC2 calls during the storm)`,
    },
    {
      target: `warm handler duration p99 ≤ ${t.warmP99Ms} ms`,
      met: healthy.warmP99Ms <= t.warmP99Ms,
      figure:
        `p50 ${ms(healthy.warmP50Ms)}, p99 ${ms(healthy.warmP99Ms)}; up to the audit write ` +
        `p50 ${ms(healthy.decideP50Ms)}, p99 ${ms(healthy.decideP99Ms)} (write p50 ${ms(healthy.auditWriteP50Ms)}, p99 ${ms(healthy.auditWriteP99Ms)})`,
    },
    {
      target: `cold init (import + first answer) ≤ ${t.coldInitMs} ms`,
      met: cold.medianInitMs <= t.coldInitMs,
      figure: `median ${ms(cold.medianInitMs)} of ${cold.samples} (import ${ms(cold.medianImportMs)}, first answer ${ms(cold.medianFirstAnswerMs)})`,
    },
    {
      target: 'DynamoDB down: every revoked user still refused, from the cached rows',
      met: outage.revokedRefused === outage.revokedAttempts,
      figure: `${outage.revokedRefused} of ${outage.revokedAttempts} refused; ${outage.differences} answers differ from the oracle`,
    },
    {
      target: 'DynamoDB down: every answer within the deadline',
      met: outage.overDeadline === 0 && outage.errors === 0,
      figure: `longest ${fixed(outage.maxSimulatedMs, 0)} ms simulated of ${outage.deadlineMs}; ${outage.overDeadline} over, ${outage.errors} handler errors`,
    },
  ];
}

/** One phase in a few console lines. */
export function stormPhaseLines(name: string, figures: StormPhaseFigures): string {
  const lines = [
    `${name}: ${figures.attempts} attempts in ${fixed(figures.wallSeconds, 1)} s wall; admitted ${figures.admitted}, refused ${figures.refused}; ` +
      `records ${JSON.stringify(figures.recordsByOutcome)}`,
    `  differences from the oracle ${figures.differences}${byRole(figures.differencesByRole)}; records that differ ${figures.recordDifferences}; ` +
      `over max-connections but admitted uncounted ${figures.uncountedAdmissions}; ` +
      `handler errors ${figures.errors}${byRole(figures.errorsByReason)}`,
    `  EC2 calls ${figures.ec2Calls} (throttled ${figures.ec2Throttles}); DynamoDB reads ${fixed(figures.dynamodbReadsPerAttempt, 4)} and writes ${fixed(figures.dynamodbWritesPerAttempt, 3)} per attempt`,
    `  warm duration p50 ${fixed(figures.warmP50Ms, 1)} ms, p99 ${fixed(figures.warmP99Ms, 1)} ms, max ${fixed(figures.warmMaxMs, 1)} ms wall ` +
      `(up to the audit write p50 ${fixed(figures.decideP50Ms, 1)} ms, p99 ${fixed(figures.decideP99Ms, 1)} ms); ` +
      `audit write p50 ${fixed(figures.auditWriteP50Ms, 1)} ms, p99 ${fixed(figures.auditWriteP99Ms, 1)} ms; ` +
      `longest answer ${fixed(figures.maxSimulatedMs, 0)} ms simulated (deadline ${figures.deadlineMs}, ${figures.overDeadline} over)`,
    `  fail-mode answers ${figures.failModeUses}; malformed requests ${figures.malformedRequests}; deadline exceeded ${figures.deadlineExceeded}; ` +
      `audit writes failed ${figures.auditWriteFailures}; revoked users refused ${figures.revokedRefused}/${figures.revokedAttempts}`,
    ...figures.someDifferences.map(
      (difference) =>
        `  e.g. #${difference.index} (${difference.role}): expected ${difference.expected}; got ${difference.got}`,
    ),
  ];
  return lines.join('\n') + '\n';
}

function byRole(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([key, count]) => `${key} ${count}`).join(', ')})`;
}
