import type { DecisionRecord, RunSummary } from '../ports/index.js';

/**
 * The decision evidence a decision record carries: when the deciding rule's condition became true and when the
 * connection was established (ISO). Records written before the enforcer kept them lack both, and are not measured.
 */
export type MeasuredDecision = DecisionRecord & {
  readonly conditionAt?: string;
  readonly connectedAt?: string;
};

/** A run summary with the connections each endpoint listed, when the run kept them. */
export type SummaryWithEndpoints = RunSummary & {
  readonly connectionsByEndpoint?: Readonly<Record<string, number>>;
};

/** Epoch milliseconds of an ISO time; `undefined` when it is absent or not a time. */
export function timeOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether a record is the first sighting of its decision: its `firstSeenAt` is its `at`, or it has none. */
export function isFirstSighting(record: { readonly at: string; readonly firstSeenAt?: string }): boolean {
  return record.firstSeenAt === undefined || timeOf(record.firstSeenAt) === timeOf(record.at);
}

/** `<account>/<region>` of the deployment that wrote a record, or `local` when it does not say both. */
export function placementOf(record: { readonly accountId?: string; readonly region?: string }): string {
  return record.accountId !== undefined && record.region !== undefined ? `${record.accountId}/${record.region}` : LOCAL;
}

/** The placement of records a single deployment wrote without its account. */
export const LOCAL = 'local';
