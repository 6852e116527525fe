import { Outcome, PolicyKind, type EnforcingKind, type PolicyMode } from '../domain/index.js';
import { distributionOf, scaleDistribution } from '../domain/report/distribution.js';
import { secondsToEnforce } from '../domain/report/early-end.js';
import { invalidSpans } from '../domain/report/invalid-spans.js';
import type { InvalidSpan, PolicyExceptions, PolicyEvidence } from '../domain/report/types.js';
import type { AdmissionRecord, DecisionRecord, InvalidPolicyRecord } from '../ports/index.js';
import { isFirstSighting, placementOf, timeOf } from './evidence-fields.js';
import { NumberList } from './NumberList.js';

/** What the newest record that says it says of the row (the larger value on a tie, so order never matters). */
class Newest<T extends string> {
  private at = Number.NEGATIVE_INFINITY;
  value: T | undefined;

  offer(atMs: number, value: T | undefined): void {
    if (value === undefined || atMs < this.at) return;
    if (atMs === this.at && this.value !== undefined && value <= this.value) return;
    this.at = atMs;
    this.value = value;
  }
}

/** The findings of one placement about the row: when each was recorded, and which message it had. */
interface PlacementSightings {
  readonly atMs: NumberList;
  readonly messageIds: NumberList;
}

/** What the row itself says, when it still exists. */
export interface RowFacts {
  readonly kind?: PolicyEvidence['kind'];
  readonly mode?: PolicyMode;
  readonly scope: string;
  /** What a valid row checks, in words. */
  readonly rule?: string;
  readonly reason?: string;
  /** The row's `updatedAt`, epoch milliseconds. */
  readonly updatedAtMs?: number;
}

/**
 * The counts of one policy row over the period. It keeps counters, one number per measured termination (the
 * seconds to enforce), the latest ended time, the ids of runs that capped it, and one time per invalid sighting
 * (with its message, interned): never a record.
 */
export class PolicyTally {
  private ended = 0;
  private refused = 0;
  private wouldEnd = 0;
  private wouldRefuse = 0;
  private exempted = 0;
  private capped = 0;
  private failed = 0;
  private deferred = 0;
  private readonly cappedRunIds = new Set<string>();
  private readonly enforceSeconds = new NumberList();
  private lastEndedMs: number | undefined;
  private readonly recordedKind = new Newest<EnforcingKind>();
  private readonly recordedMode = new Newest<PolicyMode>();
  private readonly recordedReason = new Newest<string>();
  private readonly messages = new Map<string, number>();
  private readonly sightings = new Map<string, PlacementSightings>();

  constructor(readonly policyId: string) {}

  /** Folds one decision record of the row (its time `atMs`, already in the period). */
  addDecision(record: DecisionRecord, atMs: number): void {
    this.remember(atMs, record.policyKind, record.mode, record.policyReason);
    switch (record.outcome) {
      case Outcome.TERMINATED: {
        this.ended++;
        const endedMs = timeOf(record.completedAt) ?? atMs;
        this.lastEndedMs = Math.max(this.lastEndedMs ?? endedMs, endedMs);
        const conditionMs = timeOf(record.conditionAt);
        if (conditionMs !== undefined)
          this.enforceSeconds.push(secondsToEnforce(new Date(conditionMs), new Date(endedMs)));
        return;
      }
      case Outcome.FAILED:
        this.failed++;
        return;
      case Outcome.CAPPED:
        this.cappedRunIds.add(record.runId);
        if (isFirstSighting(record)) this.capped++;
        return;
      case Outcome.WOULD_TERMINATE:
        if (isFirstSighting(record)) this.wouldEnd++;
        return;
      case Outcome.EXEMPTED:
        if (isFirstSighting(record)) this.exempted++;
        return;
      case Outcome.DEFERRED:
        if (isFirstSighting(record)) this.deferred++;
        return;
      case Outcome.PENDING:
        return;
    }
  }

  /** Folds one admission record the row decided. */
  addAdmission(record: AdmissionRecord, atMs: number): void {
    this.remember(atMs, record.policyKind, record.mode, undefined);
    if (record.outcome === Outcome.REFUSED) this.refused++;
    else if (record.outcome === Outcome.WOULD_REFUSE) this.wouldRefuse++;
    else if (record.outcome === Outcome.ADMITTED && record.exemptedBy !== undefined) this.exempted++;
  }

