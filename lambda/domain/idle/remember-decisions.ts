import type { ConnectionIdleState, IdleState, RememberedDecision } from '../types.js';

/** One decision a run records about one connection: what makes it "the same decision" run after run. */
export interface DecisionSighting {
  readonly endpointId: string;
  readonly connectionId: string;
  readonly policyId: string;
  readonly outcome: string;
  /** The first-seen time a record of this run already holds (an earlier attempt wrote it). @default none */
  readonly since?: Date;
}

/** The idle memory to save, with each sighting's first-seen time. */
export interface RememberedRun {
  /** `advanced` with each connection's decisions of this run; entries that hold nothing are left out. */
  readonly memory: IdleState;
  /** When each sighting's decision was first recorded in an unbroken sequence of runs (now, when new). */
  readonly firstSeenAt: (sighting: DecisionSighting) => Date;
}

/**
 * Keeps in the idle memory, beside the traffic, which decisions this run records about each connection, so
 * the next run knows since when the same decision (endpoint, connection, policy, outcome) holds. A decision
 * the previous run did not record starts now: a run that does not record it breaks the sequence.
 *
 * `advanced` is the idle memory after this run's observation ({@link advanceIdleState}), `previous` the one
 * earlier runs left. The result holds the entries of `advanced` that have idle thresholds or decisions.
 * Pure.
 */
export function rememberDecisions(
  advanced: IdleState,
  previous: IdleState,
  sightings: readonly DecisionSighting[],
  now: Date,
): RememberedRun {
  const firstSeen = new Map<string, Date>();
  const byConnection = new Map<string, RememberedDecision[]>();
  for (const sighting of sightings) {
    const key = sightingKey(sighting);
    if (firstSeen.has(key)) continue;
    const earlier = previous.get(sighting.connectionId);
    const remembered =
      earlier?.endpointId === sighting.endpointId
        ? earlier.decisions?.find(
            (decision) => decision.policyId === sighting.policyId && decision.outcome === sighting.outcome,
          )
        : undefined;
    const since =
      sighting.since ?? (remembered !== undefined && remembered.firstSeenAt <= now ? remembered.firstSeenAt : now);
    firstSeen.set(key, since);
    const list = byConnection.get(connectionKey(sighting)) ?? [];
    list.push({ policyId: sighting.policyId, outcome: sighting.outcome, firstSeenAt: since });
    byConnection.set(connectionKey(sighting), list);
  }
  const memory = new Map<string, ConnectionIdleState>();
  for (const [connectionId, entry] of advanced) {
    const decisions = byConnection.get(connectionKey(entry)) ?? [];
    if (entry.thresholds.length === 0 && decisions.length === 0) continue;
    memory.set(connectionId, decisions.length > 0 ? { ...entry, decisions } : withoutDecisions(entry));
  }
  return { memory, firstSeenAt: (sighting) => firstSeen.get(sightingKey(sighting)) ?? now };
}

function withoutDecisions(entry: ConnectionIdleState): ConnectionIdleState {
  const { decisions: _decisions, ...rest } = entry;
  return rest;
}

function connectionKey(of: { readonly endpointId: string; readonly connectionId: string }): string {
  return JSON.stringify([of.endpointId, of.connectionId]);
}

function sightingKey(sighting: DecisionSighting): string {
  return JSON.stringify([sighting.endpointId, sighting.connectionId, sighting.policyId, sighting.outcome]);
}
