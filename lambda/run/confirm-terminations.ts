import { type Connection, ConnectionStatus, Outcome } from '../domain/index.js';
import {
  type AuditConfirmation,
  type AuditLog,
  AuditTransition,
  type DecisionRecord,
  type RunLogger,
} from '../ports/index.js';
import { decisionKey, withOutcome } from './audit-records.js';
import { forEachBounded } from './for-each-bounded.js';

/** Confirmations written at once: after a large run there is one per connection it ended. */
const CONFIRMATIONS_IN_FLIGHT = 16;

/** One unconfirmed termination of an earlier run, and how this run's listing says it ended. */
export interface Confirmation {
  /** The record as the audit log listed it. */
  readonly record: DecisionRecord;
  readonly confirmation: AuditConfirmation;
}

/** What a run's listing shows of the connections unconfirmed terminations name. */
export interface ConfirmationListing {
  readonly connections: readonly Connection[];
  /** Endpoints whose connections were listed. */
  readonly readEndpoints: readonly string[];
}

/** What confirming found. */
export interface ConfirmationReport {
  /** Records whose connection was seen ended. */
  readonly confirmed: number;
  /** Records whose connection failed to terminate: confirmed as `failed`, as they are now. */
  readonly failed: readonly DecisionRecord[];
}

/**
 * How the unconfirmed terminations of earlier runs ended, by this run's own listing (no extra calls):
 * seen `terminated`, or no longer listed on an endpoint that was read → `terminated`;
 * `failed-to-terminate` → `failed`, so the audit never claims an end that did not happen (the failure
 * raises the failed-terminations alarm). Records on endpoints this run could not read, or still
 * `terminating`, wait for a later run. Pure: `now` and `runId` are this run's.
 */
export function confirmationsOf(
  unconfirmed: readonly DecisionRecord[],
  listing: ConfirmationListing,
  runId: string,
  now: Date,
): Confirmation[] {
  if (unconfirmed.length === 0) return [];
  const named = new Set(unconfirmed.map((record) => record.connectionId));
  const byId = new Map<string, Connection>();
  for (const connection of listing.connections)
    if (named.has(connection.connectionId)) byId.set(connection.connectionId, connection);
  const read = new Set(listing.readEndpoints);
  const confirmedAt = now.toISOString();
  return unconfirmed.flatMap((record): Confirmation[] => {
    const status = byId.get(record.connectionId)?.status;
    if (!read.has(record.endpointId) || status === ConnectionStatus.TERMINATING) return [];
    if (status === ConnectionStatus.FAILED_TO_TERMINATE) {
      return [
        {
          record,
          confirmation: {
            outcome: Outcome.FAILED,
            currentStatus: status,
            errorCode: ConnectionStatus.FAILED_TO_TERMINATE,
            errorMessage: `EC2 accepted the call but the connection failed to terminate and is still up (found by ${runId}); end it by hand`,
            confirmedAt,
          },
        },
      ];
    }
    return [
      { record, confirmation: { outcome: Outcome.TERMINATED, currentStatus: status ?? 'not-listed', confirmedAt } },
    ];
  });
}

/**
 * Writes each confirmation ({@link AuditTransition.CONFIRM}), {@link CONFIRMATIONS_IN_FLIGHT} at a time.
 * One that cannot be written is logged and left unconfirmed: the next run tries again.
 */
export async function confirmTerminations(
  ports: { readonly audit: AuditLog; readonly logger: RunLogger },
  confirmations: readonly Confirmation[],
): Promise<ConfirmationReport> {
  let confirmed = 0;
  const failed: DecisionRecord[] = [];
  await forEachBounded(confirmations, CONFIRMATIONS_IN_FLIGHT, async ({ record, confirmation }) => {
    try {
      await ports.audit.confirm(decisionKey(record), confirmation);
      if (confirmation.outcome === Outcome.FAILED) failed.push(withOutcome(record, confirmation));
      else confirmed += 1;
    } catch (error) {
      ports.logger.warn('audit confirm failed: the termination stays unconfirmed; the next run tries again', {
        transition: AuditTransition.CONFIRM,
        connectionId: record.connectionId,
        error: String(error),
      });
    }
  });
  return { confirmed, failed };
}
