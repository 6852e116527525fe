import { randomUUID } from 'node:crypto';
import { type Decision, type Placement, RunStatus, type SummaryStatus } from './domain/index.js';
import {
  type AuditLog,
  AuditRecordType,
  type ChangeSignal,
  type ClientVpnGateway,
  type Clock,
  type ConnectHandlerProbe,
  type ConnectionFacts,
  type ContinuationStarter,
  type DecisionRecord,
  type EndpointSelection,
  type IdleStateStore,
  type Notifier,
  type PolicyRepository,
  type RunLease,
  type RunLogger,
  type RunRecord,
  type RunSummary,
  RunTrigger,
  SILENT_LOGGER,
} from './ports/index.js';
import { countOutcomes, decisionRecord } from './run/audit-records.js';
import { type CanaryOutcome, type CanarySettings, runConnectHandlerCanary } from './run/connect-handler-canary.js';
import { type Confirmation, type ConfirmationReport, confirmTerminations } from './run/confirm-terminations.js';
import { type ContinuationSettings, handOnAfterRelease } from './run/continuation.js';
import { decideRun, type RunPlan } from './run/decide-run.js';
import { digestOf } from './run/digest.js';
import { forEachBounded } from './run/for-each-bounded.js';
import { connectionsByEndpoint, gatherRun } from './run/gather-run.js';
import { reconcilePending } from './run/reconcile.js';
import type { RunReport } from './run/RunReport.js';
import { TerminationExecutor, type TerminationSettings } from './run/TerminationExecutor.js';

/**
 * Final audit records (decisions that call nothing, invalid rows) written at once. One at a time, the
 * thousands an observe-mode rule records on a large fleet held up the terminate calls for minutes.
 */
const FINAL_RECORDS_IN_FLIGHT = 16;

/** What a run talks to. */
export interface EnforcementPorts {
  readonly gateway: ClientVpnGateway;
  readonly policies: PolicyRepository;
  readonly audit: AuditLog;
  readonly idleState: IdleStateStore;
  /** The facts the gate kept of the connections it admitted: their groups. */
  readonly facts: Pick<ConnectionFacts, 'load'>;
  readonly lease: RunLease;
  /** Where digests go. @default none */
  readonly notifier?: Notifier;
  readonly clock: Clock;
  /** Sends the client connect handler the run's canary. @default none: no canary */
  readonly connectHandlerProbe?: ConnectHandlerProbe;
  /** The policies table's change signal, read after taking the lease and after releasing it. @default none */
  readonly changes?: ChangeSignal;
  /** Starts the continuation a run hands its work on to. @default none: no continuation */
  readonly continuations?: ContinuationStarter;
  /** @default silent */
  readonly logger?: RunLogger;
}

/** How a run behaves. */
export interface EnforcementOptions {
  readonly runId: string;
  /** A spoke's run: the spoke, named in its digest. @default a single deployment's run */
  readonly spoke?: Placement;
  /** What started the run; its summary says it. @default manual */
  readonly trigger?: RunTrigger;
  /** For a continuation: the run it continues. */
  readonly continues?: string;
  /**
   * Where and how far the run may hand on (with `continuations`): its function, its chain, its bound.
   * @default no continuation
   */
  readonly continuation?: ContinuationSettings;
  /** Never call terminate: `terminate` decisions are recorded as `would-terminate`. */
  readonly dryRun: boolean;
  /** The kill switch: record a summary and do nothing else. */
  readonly disabled: boolean;
  readonly endpointSelection: EndpointSelection;
  /** Global cap; a run over it terminates nothing. */
  readonly maxTerminationsPerRun: number;
  /** How long the lease is held. */
  readonly leaseMs: number;
  /**
   * Who runs: Lambda's request id, which a retry of the same asynchronous invocation keeps. Another
   * invocation of the same tick (a duplicate delivery) does nothing while this one holds the lease.
   * @default a new id: no other invocation may take this one's lease before it expires
   */
  readonly invocationId?: string;
  /** Pacing, retries and the time budget of terminate calls. */
  readonly termination: TerminationSettings;
  /** Endpoints read at once. @default {@link ENDPOINTS_IN_FLIGHT} */
  readonly endpointConcurrency?: number;
  /**
   * The client connect handler to send one canary attempt, on the first endpoint read, while the terminate
   * calls are made (with `connectHandlerProbe`). @default no canary
   */
  readonly canary?: CanarySettings;
}

