import { type Connection, ConnectionStatus, Outcome } from '../domain/index.js';
import type { AuditLog, AuditRecord, RunLogger } from '../ports/index.js';
import { forEachBounded } from './for-each-bounded.js';

/** Settling writes in flight at once: after a large run there is one per connection it ended. */
const SETTLES_IN_FLIGHT = 16;

/** What confirmation found. */
export interface ConfirmationReport {
  /** Records whose connection was seen ended. */
  readonly confirmed: number;
  /** Records whose connection failed to terminate: settled as `failed`, as they are now. */
  readonly failed: readonly AuditRecord[];
}

/**
 * Settles the `terminated` records of earlier runs whose connection was still `terminating` when
 * they were written, against this run's own listing (no extra calls): seen `terminated`, or no
 * longer listed on an endpoint that was read → confirmed; `failed-to-terminate` → `failed`, so the
 * audit never claims an end that did not happen (the failure raises the failed-terminations alarm).
 * Records on endpoints this run could not read, or still `terminating`, wait for a later run.
 */
export async function confirmTerminations(
  ports: { readonly audit: AuditLog; readonly logger: RunLogger },
  unconfirmed: readonly AuditRecord[],
  listing: { readonly connections: readonly Connection[]; readonly readEndpoints: readonly string[] },
  runId: string,
  now: Date,
): Promise<ConfirmationReport> {
  const byId = new Map(listing.connections.map((connection) => [connection.connectionId, connection]));
  const read = new Set(listing.readEndpoints);
  let confirmed = 0;
  const failed: AuditRecord[] = [];
  const settleable = unconfirmed.filter(
    (record) =>
      record.endpointId &&
      record.connectionId &&
      read.has(record.endpointId) &&
      byId.get(record.connectionId)?.status !== ConnectionStatus.TERMINATING,
  );
  await forEachBounded(settleable, SETTLES_IN_FLIGHT, async (record) => {
    const status = byId.get(record.connectionId!)?.status;
    const key = { runId: record.runId, endpointId: record.endpointId!, connectionId: record.connectionId! };
    const completedAt = now.toISOString();
    try {
      if (status === ConnectionStatus.FAILED_TO_TERMINATE) {
        const settled = {
          outcome: Outcome.FAILED,
          currentStatus: status,
          errorCode: ConnectionStatus.FAILED_TO_TERMINATE,
          errorMessage: `EC2 accepted the call but the connection failed to terminate and is still up (found by ${runId}); end it by hand`,
          completedAt,
        };
        await ports.audit.settle(key, settled);
        failed.push({ ...record, ...settled });
      } else {
        await ports.audit.settle(key, {
          outcome: Outcome.TERMINATED,
          currentStatus: status ?? 'not-listed',
          completedAt,
        });
        confirmed += 1;
      }
    } catch (error) {
      ports.logger.warn('could not settle an unconfirmed termination; the next run tries again', {
        connectionId: record.connectionId,
        error: String(error),
      });
    }
  });
  return { confirmed, failed };
}
