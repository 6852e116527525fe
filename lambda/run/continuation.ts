import { RunStatus, type SummaryStatus } from '../domain/index.js';
import {
  type AuditLog,
  type ChangeSignal,
  type ContinuationEvent,
  ContinuationReason,
  type ContinuationStarter,
  type RunLogger,
  type RunSummary,
} from '../ports/index.js';
import { continuationRunId } from './run-id.js';
import { type HandOn, HandOnStatus, type RunReport } from './RunReport.js';

/** Where and how far a run may hand on. */
export interface ContinuationSettings {
  /** The function a continuation invokes: the ARN this run was invoked with (`context.invokedFunctionArn`). */
  readonly functionArn: string;
  /** The run id the chain began with (this run's own, unless it is a continuation). */
  readonly rootRunId: string;
  /** This run's place in its chain: 0 for the run the chain began with, n for its nth continuation. */
  readonly generation: number;
  /** Most continuations of one chain (the `maxContinuations` setting); 0: none. */
  readonly maxContinuations: number;
}

/** What handing on talks to. */
export interface HandOnPorts {
  readonly audit: Pick<AuditLog, 'putSummary'>;
  readonly changes?: ChangeSignal;
  readonly continuations?: ContinuationStarter;
  readonly logger: RunLogger;
}

/**
 * After the run released its lease: hands its work on to a continuation when a policy change arrived while
 * it held the lease (the change signal grew since it was read after taking the lease: a change that then
 * found the lease held ran nothing itself), or when it left work deferred after making progress (at least
 * one terminate call: a run that could make none would only hand the same work on). A chain stops at
 * `maxContinuations`; a continuation that cannot be started is logged and reported, never fails the run:
 * the next scheduled run takes the work up. A continuation started is added to the run's summary.
 */
export async function handOnAfterRelease(
  ports: HandOnPorts,
  options: { readonly continuation?: ContinuationSettings },
  report: RunReport,
  seenVersion: number | undefined,
  summaryOf: (report: RunReport & { readonly status: SummaryStatus }) => RunSummary,
): Promise<RunReport> {
  const settings = options.continuation;
  if (settings === undefined || ports.continuations === undefined) return report;
  const reason = await reasonToHandOn(ports, report, seenVersion);
  if (reason === undefined) return report;
  const { logger } = ports;
  if (settings.maxContinuations === 0) {
    logger.info('continuations are off (maxContinuations 0): the next scheduled run takes the work up', { reason });
    return report;
  }
  const generation = settings.generation + 1;
  const runId = continuationRunId(settings.rootRunId, generation);
  if (generation > settings.maxContinuations) {
    const error = `the chain of ${settings.rootRunId} is at maxContinuations ${settings.maxContinuations}`;
    logger.warn('no continuation: the next scheduled run takes the work up', { reason, error });
    return withHandOn(report, { status: HandOnStatus.REFUSED, runId, reason, error });
  }
  const event: ContinuationEvent = { continuation: { of: settings.rootRunId, generation, reason } };
  try {
    await ports.continuations.start(settings.functionArn, event);
  } catch (cause) {
    const error = cause instanceof Error ? cause.message : String(cause);
    logger.error('the continuation could not be started: the next scheduled run takes the work up', {
      continuation: runId,
      reason,
      error,
    });
    return withHandOn(report, { status: HandOnStatus.FAILED, runId, reason, error });
  }
  logger.info('handed on to a continuation', { continuation: runId, reason });
  const handedOn = {
    ...withHandOn(report, { status: HandOnStatus.STARTED, runId, reason }),
    handedOn: { runId, reason },
  };
  if (hasOwnSummary(handedOn)) {
    await ports.audit
      .putSummary(summaryOf(handedOn))
      .catch((error: unknown) =>
        logger.warn('could not add the continuation to the run summary', { continuation: runId, error: String(error) }),
      );
  }
  return handedOn;
}

/** Why the run should hand on, if it should. A change signal that cannot be read counts as grown. */
async function reasonToHandOn(
  ports: HandOnPorts,
  report: RunReport,
  seenVersion: number | undefined,
): Promise<ContinuationReason | undefined> {
  if (ports.changes !== undefined && seenVersion !== undefined) {
    try {
      if ((await ports.changes.version()) > seenVersion) return ContinuationReason.POLICY_CHANGED;
    } catch (error) {
      ports.logger.warn('could not read the change signal after the run: handing on in case a change arrived', {
        error: String(error),
      });
      return ContinuationReason.POLICY_CHANGED;
    }
  }
  if ((report.counts.deferred ?? 0) > 0 && report.terminateCalls > 0) return ContinuationReason.DEFERRED;
  return undefined;
}

function withHandOn(report: RunReport, handOn: HandOn): RunReport {
  return { ...report, handOn };
}

/** Whether the run wrote a summary of its own (an already finished run's summary is an earlier attempt's). */
function hasOwnSummary(report: RunReport): report is RunReport & { readonly status: SummaryStatus } {
  return report.status === RunStatus.COMPLETED || report.status === RunStatus.PARTIAL;
}
