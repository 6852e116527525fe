import { PolicyKind } from '../constants.js';
import { formatHolder } from '../format/format-identity.js';
import { identityKey } from '../identity/identity-key.js';
import type { EnforcingRow, MaxConnectionsRow } from '../policy/schema.js';
import { lockdownFires, lockdownReason } from '../rules/lockdown.js';
import { maxConnectionsRefusalReason, maxConnectionsRefuses } from '../rules/max-connections.js';
import { offHoursFires, offHoursReason } from '../rules/off-hours.js';
import { revokedUserFires, revokedUserReason } from '../rules/revoked-user.js';
import { byPolicy, sinceRowWrite } from '../rules/rule.js';
import { inRuleScope } from '../rules/rule-scope.js';
import type { ConnectionAttempt, ConnectionCount, Firing } from '../types.js';

/** A rule that fired on an attempt, with the message its row shows a refused user. */
export interface AttemptFiring {
  readonly firing: Firing;
  /** The row's `message`, when it has one. */
  readonly message?: string;
}

/** What the rules made of one attempt, before exemptions and modes. */
export interface AttemptFirings {
  /** Every rule that fired, in the order of the rows (the caller sorts them by precedence). */
  readonly firings: readonly AttemptFiring[];
  /** Every `max-connections` row whose scope holds the attempt, with the count it judged by, in row order. */
  readonly counted: readonly ConnectionCount[];
  /** What could not be judged, in words. */
  readonly notes: readonly string[];
}

/** What one row made of the attempt: the reason it fired with, a count it judged by, a note. */
interface RowCheck {
  readonly reason?: string;
  readonly count?: ConnectionCount;
  readonly note?: string;
}

/**
 * Runs each enforcing row (in force, on the attempt's endpoint) whose scope holds the attempt, as a run
 * scopes it ({@link inRuleScope}), through the connect-time check of its kind: `lockdown` and `revoked-user`
 * fire as they do in a run, `off-hours` fires outside every allowed window at `now`, `max-connections` fires
 * when one more connection would exceed the limit. `idle` and `max-session` judge a session, and an attempt
 * has none yet: they never fire here.
 */
export function fireAtConnect(
  rows: readonly EnforcingRow[],
  attempt: ConnectionAttempt,
  known: number | undefined,
  now: Date,
): AttemptFirings {
  const firings: AttemptFiring[] = [];
  const counted: ConnectionCount[] = [];
  const notes: string[] = [];
  for (const row of rows) {
    if (!inRuleScope(row, attempt)) continue;
    const check = checkRow(row, attempt, known, now);
    if (check.reason !== undefined) firings.push(firingOf(row, check.reason, now));
    if (check.count !== undefined) counted.push(check.count);
    if (check.note !== undefined) notes.push(check.note);
  }
  return { firings, counted, notes };
}

function checkRow(row: EnforcingRow, attempt: ConnectionAttempt, known: number | undefined, now: Date): RowCheck {
  switch (row.kind) {
    case PolicyKind.LOCKDOWN:
      return { reason: lockdownReason(row, lockdownFires(row, attempt)) };
    case PolicyKind.REVOKED_USER: {
      const identity = revokedUserFires(row, attempt);
      return identity === undefined ? {} : { reason: revokedUserReason(row, identity) };
    }
    case PolicyKind.OFF_HOURS: {
      const local = offHoursFires(row, now);
      return local === undefined ? {} : { reason: offHoursReason(row, local) };
    }
    case PolicyKind.MAX_CONNECTIONS:
      return checkCount(row, attempt, known);
    case PolicyKind.IDLE:
    case PolicyKind.MAX_SESSION:
      return {};
  }
}

/**
 * A run counts connections by {@link identityKey} and never counts one without identity; so here. An
 * unknown count refuses nothing: the next run counts, and ends the connections over the limit.
 */
function checkCount(row: MaxConnectionsRow, attempt: ConnectionAttempt, known: number | undefined): RowCheck {
  if (identityKey(attempt) === undefined)
    return { note: `max-connections: the attempt has neither user name nor common name to count by ${byPolicy(row)}` };
  const count = { policyId: row.policyId, held: known, maxConnections: row.maxConnections };
  if (known === undefined)
    return { count, note: `max-connections count unknown: not refused by it, left to the next run ${byPolicy(row)}` };
  const evidence = maxConnectionsRefuses(row, known, formatHolder(attempt));
  return evidence === undefined ? { count } : { count, reason: maxConnectionsRefusalReason(row, evidence) };
}

/**
 * The firing of a row on an attempt. Its condition holds from the attempt itself (a connection established now), as
 * a run at this instant would say of the fresh connection: off-hours, and the row kinds that judge who or where the
 * client is when the row says when it was written.
 */
function firingOf(row: EnforcingRow, reason: string, now: Date): AttemptFiring {
  const conditionAt = row.kind === PolicyKind.OFF_HOURS ? now : sinceRowWrite(row, { establishedAt: now }, { now });
  const firing = {
    policyId: row.policyId,
    kind: row.kind,
    mode: row.mode,
    reason,
    ...(conditionAt === undefined ? {} : { conditionAt }),
  };
  return 'message' in row && row.message !== undefined ? { firing, message: row.message } : { firing };
}
