import { ConnectionStatus, Outcome } from '../domain/index.js';
import {
  type AuditCompletion,
  type AuditLog,
  AuditTransition,
  type ClientVpnGateway,
  type Clock,
  type DecisionRecord,
  type RunLogger,
} from '../ports/index.js';
import { decisionKey } from './audit-records.js';

/** What reconciliation did. */
export interface ReconcileReport {
  /** Intents completed. */
  readonly reconciled: number;
  /** Intents left pending (their connection could not be looked up, or the write failed); the next run tries again. */
  readonly leftPending: number;
}

const ENDED = new Set<string>([ConnectionStatus.TERMINATING, ConnectionStatus.TERMINATED]);

/**
 * Completes ({@link AuditTransition.COMPLETE}) the intents a run left `pending` (it died between
 * writing the intent and recording the outcome) against each connection's real status: ended (or no
 * longer listed) → `terminated`, unconfirmed while still `terminating`; still up → `failed` (the next
 * evaluation decides about it afresh).
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
    try {
      const connection = await ports.gateway.getConnection(intent.endpointId, intent.connectionId);
      await ports.audit.complete(
        decisionKey(intent),
        completionFor(intent, connection?.status, runId, ports.clock.now()),
      );
      reconciled += 1;
    } catch (error) {
      leftPending += 1;
      ports.logger.warn('audit complete failed for an intent an earlier run left pending; the next run tries again', {
        transition: AuditTransition.COMPLETE,
        pendingRunId: intent.runId,
        connectionId: intent.connectionId,
        error: String(error),
      });
    }
  }
  return { reconciled, leftPending };
}

function completionFor(intent: DecisionRecord, status: string | undefined, runId: string, now: Date): AuditCompletion {
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
