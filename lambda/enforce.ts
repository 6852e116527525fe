import { randomUUID } from 'node:crypto';
import {
  type Connection,
  type Decision,
  evaluate,
  type IdleState,
  planTerminations,
  PolicyKind,
  type PolicyRow,
  type PolicyValidationError,
  RunStatus,
  type SummaryStatus,
  type TerminationCall,
  Verdict,
} from './domain/index.js';
import {
  type AuditLog,
  AuditRecordType,
  type ClientVpnGateway,
  type Clock,
  type DecisionRecord,
  type EndpointSelection,
  type IdleStateStore,
  type Notifier,
  type PolicyRepository,
  type RunLease,
  type RunLogger,
  type RunRecord,
  SILENT_LOGGER,
} from './ports/index.js';
import { countOutcomes, decisionRecord, invalidPolicyRecord } from './run/audit-records.js';
import { confirmationsOf, confirmTerminations } from './run/confirm-terminations.js';
import { digestOf } from './run/digest.js';
import { forEachBounded } from './run/for-each-bounded.js';
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
  readonly lease: RunLease;
  /** Where digests go. @default none */
  readonly notifier?: Notifier;
  readonly clock: Clock;
  /** @default silent */
  readonly logger?: RunLogger;
}

/** How a run behaves. */
export interface EnforcementOptions {
  readonly runId: string;
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
  /** Endpoints read at once. @default 5 */
  readonly endpointConcurrency?: number;
}

/** One enforcement run: lease, reconcile, load, list, evaluate, terminate, record, notify, release. */
export async function runEnforcement(ports: EnforcementPorts, options: EnforcementOptions): Promise<RunReport> {
  const logger = ports.logger ?? SILENT_LOGGER;
  const startedAt = ports.clock.now();
  const run = new RunState(options.runId, options.dryRun, startedAt);

  if (options.disabled) {
    logger.warn('kill switch is on: nothing is read or terminated');
    return finish(ports, run, RunStatus.DISABLED);
  }
  const holder = options.invocationId ?? randomUUID();
  if (!(await ports.lease.acquire(options.runId, startedAt, new Date(startedAt.getTime() + options.leaseMs), holder))) {
    logger.warn('another run holds the lease: this one does nothing');
    return run.report(RunStatus.SKIPPED, ports.clock.now());
  }
  try {
    const earlier = await ports.audit.getRun(options.runId);
    if (earlier.summary) {
      logger.info('this run already finished: nothing is done again', { runId: options.runId });
      return run.report(RunStatus.ALREADY_DONE, ports.clock.now());
    }
    run.reconciled = (await reconcilePending({ ...ports, logger }, options.runId)).reconciled;
    // Reconciling may have completed intents an earlier attempt of this very run left pending: count them as they are now.
    const earlierRecords = run.reconciled > 0 ? (await ports.audit.getRun(options.runId)).records : earlier.records;
    const { rows, findings } = await ports.policies.loadAll();
    const plan = await planRun(ports, options, run, logger, { rows, findings, earlier: earlierRecords });
    await carryOut(ports, options, run, logger, plan);
    return await finish(ports, run, run.endpointErrors.length > 0 ? RunStatus.PARTIAL : RunStatus.COMPLETED);
  } finally {
    await ports.lease
      .release(options.runId)
      .catch((error: unknown) =>
        logger.warn('could not release the lease; it expires on its own', { error: String(error) }),
      );
  }
}

