/**
 * The organization benchmark's figures, from what one pass of its process saw: per spoke, the targeted connections
 * ended (EC2's state in the spoke's emulator, and the `terminated` decisions the spoke wrote into the hub's audit
 * table), connections ended that were not targeted, the terminate calls the spoke's EC2 took, the spoke's own
 * token-bucket bound and the simulated time of its last terminate; then the totals, and the comparison of two passes
 * (baseline and one spoke made unreachable). Pure: no I/O, no clock.
 */
import { Setting, SETTING_DEFAULTS } from '../lambda/settings/index.js';
import type { OrganizationObservation } from './organization-protocol.js';
import { type GeneratedOrganization, placementKey } from './organization-scenario.js';
import { tokenBucketLowerBoundSeconds } from './report.js';

/** The spoke's client-side terminate bucket: the stack's defaults. */
export const SPOKE_BUCKET = {
  ratePerSecond: SETTING_DEFAULTS[Setting.TERMINATE_RATE],
  burst: SETTING_DEFAULTS[Setting.TERMINATE_BURST],
} as const;

/** "Unchanged" under another spoke's fault: ended and calls equal, time within this share. */
export const UNCHANGED_TIME_SHARE = 0.05;

/** One spoke's figures in one pass. */
export interface SpokeFigures {
  /** `<accountId>/<region>`. */
  readonly spoke: string;
  readonly connections: number;
  readonly targeted: number;
  /** Targeted connections not active at the end (EC2's state). */
  readonly ended: number;
  /** Connections ended that were not targeted. */
  readonly wronglyEnded: number;
  /** `terminated` decisions in the hub's audit table with this spoke's account and Region. */
  readonly auditTerminated: number;
  /** The audit's terminated connections are exactly the targeted ones. */
  readonly auditAgrees: boolean;
  /** TerminateClientVpnConnections calls the spoke's EC2 took (refused ones included). */
  readonly terminateCalls: number;
  /**
   * Terminate calls the spoke's runs made, by their summaries (a call EC2 throttled before taking it and its retry
   * count twice); the EC2 count when the spoke wrote no summary.
   */
  readonly runTerminateCalls: number;
  /** Refused terminate calls by EC2's error code. */
  readonly refusedCalls: Readonly<Record<string, number>>;
  /** The spoke's own token-bucket bound for the terminate calls its runs made, simulated s. */
  readonly boundSeconds: number;
  /** Simulated s from the start of all spokes to the spoke's last terminate call; NaN when it made none. */
  readonly lastTerminateSeconds: number;
  /** `lastTerminateSeconds / boundSeconds`; undefined when the bound is 0 (every call within the burst). */
  readonly ratioToOwnBound?: number;
  /** Simulated s from the start of all spokes to its invocation's return. */
  readonly returnedSeconds: number;
  /** The run's status, or the invocation's error. */
  readonly outcome: string;
  /** Run summaries the spoke wrote into the hub's audit table (continuations included). */
  readonly runs: number;
  /** EC2 throttles the spoke's runs counted (their summaries' `throttledCalls`). */
  readonly ec2Throttled: number;
}

/** One pass's figures. */
export interface OrganizationFigures {
  readonly spokes: readonly SpokeFigures[];
  readonly totals: {
    readonly connections: number;
    readonly targeted: number;
    readonly ended: number;
    readonly wronglyEnded: number;
    readonly auditTerminated: number;
    readonly terminateCalls: number;
  };
  /** The largest of the spokes' own bounds, simulated s. */
  readonly slowestBoundSeconds: number;
  /** From the start of all spokes to the last terminate call of any, simulated s. */
  readonly timeToEndAllSeconds: number;
  /** Throttled DynamoDB answers during the pass (the spokes are its only callers), and calls, by action. */
  readonly dynamodbThrottles: number;
  readonly dynamodbCalls: number;
  readonly observedSeconds: number;
  readonly wallSeconds: number;
  readonly setupWallSeconds: number;
}

