import { DEFAULT_CONNECTION_HOUR_PRICE_USD, PolicyKind, type EnforcingKind } from '../constants.js';

/** Held with the domain's constants, which the settings (the `connectionHourPrices` default) may read. */
export { DEFAULT_CONNECTION_HOUR_PRICE_USD };

/**
 * AWS Client VPN ends every session at the endpoint's maximum session duration (`SessionTimeoutHours`, 24 hours
 * by default). The estimate of what an early end saved assumes the session would otherwise have run until then.
 */
export const ASSUMED_SESSION_HOURS = 24;

/** The kinds whose endings save connection-hours: the session would have gone on (a revoked user's would not). */
export const HOUR_SAVING_KINDS: readonly EnforcingKind[] = [
  PolicyKind.IDLE,
  PolicyKind.MAX_SESSION,
  PolicyKind.OFF_HOURS,
];

const HOUR_MS = 3_600_000;

/**
 * Connection-hours a termination ended early: from the end to {@link ASSUMED_SESSION_HOURS} after the session
 * began, never below 0; 0 for a kind that is not one of {@link HOUR_SAVING_KINDS}. The enforcer's
 * `ConnectionHoursSaved` metric and the report's cost both come from here.
 */
export function connectionHoursEndedEarly(kind: EnforcingKind, connectedAt: Date, endedAt: Date): number {
  if (!HOUR_SAVING_KINDS.includes(kind)) return 0;
  const wouldEndAt = connectedAt.getTime() + ASSUMED_SESSION_HOURS * HOUR_MS;
  return Math.max(0, wouldEndAt - endedAt.getTime()) / HOUR_MS;
}

/**
 * Seconds from the deciding rule's condition becoming true to the session ending, never below 0. The enforcer's
 * `TimeToEnforce` metric and the report's distribution both come from here.
 */
export function secondsToEnforce(conditionAt: Date, endedAt: Date): number {
  return Math.max(0, endedAt.getTime() - conditionAt.getTime()) / 1000;
}

/** The one paragraph the report and the dashboard print under the estimate. */
export const COST_METHOD =
  `Estimate. Each session ended by an idle, max-session or off-hours row is assumed to have otherwise run until ` +
  `${ASSUMED_SESSION_HOURS} hours after it began (Client VPN's default maximum session duration); the hours from ` +
  `its end to then are the connection-hours saved, priced at the Region's connection-hour price ` +
  `(${DEFAULT_CONNECTION_HOUR_PRICE_USD} USD unless set). Revoked-user, lockdown and max-connections endings are ` +
  `not counted: those sessions were not meant to go on. Endpoint-association hours are not included.`;