async function listConnections(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  run: RunState,
  logger: RunLogger,
): Promise<Connection[]> {
  let endpoints;
  try {
    endpoints = await ports.gateway.listEndpoints(options.endpointSelection);
  } catch (error) {
    run.endpointErrors.push(`listing endpoints failed: ${String(error)}`);
    logger.error('listing endpoints failed', { error: String(error) });
    return [];
  }
  const found = new Set(endpoints.map((endpoint) => endpoint.endpointId));
  for (const missing of options.endpointSelection.endpointIds ?? []) {
    if (!found.has(missing))
      run.endpointErrors.push(`${missing}: selected, but no such Client VPN endpoint in this account and region`);
  }
  run.endpoints = endpoints.length;
  const queue = [...endpoints];
  const connections: Connection[] = [];
  const worker = async (): Promise<void> => {
    for (let endpoint = queue.shift(); endpoint; endpoint = queue.shift()) {
      try {
        const listed = await ports.gateway.listConnections(endpoint.endpointId);
        connections.push(...listed);
        run.readEndpoints.push(endpoint.endpointId);
      } catch (error) {
        // One failing endpoint does not stop the others.
        run.endpointErrors.push(`${endpoint.endpointId}: ${String(error)}`);
        logger.error('listing connections failed', { endpointId: endpoint.endpointId, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.endpointConcurrency ?? 5 }, worker));
  run.connectionsSeen = connections.length;
  return connections;
}

/**
 * What a run does once it has decided. The listing and the evaluation stay behind in {@link planRun}:
 * on a large fleet they are the run's largest objects, and the terminate calls can take minutes.
 */
interface RunPlan {
  /** Final records of the decisions that call nothing. */
  readonly finals: readonly DecisionRecord[];
  readonly calls: readonly TerminationCall[];
  /** Saves the idle memory (an idle row is in force). */
  readonly saveIdle?: () => Promise<void>;
  /** Settles the terminations of earlier runs that were not yet confirmed (there are some). */
  readonly confirm?: () => Promise<void>;
}

/** Lists the connections, evaluates the policies, records invalid rows and plans the terminate calls. */
async function planRun(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  run: RunState,
  logger: RunLogger,
  input: { rows: readonly PolicyRow[]; findings: readonly PolicyValidationError[]; earlier: readonly RunRecord[] },
): Promise<RunPlan> {
  const connections = await listConnections(ports, options, run, logger);
  const now = run.startedAt;
  const unconfirmed = await ports.audit.listUnconfirmed();
  const previousIdle = await ports.idleState.load(run.readEndpoints);
  const evaluation = evaluate(input.rows, connections, previousIdle, now, {
    dryRun: options.dryRun,
    maxTerminationsPerRun: options.maxTerminationsPerRun,
  });
  run.decisions = evaluation.decisions;
  run.findings = [...input.findings, ...evaluation.findings];
  if (evaluation.globallyCapped)
    logger.warn('global cap reached: this run terminates nothing', { cap: options.maxTerminationsPerRun });

  for (const finding of run.findings)
    logger.warn('invalid policy row: it matches nothing', { policyId: finding.policyId, issues: finding.issues });
  await run.recordFinals(
    ports.audit,
    run.findings.map((finding) => invalidPolicyRecord(options.runId, now, finding)),
  );

  // A retried invocation of this tick keeps what the earlier attempt already recorded.
  const done = new Map(
    input.earlier.flatMap((record) =>
      record.recordType === AuditRecordType.DECISION ? [[`${record.endpointId}#${record.connectionId}`, record]] : [],
    ),
  );
  const fresh = evaluation.decisions.filter((decision) => {
    const earlier = done.get(`${decision.connection.endpointId}#${decision.connection.connectionId}`);
    if (earlier) run.records.push(earlier);
    return !earlier;
  });
  const toTerminate = fresh.filter((decision) => decision.verdict === Verdict.TERMINATE);
  return {
    finals: fresh
      .filter((d) => d.verdict !== Verdict.TERMINATE)
      .map((decision) => decisionRecord(options.runId, now, decision)),
    calls: planTerminations(toTerminate, connections),
    saveIdle: input.rows.some((row) => row.kind === PolicyKind.IDLE)
      ? idleSaver(ports.idleState, evaluation.idleState, previousIdle)
      : undefined,
    confirm:
      unconfirmed.length > 0
        ? confirmer({ audit: ports.audit, logger }, run, unconfirmed, connections, options.runId)
        : undefined,
  };
}

/**
 * Confirms `unconfirmed` against this run's listing when called (see {@link confirmTerminations}). Only
 * the listed connections the records name are kept for it, so the listing itself is freed.
 */
function confirmer(
  ports: { readonly audit: AuditLog; readonly logger: RunLogger },
  run: RunState,
  unconfirmed: readonly DecisionRecord[],
  connections: readonly Connection[],
  runId: string,
): () => Promise<void> {
  const named = new Set(unconfirmed.map((record) => record.connectionId));
  const listing = {
    connections: connections.filter((connection) => named.has(connection.connectionId)),
    readEndpoints: [...run.readEndpoints],
  };
  return async () => {
    const confirmed = await confirmTerminations(ports, confirmationsOf(unconfirmed, listing, runId, run.startedAt));
    run.lateFailures.push(...confirmed.failed);
    for (const failure of confirmed.failed) {
      ports.logger.error('an earlier termination did not take effect: the connection is still up', {
        runId: failure.runId,
        connectionId: failure.connectionId,
      });
    }
  };
}

/** Saves `next` over `previous` when called; a function of its own, so nothing else of the run is kept with them. */
function idleSaver(store: IdleStateStore, next: IdleState, previous: IdleState): () => Promise<void> {
  return () => store.save(next, previous);
}

/** Makes the terminate calls and writes the other records and the idle memory meanwhile. */
async function carryOut(
  ports: EnforcementPorts,
  options: EnforcementOptions,
  run: RunState,
  logger: RunLogger,
  plan: RunPlan,
): Promise<void> {
  const executor = new TerminationExecutor(
    { gateway: ports.gateway, audit: ports.audit, clock: ports.clock, logger },
    options.termination,
  );
  // Terminate calls spend most of their time waiting for the token bucket: the records of decisions
  // that call nothing, the idle memory and the confirmations of earlier terminations are written meanwhile
  // rather than before the first call. Each call still writes its own intent first; a failed write
  // here fails the run once they are done.
  const [finalsWritten, idleSaved, confirmed, terminated] = await Promise.allSettled([
    writeFinals(ports.audit, plan.finals),
    plan.saveIdle?.(),
    plan.confirm?.(),
    executor.execute(plan.calls, (decision: Decision) => decisionRecord(options.runId, run.startedAt, decision)),
  ]);
  if (finalsWritten.status === 'rejected') throw finalsWritten.reason;
  if (idleSaved.status === 'rejected') throw idleSaved.reason;
  if (confirmed.status === 'rejected') throw confirmed.reason;
  if (terminated.status === 'rejected') throw terminated.reason;
  const outcome = terminated.value;
  run.records.push(...plan.finals, ...outcome.records);
  run.terminateCalls = outcome.terminateCalls;
  run.throttledCalls = outcome.throttledCalls;
  run.auditFailures += outcome.auditFailures;
}

/** Records final records, {@link FINAL_RECORDS_IN_FLIGHT} at a time; the first failed write stops the others and is thrown. */
function writeFinals(audit: AuditLog, records: readonly RunRecord[]): Promise<void> {
  return forEachBounded(records, FINAL_RECORDS_IN_FLIGHT, (record) => audit.record(record));
}

async function finish(ports: EnforcementPorts, run: RunState, status: SummaryStatus): Promise<RunReport> {
  const logger = ports.logger ?? SILENT_LOGGER;
  const report = run.report(status, ports.clock.now());
  await ports.audit.putSummary({
    recordType: AuditRecordType.SUMMARY,
    runId: report.runId,
    at: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    durationMs: report.durationMs,
    status,
    dryRun: report.dryRun,
    endpoints: report.endpoints,
    endpointErrors: report.endpointErrors,
    connectionsSeen: report.connectionsSeen,
    counts: report.counts,
    invalidPolicies: report.findings.length,
    terminateCalls: report.terminateCalls,
    throttledCalls: report.throttledCalls,
    reconciled: report.reconciled,
    lateFailures: report.lateFailures.length,
  });
  const digest = digestOf(report);
  if (digest && ports.notifier) {
    await ports.notifier
      .publish(digest)
      .catch((error: unknown) => logger.error('could not publish the run digest', { error: String(error) }));
  }
  return report;
}

/** What a run has gathered so far. */
class RunState {
  public endpoints = 0;
  public readonly endpointErrors: string[] = [];
  public readonly readEndpoints: string[] = [];
  public connectionsSeen = 0;
  public decisions: readonly Decision[] = [];
  public findings: readonly PolicyValidationError[] = [];
  public readonly records: RunRecord[] = [];
  public terminateCalls = 0;
  public throttledCalls = 0;
  public reconciled = 0;
  public readonly lateFailures: DecisionRecord[] = [];
  public auditFailures = 0;

  constructor(
    public readonly runId: string,
    public readonly dryRun: boolean,
    public readonly startedAt: Date,
  ) {}

  /** Writes final records (see {@link writeFinals}) and keeps them, in order. */
  public async recordFinals(audit: AuditLog, records: readonly RunRecord[]): Promise<void> {
    await writeFinals(audit, records);
    this.records.push(...records);
  }

  public report(status: RunStatus, finishedAt: Date): RunReport {
    return {
      runId: this.runId,
      status,
      dryRun: this.dryRun,
      startedAt: this.startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
      endpoints: this.endpoints,
      endpointErrors: this.endpointErrors,
      connectionsSeen: this.connectionsSeen,
      decisions: this.decisions,
      records: this.records,
      counts: countOutcomes(this.records),
      findings: this.findings,
      terminateCalls: this.terminateCalls,
      throttledCalls: this.throttledCalls,
      reconciled: this.reconciled,
      lateFailures: this.lateFailures,
      auditFailures: this.auditFailures,
    };
  }
}