/** Who runs and since when: what every report holds, however far the run got. */
interface RunStart {
  readonly runId: string;
  readonly spoke?: Placement;
  readonly trigger: RunTrigger;
  readonly continues?: string;
  readonly dryRun: boolean;
  readonly startedAt: Date;
}

/** What the listing came to, kept once the listing itself is freed. */
interface ListedEndpoints {
  readonly endpoints: number;
  /** The first endpoint listed: the one the canary claims to connect to. */
  readonly firstEndpoint?: string;
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen: number;
  readonly connectionsByEndpoint: Readonly<Record<string, number>>;
}

/** What the terminate phase and the writes beside it did. */
interface CarriedOut {
  /** Every final record of this run, in order: invalid rows, kept, finals, the terminate calls' outcomes. */
  readonly records: readonly RunRecord[];
  readonly lateFailures: readonly DecisionRecord[];
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  readonly auditFailures: number;
}

/** What a run got done, for its report (nothing, for a run that stopped before reading). */
interface RunProgress extends CarriedOut {
  readonly listed: ListedEndpoints;
  readonly plan: RunPlan;
  readonly reconciled: number;
  readonly canary?: CanaryOutcome;
}

/**
 * One enforcement run: lease, read the change signal, reconcile, gather, decide, record, terminate, confirm,
 * summarise, notify, release, then hand on if it has a reason to (see run/continuation.ts).
 */
export async function runEnforcement(ports: EnforcementPorts, options: EnforcementOptions): Promise<RunReport> {
  const logger = ports.logger ?? SILENT_LOGGER;
  const start: RunStart = {
    runId: options.runId,
    ...(options.spoke === undefined ? {} : { spoke: options.spoke }),
    trigger: options.trigger ?? RunTrigger.MANUAL,
    ...(options.continues === undefined ? {} : { continues: options.continues }),
    dryRun: options.dryRun,
    startedAt: ports.clock.now(),
  };

  if (options.disabled) {
    logger.warn('kill switch is on: nothing is read or terminated');
    return finish(ports, logger, reportOf(start, RunStatus.DISABLED, ports.clock.now()));
  }
  const holder = options.invocationId ?? randomUUID();
  const leaseUntil = new Date(start.startedAt.getTime() + options.leaseMs);
  if (!(await ports.lease.acquire(options.runId, start.startedAt, leaseUntil, holder))) {
    logger.warn('another run holds the lease: this one does nothing');
    return reportOf(start, RunStatus.SKIPPED, ports.clock.now());
  }
  let seenVersion: number | undefined;
  let report: RunReport;
  try {
    // Read before the policies: a change noted after this read is seen again once the lease is released.
    seenVersion = await ports.changes?.version();
    report = await leasedRun(ports, options, logger, start);
  } finally {
    await ports.lease
      .release(options.runId)
      .catch((error: unknown) =>
        logger.warn('could not release the lease; it expires on its own', { error: String(error) }),
      );
  }
  return handOnAfterRelease({ ...ports, logger }, options, report, seenVersion, summaryOf);
}