  /** Folds one finding that the row was invalid in a run. */
  addInvalid(record: InvalidPolicyRecord, atMs: number): void {
    let messageId = this.messages.get(record.reason);
    if (messageId === undefined) {
      messageId = this.messages.size;
      this.messages.set(record.reason, messageId);
    }
    const placement = placementOf(record);
    let sightings = this.sightings.get(placement);
    if (sightings === undefined) {
      sightings = { atMs: new NumberList(), messageIds: new NumberList() };
      this.sightings.set(placement, sightings);
    }
    sightings.atMs.push(atMs);
    sightings.messageIds.push(messageId);
  }

  /** How many numbers and ids it holds: measured terminations, invalid sightings, capped run ids, messages. */
  footprint(): { numbers: number; runIds: number; messages: number } {
    let sightings = 0;
    for (const placement of this.sightings.values()) sightings += placement.atMs.length;
    return {
      numbers: this.enforceSeconds.length + sightings,
      runIds: this.cappedRunIds.size,
      messages: this.messages.size,
    };
  }

  /**
   * The row's evidence. `row` is the row as it is now (absent: it no longer exists); `runStarts` gives the starts
   * of each placement's runs that read the policies, to tell consecutive runs apart.
   */
  evidence(
    row: RowFacts | undefined,
    scope: string,
    runStarts: (placement: string) => ArrayLike<number>,
  ): PolicyEvidence {
    const kind = row?.kind ?? this.recordedKind.value;
    const mode = row !== undefined ? row.mode : this.recordedMode.value;
    const reason = row !== undefined ? row.reason : this.recordedReason.value;
    const timeToEnforce = distributionOf(this.enforceSeconds.values());
    return {
      policyId: this.policyId,
      ...(kind !== undefined ? { kind } : {}),
      ...(mode !== undefined ? { mode } : {}),
      ...(row?.rule !== undefined ? { rule: row.rule } : {}),
      scope: row?.scope ?? scope,
      ...(reason !== undefined ? { reason } : {}),
      rowExists: row !== undefined,
      ended: this.ended,
      refused: this.refused,
      wouldEnd: this.wouldEnd,
      wouldRefuse: this.wouldRefuse,
      exempted: this.exempted,
      capped: this.capped,
      timeToEnforce,
      ...(kind === PolicyKind.IDLE ? { idleMinutesPastLimit: scaleDistribution(timeToEnforce, 60) } : {}),
      ...(kind === PolicyKind.REVOKED_USER ? { revocation: this.revocation(row?.updatedAtMs) } : {}),
      exceptions: this.exceptions(runStarts),
    };
  }

  private revocation(writtenMs: number | undefined): PolicyEvidence['revocation'] {
    const lastEndedMs = this.lastEndedMs;
    return {
      ...(writtenMs !== undefined ? { writtenAt: new Date(writtenMs).toISOString() } : {}),
      ...(lastEndedMs !== undefined ? { lastEndedAt: new Date(lastEndedMs).toISOString() } : {}),
      // A row written again after its last ending (a new reason, say) no longer dates the revocation.
      ...(writtenMs !== undefined && lastEndedMs !== undefined && lastEndedMs >= writtenMs
        ? { seconds: (lastEndedMs - writtenMs) / 1000 }
        : {}),
    };
  }

  private exceptions(runStarts: (placement: string) => ArrayLike<number>): PolicyExceptions {
    const messages = [...this.messages.keys()];
    const invalid: InvalidSpan[] = [];
    for (const [placement, sightings] of this.sightings) {
      invalid.push(
        ...invalidSpans(
          { atMs: sightings.atMs.values(), messageIds: sightings.messageIds.values(), messages },
          runStarts(placement),
        ),
      );
    }
    invalid.sort(
      (left, right) => compareText(left.firstSeenAt, right.firstSeenAt) || compareText(left.message, right.message),
    );
    return { failed: this.failed, cappedRuns: this.cappedRunIds.size, deferred: this.deferred, invalid };
  }

  private remember(atMs: number, kind: EnforcingKind | undefined, mode: PolicyMode | undefined, reason?: string): void {
    this.recordedKind.offer(atMs, kind);
    this.recordedMode.offer(atMs, mode);
    this.recordedReason.offer(atMs, reason);
  }
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
