import { ENDPOINT_ID_PATTERN, FailModeCause, Outcome, RunStatus } from '../domain/index.js';
import { bucketStarts, bucketStart, type TimeSpan } from '../domain/report/bucket.js';
import { runGaps } from '../domain/report/run-gaps.js';
import type { FailModeUse, HealthEvidence, ReportBucket, RunsInBucket } from '../domain/report/types.js';
import { type AdmissionRecord, RunTrigger, type RunSummary } from '../ports/index.js';
import { placementOf } from './evidence-fields.js';
import { NumberList } from './NumberList.js';

/** What started a run, as the report counts runs. */
type RunClass = 'scheduled' | 'manual' | 'eventDriven' | 'continuations';

/** Where an endpoint error is counted when the message names no endpoint (listing the endpoints failed). */
export const ENDPOINT_LISTING = '(listing endpoints)';

const ENDPOINT_AT_START = new RegExp(`^(${ENDPOINT_ID_PATTERN.source.slice(1, -1)}):`);

/**
 * The health of the runs and the gate over the period. It keeps counters, run counts per bucket, error counts per
 * endpoint, fail-mode counts per cause, and two start times per run per placement (one for the gaps of scheduled
 * runs, one for the runs that read the policies): never a summary.
 */
export class HealthTally {
  private readonly runs: Record<RunClass, number> = { scheduled: 0, manual: 0, eventDriven: 0, continuations: 0 };
  private readonly runsByBucket = new Map<number, Record<RunClass, number>>();
  private readonly scheduledStarts = new Map<string, NumberList>();
  private readonly policyReadingStarts = new Map<string, NumberList>();
  private readonly endpointErrors = new Map<string, number>();
  private readonly failModes = new Map<FailModeCause, { admitted: number; refused: number }>();
  private partialRuns = 0;
  private throttledCalls = 0;
  private terminateCalls = 0;
  private canaryRuns = 0;
  private canaryFailures = 0;

  constructor(
    private readonly period: TimeSpan,
    private readonly bucket: ReportBucket,
    /** Where the last stretch of a placement's runs ends: the period's end, or now when that is earlier. */
    private readonly endMs: number,
  ) {}

  /** Folds one run summary (its start `atMs`, already in the period). */
  addSummary(summary: RunSummary, atMs: number): void {
    const runClass = classOf(summary);
    this.runs[runClass]++;
    const bucketMs = bucketStart(atMs, this.bucket);
    const inBucket = this.runsByBucket.get(bucketMs) ?? { scheduled: 0, manual: 0, eventDriven: 0, continuations: 0 };
    inBucket[runClass]++;
    this.runsByBucket.set(bucketMs, inBucket);
    const placement = placementOf(summary);
    if (runClass === 'scheduled') listOf(this.scheduledStarts, placement).push(atMs);
    // A run stopped by the kill switch reads no policies: it neither sees nor clears an invalid row.
    if (summary.status !== RunStatus.DISABLED) listOf(this.policyReadingStarts, placement).push(atMs);
    if (summary.status === RunStatus.PARTIAL) this.partialRuns++;
    for (const endpointId of new Set(summary.endpointErrors.map(endpointOfError))) {
      this.endpointErrors.set(endpointId, (this.endpointErrors.get(endpointId) ?? 0) + 1);
    }
    this.throttledCalls += summary.throttledCalls;
    this.terminateCalls += summary.terminateCalls;
    if (summary.canary !== undefined) {
      this.canaryRuns++;
      if (!summary.canary.ok) this.canaryFailures++;
    }
  }

  /** Folds one fail-mode answer of the gate; other admissions are not health. */
  addAdmission(record: AdmissionRecord): void {
    const admitted = record.outcome === Outcome.ADMITTED_FAIL_OPEN;
    if (!admitted && record.outcome !== Outcome.REFUSED_FAIL_CLOSED) return;
    const cause = record.failMode ?? FailModeCause.ERROR;
    const uses = this.failModes.get(cause) ?? { admitted: 0, refused: 0 };
    if (admitted) uses.admitted++;
    else uses.refused++;
    this.failModes.set(cause, uses);
  }

  /** The starts of one placement's runs that read the policies, in the order they came. */
  policyReadingRunStarts(placement: string): ArrayLike<number> {
    return this.policyReadingStarts.get(placement)?.values() ?? [];
  }

  /** How many entries it holds: buckets, endpoints with errors, and run start times. */
  footprint(): { buckets: number; endpoints: number; numbers: number } {
    let numbers = 0;
    for (const list of [...this.scheduledStarts.values(), ...this.policyReadingStarts.values()]) numbers += list.length;
    return { buckets: this.runsByBucket.size, endpoints: this.endpointErrors.size, numbers };
  }

  /** The health evidence; every bucket of the period has its run counts, zeros included. */
  evidence(): HealthEvidence {
    const runsOverTime: RunsInBucket[] = bucketStarts(this.period, this.bucket).map((bucketMs) => ({
      bucket: new Date(bucketMs).toISOString(),
      ...(this.runsByBucket.get(bucketMs) ?? { scheduled: 0, manual: 0, eventDriven: 0, continuations: 0 }),
    }));
    const gaps = [...this.scheduledStarts.keys()]
      .sort()
      .flatMap((placement) =>
        runGaps(placement, (this.scheduledStarts.get(placement) as NumberList).values(), this.endMs),
      );
    const failModeUses: FailModeUse[] = Object.values(FailModeCause).flatMap((cause) => {
      const uses = this.failModes.get(cause);
      return uses === undefined ? [] : [{ cause, ...uses }];
    });
    return {
      runs: { total: Object.values(this.runs).reduce((sum, count) => sum + count, 0), ...this.runs },
      runsOverTime,
      gaps,
      partialRuns: this.partialRuns,
      endpointErrors: [...this.endpointErrors]
        .map(([endpointId, runs]) => ({ endpointId, runs }))
        .sort((left, right) => right.runs - left.runs || (left.endpointId < right.endpointId ? -1 : 1)),
      throttledCalls: this.throttledCalls,
      terminateCalls: this.terminateCalls,
      failModeUses,
      canaryRuns: this.canaryRuns,
      canaryFailures: this.canaryFailures,
    };
  }
}

/** A continuation (by trigger or by `continues`), else what started it; no trigger means a schedule or manual run. */
function classOf(summary: RunSummary): RunClass {
  if (summary.trigger === RunTrigger.CONTINUATION || summary.continues !== undefined) return 'continuations';
  if (summary.trigger === RunTrigger.CHANGE) return 'eventDriven';
  if (summary.trigger === RunTrigger.MANUAL) return 'manual';
  return 'scheduled';
}

/** The endpoint an endpoint error names (`cvpn-endpoint-…: what failed`), or {@link ENDPOINT_LISTING}. */
function endpointOfError(message: string): string {
  return ENDPOINT_AT_START.exec(message)?.[1] ?? ENDPOINT_LISTING;
}

function listOf(lists: Map<string, NumberList>, placement: string): NumberList {
  let list = lists.get(placement);
  if (list === undefined) {
    list = new NumberList();
    lists.set(placement, list);
  }
  return list;
}