/** What a run does while it holds the lease. */
async function leasedRun(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  logger: RunLogger,
  start: RunStart,
): Promise<RunReport> {
  const earlier = await ports.audit.getRun(options.runId);
  if (earlier.summary) {
    logger.info('this run already finished: nothing is done again', { runId: options.runId });
    return reportOf(start, RunStatus.ALREADY_DONE, ports.clock.now());
  }
  const { reconciled } = await reconcilePending({ ...ports, logger }, options.runId);
  // Reconciling may have completed intents an earlier attempt of this very run left pending: count them
  // as they are now.
  const earlierRecords = reconciled > 0 ? (await ports.audit.getRun(options.runId)).records : earlier.records;
  const { listed, plan } = await gatherAndDecide(ports, options, logger, start.startedAt, earlierRecords);
  if (plan.globallyCapped)
    logger.warn('global cap reached: this run terminates nothing', { cap: options.maxTerminationsPerRun });
  for (const finding of plan.findings)
    logger.warn('invalid policy row: it matches nothing', { policyId: finding.policyId, issues: finding.issues });
  await recordAll(ports.audit, plan.invalidPolicyRecords);
  // The canary runs beside the terminate calls, bounded in time: it never delays them, and never fails the run.
  const canary = startCanary(ports, options, logger, listed.firstEndpoint);
  const carried = await carryOut(ports, options, logger, start.startedAt, plan);
  const status = listed.endpointErrors.length > 0 ? RunStatus.PARTIAL : RunStatus.COMPLETED;
  return await finish(
    ports,
    logger,
    reportOf(start, status, ports.clock.now(), { ...carried, listed, plan, reconciled, canary: await canary }),
  );
}

/**
 * Gathers what the run decides on and decides. The listing stays in here: on a large fleet it is the
 * run's largest object, and the terminate calls that follow can take minutes.
 */
async function gatherAndDecide(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  logger: RunLogger,
  now: Date,
  earlier: readonly RunRecord[],
): Promise<{ listed: ListedEndpoints; plan: RunPlan }> {
  const gathered = await gatherRun(
    { ...ports, logger },
    { endpointSelection: options.endpointSelection, endpointConcurrency: options.endpointConcurrency },
  );
  const plan = decideRun(gathered, {
    runId: options.runId,
    now,
    dryRun: options.dryRun,
    maxTerminationsPerRun: options.maxTerminationsPerRun,
    earlier,
  });
  const { listing } = gathered;
  return {
    listed: {
      endpoints: listing.endpointIds.length,
      firstEndpoint: listing.endpointIds[0],
      endpointErrors: listing.endpointErrors,
      connectionsSeen: listing.connections.length,
      connectionsByEndpoint: connectionsByEndpoint(listing),
    },
    plan,
  };
}

/** The run's canary, when there is a handler to send it to and an endpoint to claim; else nothing. */
async function startCanary(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  logger: RunLogger,
  endpointId: string | undefined,
): Promise<CanaryOutcome | undefined> {
  if (!options.canary || !ports.connectHandlerProbe) return undefined;
  if (endpointId === undefined) {
    logger.warn('no endpoint was listed: the client connect handler gets no canary this run');
    return undefined;
  }
  return runConnectHandlerCanary(ports.connectHandlerProbe, options.canary, endpointId, logger);
}

/** Makes the terminate calls and writes the other records, the idle memory and the confirmations meanwhile. */
async function carryOut(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  logger: RunLogger,
  startedAt: Date,
  plan: RunPlan,
): Promise<CarriedOut> {
  const executor = new TerminationExecutor(
    { gateway: ports.gateway, audit: ports.audit, clock: ports.clock, logger },
    options.termination,
  );
  // Terminate calls spend most of their time waiting for the token bucket: the records of decisions
  // that call nothing, the idle memory and the confirmations of earlier terminations are written
  // meanwhile rather than before the first call. Each call still writes its own intent first; a
  // failed write here fails the run once they are done.
  const [finalsWritten, idleSaved, confirmed, terminated] = await Promise.allSettled([
    recordAll(ports.audit, plan.finals),
    plan.idleMemory && ports.idleState.save(plan.idleMemory.next, plan.idleMemory.previous),
    plan.confirmations.length > 0 ? confirmEarlier(ports.audit, logger, plan.confirmations) : undefined,
    executor.execute(plan.calls, (decision: Decision) => decisionRecord(options.runId, startedAt, decision)),
  ]);
  if (finalsWritten.status === 'rejected') throw finalsWritten.reason;
  if (idleSaved.status === 'rejected') throw idleSaved.reason;
  if (confirmed.status === 'rejected') throw confirmed.reason;
  if (terminated.status === 'rejected') throw terminated.reason;
  const outcome = terminated.value;
  return {
    records: [...plan.invalidPolicyRecords, ...plan.kept, ...plan.finals, ...outcome.records],
    lateFailures: confirmed.value?.failed ?? [],
    terminateCalls: outcome.terminateCalls,
    throttledCalls: outcome.throttledCalls,
    auditFailures: outcome.auditFailures,
  };
}

