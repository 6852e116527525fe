import type { EnforcingKind, FailModeCause, PolicyKind, PolicyMode } from '../constants.js';

/**
 * The evidence report: what cvpn-guard did over a period, how fast, and what it missed. One model that the
 * HTML, CSV and JSON renderings all print, so the three always carry the same numbers. Times are ISO strings,
 * durations are seconds, money is US dollars.
 */
export interface EvidenceReport {
  /** The version of this model's shape, for readers of the JSON. */
  readonly schemaVersion: 1;
  /** ISO time the report was made. */
  readonly generatedAt: string;
  readonly period: ReportPeriod;
  readonly scope: ReportScope;
  /** How many audit records and run summaries were read, and through how many pages. */
  readonly read: ReportRead;
  /** One entry per policy row with a record in the period, or selected with `--policy`, ordered by policy id. */
  readonly policies: readonly PolicyEvidence[];
  readonly health: HealthEvidence;
  readonly sessions: SessionEvidence;
  readonly cost: CostEstimate;
  /** The bucket every series of the report uses. */
  readonly bucket: ReportBucket;
}

/** The half-open period `[since, until)` the report covers. */
export interface ReportPeriod {
  readonly since: string;
  readonly until: string;
}

/** What the report was narrowed to; an empty list means every one. */
export interface ReportScope {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly policyIds: readonly string[];
}

/** How much was read. */
export interface ReportRead {
  readonly records: number;
  readonly summaries: number;
  readonly pages: number;
}

/** The width of one point of a series: an hour for a period of at most three days, else a UTC day. */
export const ReportBucket = {
  HOUR: 'hour',
  DAY: 'day',
} as const;
/** One of the bucket widths. */
export type ReportBucket = (typeof ReportBucket)[keyof typeof ReportBucket];

/** A distribution of durations in seconds; the figures are absent when `count` is 0. */
export interface Distribution {
  readonly count: number;
  /** Nearest-rank median. */
  readonly median?: number;
  /** Nearest-rank 95th percentile. */
  readonly p95?: number;
  readonly max?: number;
}

/** The control evidence of one policy row. */
export interface PolicyEvidence {
  readonly policyId: string;
  /** The row's kind, from the row as it is now, else from its records; absent when neither says. */
  readonly kind?: PolicyKind;
  readonly mode?: PolicyMode;
  /** What the row checks, in words (`idle 30 min (traffic ≤ 0 bytes)`), from the row as it is now; absent without it. */
  readonly rule?: string;
  /** The row's scope in words (`endpoints *, groups contractors, accounts 222222222222`). */
  readonly scope: string;
  /** The row's own `reason` text. */
  readonly reason?: string;
  /** False when the row no longer exists in the policies table (it was deleted within or after the period). */
  readonly rowExists: boolean;
  /** Sessions it ended: `terminated` decision records. */
  readonly ended: number;
  /** Connection attempts it refused at connect: `refused` admission records. */
  readonly refused: number;
  /** Sessions it would have ended (observe mode or dry run): first sightings of `would-terminate`. */
  readonly wouldEnd: number;
  /** Attempts it would have refused: `would-refuse` admission records. */
  readonly wouldRefuse: number;
  /** Decisions an exemption overrode: first sightings of `exempted` (runs) and `admitted` with an exemption (gate). */
  readonly exempted: number;
  /** Decisions held back by a cap: first sightings of `capped`. */
  readonly capped: number;
  /** From the condition becoming true (`conditionAt`) to the session ending, over its `terminated` records. */
  readonly timeToEnforce: Distribution;
  /** Idle rows only: minutes past the row's idle limit at termination, as a distribution (in minutes). */
  readonly idleMinutesPastLimit?: Distribution;
  /** Revoked-user rows only: from the row's last write to the last session it ended in the period. */
  readonly revocation?: RevocationEvidence;
  readonly exceptions: PolicyExceptions;
}

/** How fast a revocation took effect. */
export interface RevocationEvidence {
  /** ISO time the row was last written (its `updatedAt`); absent when the row does not say. */
  readonly writtenAt?: string;
  /** ISO time the last of its sessions ended in the period. */
  readonly lastEndedAt?: string;
  /** `lastEndedAt − writtenAt`, in seconds, when both are known. */
  readonly seconds?: number;
}

/** Everything that did not go as the row asked. */
export interface PolicyExceptions {
  /** `failed` decision records: EC2 refused, or the connection failed to terminate. */
  readonly failed: number;
  /** Runs in which this row's decisions were capped. */
  readonly cappedRuns: number;
  /** First sightings of `deferred`: work handed to the next run. */
  readonly deferred: number;
  /** Each stretch of runs in which the row failed validation. */
  readonly invalid: readonly InvalidSpan[];
}