/** The figures of one pass over `organization`. */
export function organizationFigures(
  organization: GeneratedOrganization,
  observation: OrganizationObservation,
): OrganizationFigures {
  const observed = new Map(observation.spokes.map((spoke) => [placementKey(spoke.placement), spoke]));
  const spokes = organization.spokes.map((generated): SpokeFigures => {
    const key = placementKey(generated.placement);
    const seen = observed.get(key);
    if (!seen)
      throw new Error(`organization figures: the pass saw no spoke ${key}; it saw ${[...observed.keys()].join(', ')}`);
    const targeted = new Set(
      generated.connections.filter((connection) => connection.targeted).map((connection) => connection.id),
    );
    const ended = new Set(seen.ended);
    const audit = new Set(seen.auditTerminated);
    const refusedCalls: Record<string, number> = {};
    for (const call of seen.terminateCalls)
      if (call.error !== undefined) refusedCalls[call.error] = (refusedCalls[call.error] ?? 0) + 1;
    const terminateCalls = seen.terminateCalls.length;
    const runTerminateCalls =
      seen.summaries.length > 0
        ? seen.summaries.reduce((sum, summary) => sum + summary.terminateCalls, 0)
        : terminateCalls;
    const boundSeconds = tokenBucketLowerBoundSeconds(
      runTerminateCalls,
      SPOKE_BUCKET.ratePerSecond,
      SPOKE_BUCKET.burst,
    );
    const lastTerminateSeconds =
      terminateCalls === 0 ? Number.NaN : Math.max(...seen.terminateCalls.map((call) => call.atMs)) / 1000;
    return {
      spoke: key,
      connections: generated.connections.length,
      targeted: targeted.size,
      ended: [...targeted].filter((id) => ended.has(id)).length,
      wronglyEnded: [...ended].filter((id) => !targeted.has(id)).length,
      auditTerminated: audit.size,
      auditAgrees: audit.size === targeted.size && [...targeted].every((id) => audit.has(id)),
      terminateCalls,
      runTerminateCalls,
      refusedCalls,
      boundSeconds,
      lastTerminateSeconds,
      ...(boundSeconds > 0 && Number.isFinite(lastTerminateSeconds)
        ? { ratioToOwnBound: lastTerminateSeconds / boundSeconds }
        : {}),
      returnedSeconds: seen.invocation.returnedAtMs / 1000,
      outcome: seen.invocation.status ?? seen.invocation.error ?? 'unknown',
      runs: seen.summaries.length,
      ec2Throttled: seen.summaries.reduce((total, summary) => total + summary.throttledCalls, 0),
    };
  });
  const total = (pick: (spoke: SpokeFigures) => number) => spokes.reduce((sum, spoke) => sum + pick(spoke), 0);
  const lastTerminates = spokes.map((spoke) => spoke.lastTerminateSeconds).filter(Number.isFinite);
  return {
    spokes,
    totals: {
      connections: total((spoke) => spoke.connections),
      targeted: total((spoke) => spoke.targeted),
      ended: total((spoke) => spoke.ended),
      wronglyEnded: total((spoke) => spoke.wronglyEnded),
      auditTerminated: total((spoke) => spoke.auditTerminated),
      terminateCalls: total((spoke) => spoke.terminateCalls),
    },
    slowestBoundSeconds: Math.max(0, ...spokes.map((spoke) => spoke.boundSeconds)),
    timeToEndAllSeconds: lastTerminates.length === 0 ? Number.NaN : Math.max(...lastTerminates),
    dynamodbThrottles: sumOf(observation.dynamodbThrottles),
    dynamodbCalls: sumOf(observation.dynamodbCalls),
    observedSeconds: observation.observedMs / 1000,
    wallSeconds: observation.wallMs / 1000,
    setupWallSeconds: observation.setupWallMs / 1000,
  };
}

/** One spoke's ended, calls and time, in both passes. */
export interface SpokeComparison {
  readonly spoke: string;
  readonly baseline: SpokeSide;
  readonly fault: SpokeSide;
  /** Ended and calls equal, time within {@link UNCHANGED_TIME_SHARE}. */
  readonly unchanged: boolean;
}

/** A spoke's figures that the comparison reads. */
export interface SpokeSide {
  readonly ended: number;
  readonly calls: number;
  readonly lastTerminateSeconds: number;
}

/** The fault pass against the baseline: the faulted spoke's own figures, and every other spoke side by side. */
export interface FaultComparison {
  readonly faultedSpoke: string;
  readonly faulted: SpokeFigures;
  readonly others: readonly SpokeComparison[];
  readonly unchanged: number;
}

/** Compares every spoke but `faultedSpoke` across the two passes. */
export function compareUnderFault(
  baseline: OrganizationFigures,
  fault: OrganizationFigures,
  faultedSpoke: string,
): FaultComparison {
  const faulted = fault.spokes.find((spoke) => spoke.spoke === faultedSpoke);
  if (!faulted)
    throw new Error(
      `fault comparison: no spoke ${faultedSpoke} in the fault pass; spokes: ${fault.spokes.map((spoke) => spoke.spoke).join(', ')}`,
    );
  const faultBySpoke = new Map(fault.spokes.map((spoke) => [spoke.spoke, spoke]));
  const others = baseline.spokes
    .filter((spoke) => spoke.spoke !== faultedSpoke)
    .map((before): SpokeComparison => {
      const after = faultBySpoke.get(before.spoke);
      if (!after) throw new Error(`fault comparison: spoke ${before.spoke} is missing from the fault pass`);
      const side = (figures: SpokeFigures): SpokeSide => ({
        ended: figures.ended,
        calls: figures.terminateCalls,
        lastTerminateSeconds: figures.lastTerminateSeconds,
      });
      return {
        spoke: before.spoke,
        baseline: side(before),
        fault: side(after),
        unchanged: sameFigures(side(before), side(after)),
      };
    });
  return { faultedSpoke, faulted, others, unchanged: others.filter((other) => other.unchanged).length };
}

/** Ended and calls equal, and both times finite and within {@link UNCHANGED_TIME_SHARE} of the baseline's. */
export function sameFigures(baseline: SpokeSide, fault: SpokeSide): boolean {
  if (baseline.ended !== fault.ended || baseline.calls !== fault.calls) return false;
  if (Number.isNaN(baseline.lastTerminateSeconds) || Number.isNaN(fault.lastTerminateSeconds))
    return Number.isNaN(baseline.lastTerminateSeconds) && Number.isNaN(fault.lastTerminateSeconds);
  return (
    Math.abs(fault.lastTerminateSeconds - baseline.lastTerminateSeconds) <=
    UNCHANGED_TIME_SHARE * baseline.lastTerminateSeconds
  );
}

function sumOf(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((sum, value) => sum + value, 0);
}