/** Confirms earlier runs' terminations and logs each that did not take effect. */
async function confirmEarlier(
  audit: AuditLog,
  logger: RunLogger,
  confirmations: readonly Confirmation[],
): Promise<ConfirmationReport> {
  const report = await confirmTerminations({ audit, logger }, confirmations);
  for (const failure of report.failed) {
    logger.error('an earlier termination did not take effect: the connection is still up', {
      runId: failure.runId,
      connectionId: failure.connectionId,
    });
  }
  return report;
}

/** Records final records, {@link FINAL_RECORDS_IN_FLIGHT} at a time; the first failed write stops the rest. */
function recordAll(audit: AuditLog, records: readonly RunRecord[]): Promise<void> {
  return forEachBounded(records, FINAL_RECORDS_IN_FLIGHT, (record) => audit.record(record));
}

/** The report of a run that ended with `status`, after `progress` (none when it stopped before reading). */
function reportOf<S extends RunStatus>(
  start: RunStart,
  status: S,
  finishedAt: Date,
  progress?: RunProgress,
): RunReport & { readonly status: S } {
  const records = progress?.records ?? [];
  return {
    ...start,
    status,
    finishedAt,
    durationMs: finishedAt.getTime() - start.startedAt.getTime(),
    endpoints: progress?.listed.endpoints ?? 0,
    endpointErrors: progress?.listed.endpointErrors ?? [],
    connectionsSeen: progress?.listed.connectionsSeen ?? 0,
    ...(progress === undefined ? {} : { connectionsByEndpoint: progress.listed.connectionsByEndpoint }),
    decisions: progress?.plan.decisions ?? [],
    records,
    counts: countOutcomes(records),
    findings: progress?.plan.findings ?? [],
    terminateCalls: progress?.terminateCalls ?? 0,
    throttledCalls: progress?.throttledCalls ?? 0,
    reconciled: progress?.reconciled ?? 0,
    lateFailures: progress?.lateFailures ?? [],
    auditFailures: progress?.auditFailures ?? 0,
    ...(progress?.canary ? { canary: progress.canary } : {}),
    groups: progress?.plan.groups ?? { unknown: 0, mismatched: 0, selectingRows: [] },
  };
}

/** Writes the run's summary record and publishes its digest (if there is one). */
async function finish(
  ports: EnforcementPorts,
  logger: RunLogger,
  report: RunReport & { readonly status: SummaryStatus },
): Promise<RunReport> {
  await ports.audit.putSummary(summaryOf(report));
  const digest = digestOf(report);
  if (digest && ports.notifier) {
    await ports.notifier
      .publish(digest)
      .catch((error: unknown) => logger.error('could not publish the run digest', { error: String(error) }));
  }
  return report;
}

/** A run's summary record, from its report. */
function summaryOf(report: RunReport & { readonly status: SummaryStatus }): RunSummary {
  return {
    recordType: AuditRecordType.SUMMARY,
    runId: report.runId,
    trigger: report.trigger,
    ...(report.continues === undefined ? {} : { continues: report.continues }),
    ...(report.handedOn === undefined ? {} : { handedOn: report.handedOn }),
    at: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    durationMs: report.durationMs,
    status: report.status,
    dryRun: report.dryRun,
    endpoints: report.endpoints,
    endpointErrors: report.endpointErrors,
    connectionsSeen: report.connectionsSeen,
    ...(report.connectionsByEndpoint === undefined ? {} : { connectionsByEndpoint: report.connectionsByEndpoint }),
    counts: report.counts,
    invalidPolicies: report.findings.length,
    terminateCalls: report.terminateCalls,
    throttledCalls: report.throttledCalls,
    reconciled: report.reconciled,
    lateFailures: report.lateFailures.length,
    ...(report.canary ? { canary: report.canary } : {}),
  };
}