/** A stretch of consecutive runs in which a row was invalid. */
export interface InvalidSpan {
  /** The finding, as the run recorded it (names the field and what is accepted). */
  readonly message: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** `lastSeenAt − firstSeenAt`, in seconds. */
  readonly seconds: number;
  readonly runs: number;
}

/** Is cvpn-guard healthy: runs, gaps, errors, throttling, the gate's fail mode and the canary. */
export interface HealthEvidence {
  readonly runs: RunCounts;
  /** Runs per bucket, by trigger. */
  readonly runsOverTime: readonly RunsInBucket[];
  /** Stretches longer than twice the usual interval between runs of one placement in which no run started. */
  readonly gaps: readonly RunGap[];
  readonly partialRuns: number;
  /** Endpoint errors per endpoint, most first. */
  readonly endpointErrors: readonly EndpointErrorCount[];
  readonly throttledCalls: number;
  readonly terminateCalls: number;
  /** The gate's fail-mode answers, by cause and by answer. */
  readonly failModeUses: readonly FailModeUse[];
  readonly canaryRuns: number;
  readonly canaryFailures: number;
}

/** Runs by what started them. */
export interface RunCounts {
  readonly total: number;
  readonly scheduled: number;
  readonly manual: number;
  readonly eventDriven: number;
  readonly continuations: number;
}

/** Runs started in one bucket. */
export interface RunsInBucket {
  /** ISO start of the bucket. */
  readonly bucket: string;
  readonly scheduled: number;
  readonly manual: number;
  readonly eventDriven: number;
  readonly continuations: number;
}

/** A stretch with no run. */
export interface RunGap {
  /** `<account>/<region>` of a spoke, or `local` for a single deployment. */
  readonly placement: string;
  /** ISO start of the last run before the gap. */
  readonly from: string;
  /** ISO start of the first run after it (or the period's end). */
  readonly to: string;
  readonly seconds: number;
}

/** Endpoint errors of one endpoint. */
export interface EndpointErrorCount {
  readonly endpointId: string;
  readonly runs: number;
}

/** Fail-mode answers of one cause. */
export interface FailModeUse {
  readonly cause: FailModeCause;
  readonly admitted: number;
  readonly refused: number;
}

/** Connections and terminations over time, and who was ended most. */
export interface SessionEvidence {
  /** Connections seen per endpoint per bucket: the largest count any run of the bucket saw. */
  readonly connectionsSeen: readonly ConnectionsInBucket[];
  /** Sessions ended per bucket per deciding kind. */
  readonly terminationsOverTime: readonly TerminationsInBucket[];
  /** Sessions ended and attempts refused per bucket (the dashboard's headline). */
  readonly endedAndRefusedOverTime: readonly EndedAndRefusedInBucket[];
  /** The identities most often ended or refused (at most 10), most first. */
  readonly topIdentities: readonly IdentityCount[];
}

/** Connections one endpoint had in one bucket. */
export interface ConnectionsInBucket {
  readonly bucket: string;
  readonly endpointId: string;
  readonly connections: number;
}

/** Sessions one kind ended in one bucket. */
export interface TerminationsInBucket {
  readonly bucket: string;
  readonly kind: EnforcingKind;
  readonly ended: number;
}

/** Sessions ended and attempts refused in one bucket. */
export interface EndedAndRefusedInBucket {
  readonly bucket: string;
  readonly ended: number;
  readonly refused: number;
}

/** How often one identity was ended or refused. */
export interface IdentityCount {
  /** The user name, or the certificate's common name. */
  readonly identity: string;
  readonly ended: number;
  readonly refused: number;
}

/** What the early endings saved: an estimate, with how it was computed. */
export interface CostEstimate {
  /** Connection-hours ended early, per deciding kind (idle, max-session, off-hours). */
  readonly connectionHours: readonly ConnectionHoursOfKind[];
  readonly totalConnectionHours: number;
  /** The estimated cost of those hours, US dollars, at each Region's connection-hour price. */
  readonly estimatedUsd: number;
  /** The price used per Region, US dollars per connection-hour. */
  readonly pricePerHour: readonly RegionPrice[];
  /** How the estimate is computed, in one paragraph a reader can check. */
  readonly method: string;
}

/** Connection-hours one kind ended early. */
export interface ConnectionHoursOfKind {
  readonly kind: EnforcingKind;
  readonly sessions: number;
  readonly connectionHours: number;
  readonly estimatedUsd: number;
}

/** A Region's connection-hour price. */
export interface RegionPrice {
  readonly region: string;
  readonly usd: number;
}
