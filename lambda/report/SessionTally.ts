import { ALL_ENDPOINTS, identityKey, KIND_PRECEDENCE, type EnforcingKind } from '../domain/index.js';
import { bucketStart, bucketStarts, type TimeSpan } from '../domain/report/bucket.js';
import type { ConnectionsInBucket, IdentityCount, ReportBucket, SessionEvidence } from '../domain/report/types.js';
import type { RunSummary } from '../ports/index.js';

/** Identities the report names. */
export const TOP_IDENTITIES = 10;

/** One identity's endings and refusals, and the spelling shown (the first in code-point order of those seen). */
interface IdentityTally {
  shown: string;
  ended: number;
  refused: number;
}

/**
 * Sessions over the period. It keeps the largest connection count per endpoint per bucket, endings per kind per
 * bucket, endings and refusals per bucket, and two counters per identity: never a record.
 */
export class SessionTally {
  private readonly connections = new Map<number, Map<string, number>>();
  private readonly endedByKind = new Map<number, Map<EnforcingKind, number>>();
  private readonly endedAndRefused = new Map<number, { ended: number; refused: number }>();
  private readonly identities = new Map<string, IdentityTally>();

  constructor(
    private readonly period: TimeSpan,
    private readonly bucket: ReportBucket,
  ) {}

  /** Folds a run's connection counts: per endpoint, or under `*` when the summary did not keep them. */
  addSummary(summary: RunSummary, atMs: number): void {
    const bucketMs = bucketStart(atMs, this.bucket);
    let counts = this.connections.get(bucketMs);
    if (counts === undefined) {
      counts = new Map();
      this.connections.set(bucketMs, counts);
    }
    const byEndpoint = summary.connectionsByEndpoint ?? { [ALL_ENDPOINTS]: summary.connectionsSeen };
    for (const [endpointId, seen] of Object.entries(byEndpoint)) {
      counts.set(endpointId, Math.max(counts.get(endpointId) ?? 0, seen));
    }
  }

  /** Folds one session a row ended, at its ended time. */
  addEnded(kind: EnforcingKind, endedMs: number, who: { username?: string; commonName?: string }): void {
    const bucketMs = bucketStart(endedMs, this.bucket);
    let byKind = this.endedByKind.get(bucketMs);
    if (byKind === undefined) {
      byKind = new Map();
      this.endedByKind.set(bucketMs, byKind);
    }
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    this.inBucket(bucketMs).ended++;
    const identity = this.identityOf(who);
    if (identity !== undefined) identity.ended++;
  }

  /** Folds one connection attempt a row refused. */
  addRefused(atMs: number, who: { username?: string; commonName?: string }): void {
    this.inBucket(bucketStart(atMs, this.bucket)).refused++;
    const identity = this.identityOf(who);
    if (identity !== undefined) identity.refused++;
  }

  /** How many entries it holds: bucket entries of every series, and identities. */
  footprint(): { buckets: number; identities: number } {
    let buckets = this.endedAndRefused.size;
    for (const counts of this.connections.values()) buckets += counts.size;
    for (const byKind of this.endedByKind.values()) buckets += byKind.size;
    return { buckets, identities: this.identities.size };
  }

  /**
   * The session evidence. Endings and refusals have every bucket of the period (zeros included), endings per kind
   * every bucket for each kind that ended a session; connection counts only the buckets a run saw.
   */
  evidence(): SessionEvidence {
    const buckets = bucketStarts(this.period, this.bucket);
    const connectionsSeen: ConnectionsInBucket[] = [...this.connections.keys()]
      .sort((left, right) => left - right)
      .flatMap((bucketMs) =>
        [...(this.connections.get(bucketMs) as Map<string, number>)]
          .sort(([left], [right]) => compareText(left, right))
          .map(([endpointId, connections]) => ({ bucket: new Date(bucketMs).toISOString(), endpointId, connections })),
      );
    const kinds = KIND_PRECEDENCE.filter((kind) => [...this.endedByKind.values()].some((byKind) => byKind.has(kind)));
    return {
      connectionsSeen,
      terminationsOverTime: buckets.flatMap((bucketMs) =>
        kinds.map((kind) => ({
          bucket: new Date(bucketMs).toISOString(),
          kind,
          ended: this.endedByKind.get(bucketMs)?.get(kind) ?? 0,
        })),
      ),
      endedAndRefusedOverTime: buckets.map((bucketMs) => ({
        bucket: new Date(bucketMs).toISOString(),
        ...(this.endedAndRefused.get(bucketMs) ?? { ended: 0, refused: 0 }),
      })),
      topIdentities: [...this.identities.values()]
        .sort(
          (left, right) =>
            right.ended + right.refused - (left.ended + left.refused) || compareText(left.shown, right.shown),
        )
        .slice(0, TOP_IDENTITIES)
        .map(({ shown, ended, refused }): IdentityCount => ({ identity: shown, ended, refused })),
    };
  }

  private inBucket(bucketMs: number): { ended: number; refused: number } {
    let counts = this.endedAndRefused.get(bucketMs);
    if (counts === undefined) {
      counts = { ended: 0, refused: 0 };
      this.endedAndRefused.set(bucketMs, counts);
    }
    return counts;
  }

  /** The identity's tally, keyed as the audit table keys identities (folded); none without a name. */
  private identityOf(who: { username?: string; commonName?: string }): IdentityTally | undefined {
    const key = identityKey(who);
    if (key === undefined) return undefined;
    const shown = (identityKey({ username: who.username }) !== undefined ? who.username : who.commonName) as string;
    const tally = this.identities.get(key);
    if (tally === undefined) {
      const created = { shown: shown.trim(), ended: 0, refused: 0 };
      this.identities.set(key, created);
      return created;
    }
    if (shown.trim() < tally.shown) tally.shown = shown.trim();
    return tally;
  }
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
