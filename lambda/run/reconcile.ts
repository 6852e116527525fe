import { ConnectionStatus, Outcome } from '../domain/index.js';
import type { AuditLog, AuditRecord, ClientVpnGateway, Clock, RunLogger } from '../ports/index.js';

/** What reconciliation did. */
export interface ReconcileReport {
  /** Intents completed. */
  readonly reconciled: number;
  /** Intents left pending (their connection could not be looked up); the next run tries again. */
  readonly leftPending: number;
}

const ENDED = new Set<string>([ConnectionStatus.TERMINATING, ConnectionStatus.TERMINATED]);

/**
 * Resolves intents a run left `pending` (it died between writing the intent and recording the
 * outcome) against each connection's real status: ended (or no longer listed) → `terminated`;
 * still up → `failed` (the next evaluation decides about it afresh).
 */
export async function reconcilePending(
  ports: {
    readonly audit: AuditLog;
    readonly gateway: ClientVpnGateway;
    readonly clock: Clock;
    readonly logger: RunLogger;
  },
  runId: string,
): Promise<ReconcileReport> {
  const pending = await ports.audit.listPending();
  let reconciled = 0;
  let leftPending = 0;
  for (const intent of pending) {
    if (!intent.endpointId || !intent.connectionId) continue;
    try {
      const connection = await ports.gateway.getConnection(intent.endpointId, intent.connectionId);
      await ports.audit.complete(
        { runId: intent.runId, endpointId: intent.endpointId, connectionId: intent.connectionId },
        completionFor(intent, connection?.status, runId, ports.clock.now()),
      );
      reconciled += 1;
    } catch (error) {
      leftPending += 1;
      ports.logger.warn('could not reconcile a pending intent; the next run tries again', {
        pendingRunId: intent.runId,
        connectionId: intent.connectionId,
        error: String(error),
      });
    }
  }
  return { reconciled, leftPending };
}

function completionFor(intent: AuditRecord, status: string | undefined, runId: string, now: Date) {
  const completedAt = now.toISOString();
  if (status === undefined || ENDED.has(status)) {
    const seen = status === undefined ? 'EC2 no longer lists the connection' : `the connection is ${status}`;
    return {
      outcome: Outcome.TERMINATED,
      currentStatus: status ?? 'not-listed',
      reason: `${intent.reason}; reconciled by ${runId}: ${seen}`,
      completedAt,
      awaitingConfirmation: status === ConnectionStatus.TERMINATING,
    };
  }
  return {
    outcome: Outcome.FAILED,
    currentStatus: status,
    errorCode: 'RunInterrupted',
    errorMessage: `the run stopped before recording the outcome and the connection is still ${status} (found by ${runId}); the next evaluation decides about it afresh`,
    completedAt,
  };
}
