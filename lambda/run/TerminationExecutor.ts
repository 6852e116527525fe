import { ConnectionStatus, type Decision, Outcome, type TerminationCall } from '../domain/index.js';
import {
  type AuditCompletion,
  type AuditLog,
  AuditTransition,
  ClientVpnError,
  type ClientVpnGateway,
  ClientVpnThrottledError,
  type Clock,
  type DecisionRecord,
  PortError,
  type RunLogger,
  type TerminationResult,
} from '../ports/index.js';
import { decisionKey, endedByUsernameCall, withOutcome } from './audit-records.js';
import { forEachBounded } from './for-each-bounded.js';
import { TokenBucket } from '../pacing/TokenBucket.js';

/**
 * Attempts per terminate call that fails with a 5xx or no answer. Throttled attempts do not count:
 * they are retried for as long as the time budget allows.
 */
export const TERMINATE_MAX_ATTEMPTS = 5;
/**
 * First backoff after a failed terminate attempt, doubled on each attempt, full jitter: a little over the
 * 200 ms EC2 takes to refill one token at its 5 mutating calls a second.
 */
export const TERMINATE_BACKOFF_BASE_MS = 250;
/** Longest backoff between terminate attempts, so that the retries of one call do not spend the run's time budget. */
export const TERMINATE_BACKOFF_CAP_MS = 8000;
/** Attempts to record a call's outcome before it is left `pending` for the next run to reconcile. */
const COMPLETE_ATTEMPTS = 3;
/** Wait before the next attempt to record an outcome, times the attempt number: a short pause for a busy table. */
const COMPLETE_BACKOFF_MS = 100;
/** Deferred records written at once while the calls run (the calls' own intents and outcomes come first). */
const DEFERRALS_IN_FLIGHT = 4;

/** How terminate calls are paced. */
export interface TerminationSettings {
  /** Sustained calls a second: the `terminateRate` setting. */
  readonly ratePerSecond: number;
  /** Calls that may go at once after a quiet spell: the `terminateBurst` setting. */
  readonly burst: number;
  /** Calls in flight at once: the `terminateConcurrency` setting. */
  readonly concurrency: number;
  /**
   * Attempts per call that fails with a 5xx or no answer (each after a jittered backoff). Throttled
   * calls are retried for as long as the time budget allows. @default TERMINATE_MAX_ATTEMPTS
   */
  readonly maxAttempts?: number;
  /** First backoff after a throttled attempt, doubled each time, full jitter. @default TERMINATE_BACKOFF_BASE_MS */
  readonly backoffBaseMs?: number;
  /** Longest backoff. @default TERMINATE_BACKOFF_CAP_MS */
  readonly backoffCapMs?: number;
  /** No call starts while less than this is left: the `timeMarginSeconds` setting. */
  readonly timeMarginMs: number;
  /** Milliseconds the function has left. */
  readonly remainingTimeMs: () => number;
  /** Source of jitter. @default Math.random */
  readonly random?: () => number;
}

/** What the terminate phase did. */
export interface TerminationReport {
  /** Final records of every decision handed in (those whose outcome could not be recorded stay `pending` in the table and are listed with outcome pending). */
  readonly records: DecisionRecord[];
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  /** Decisions whose intent or outcome could not be written (the table failed). */
  readonly auditFailures: number;
}

interface Ports {
  readonly gateway: ClientVpnGateway;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: RunLogger;
}

const ENDED = new Set<string>([ConnectionStatus.TERMINATING, ConnectionStatus.TERMINATED]);

/**
 * Runs terminate calls write-ahead: an intent is written before each call ({@link AuditTransition.INTEND})
 * and completed after it ({@link AuditTransition.COMPLETE}). Calls go with bounded concurrency under a
 * token bucket; throttled calls are retried with jittered backoff; once the time left falls under the
 * margin no call starts and what is left is recorded as `deferred` ({@link AuditTransition.RECORD}).
 */
export class TerminationExecutor {
  private readonly bucket: TokenBucket;
  private terminateCalls = 0;
  private throttledCalls = 0;
  private auditFailures = 0;
  private outOfTime = false;
  private readonly records: DecisionRecord[] = [];

  constructor(
    private readonly ports: Ports,
    private readonly settings: TerminationSettings,
  ) {
    this.bucket = new TokenBucket(settings.ratePerSecond, settings.burst, ports.clock);
  }

  /** Makes every call; `recordOf` gives each decision's audit record. */
  public async execute(
    calls: readonly TerminationCall[],
    recordOf: (decision: Decision) => DecisionRecord,
  ): Promise<TerminationReport> {
    // Calls the token bucket cannot admit before the margin would all be deferred at the end, when the
    // least time is left (thousands of writes on a large fleet): they are recorded while the others wait for tokens.
    const admissible = this.admissibleCalls();
    const queue = calls.slice(0, admissible);
    const deferring = forEachBounded(calls.slice(admissible), DEFERRALS_IN_FLIGHT, (call) =>
      this.defer(call, recordOf, 'the time left allows no more calls at the terminate rate'),
    );
    const worker = async (): Promise<void> => {
      for (let call = queue.shift(); call; call = queue.shift()) {
        if (!this.hasTime()) {
          await this.defer(call, recordOf, 'the run reached its time limit before this call');
          continue;
        }
        await this.bucket.take();
        if (!this.hasTime()) await this.defer(call, recordOf, 'the run reached its time limit before this call');
        else await this.run(call, recordOf);
      }
    };
    await Promise.all([deferring, ...Array.from({ length: Math.max(1, this.settings.concurrency) }, worker)]);
    return {
      records: this.records,
      terminateCalls: this.terminateCalls,
      throttledCalls: this.throttledCalls,
      auditFailures: this.auditFailures,
    };
  }

  /**
   * The most calls that can start before the time left falls under the margin: each call (and each retry)
   * takes a token, and the bucket, full now, holds `burst` and refills at `ratePerSecond`. One spare for rounding.
   */
  private admissibleCalls(): number {
    const spareMs = Math.max(0, this.settings.remainingTimeMs() - this.settings.timeMarginMs);
    return Math.ceil(this.settings.burst + (this.settings.ratePerSecond * spareMs) / 1000) + 1;
  }

  private hasTime(): boolean {
    if (!this.outOfTime && this.settings.remainingTimeMs() < this.settings.timeMarginMs) this.outOfTime = true;
    return !this.outOfTime;
  }

  private async defer(
    call: TerminationCall,
    recordOf: (decision: Decision) => DecisionRecord,
    why: string,
  ): Promise<void> {
    for (const decision of call.decisions) {
      const record = recordOf(decision);
      const deferred: DecisionRecord = {
        ...record,
        outcome: Outcome.DEFERRED,
        reason: `${record.reason}; deferred: ${why}, the next run takes it up`,
      };
      try {
        await this.ports.audit.record(deferred);
      } catch (error) {
        this.auditFailures += 1;
        this.ports.logger.error('audit record failed: a deferred decision is not in the table', {
          transition: AuditTransition.RECORD,
          connectionId: record.connectionId,
          error: String(error),
        });
      }
      this.records.push(deferred);
    }
  }

  private async run(call: TerminationCall, recordOf: (decision: Decision) => DecisionRecord): Promise<void> {
    const intents = call.decisions.map(recordOf);
    if (!(await this.intend(intents))) return;
    const { result, error, unanswered } = await this.callWithRetries(call);
    for (const intent of intents) {
      let completion = completionOf(intent, call, result, error, this.ports.clock.now());
      if (unanswered && completion.outcome !== Outcome.TERMINATED)
        completion = await this.lookUpAfterUnanswered(intent, completion);
      await this.complete(intent, completion);
    }
    if (result && call.by === 'username') await this.recordUnplanned(call, intents, result);
  }

  /**
   * A call by user name ends every active connection of the user, also one opened after the listing: each
   * connection EC2 names that no decision planned gets its own record, written and completed like any other
   * (so a `terminating` one is confirmed by a later run).
   */
  private async recordUnplanned(
    call: TerminationCall & { readonly by: 'username' },
    intents: readonly DecisionRecord[],
    result: TerminationResult,
  ): Promise<void> {
    const [template] = intents;
    if (template === undefined) return;
    const planned = new Set(intents.map((intent) => intent.connectionId));
    for (const status of result.statuses) {
      if (planned.has(status.connectionId)) continue;
      planned.add(status.connectionId);
      const intent = endedByUsernameCall(template, call.username, status);
      if (!(await this.intend([intent]))) continue;
      await this.complete(intent, completionOf(intent, call, result, undefined, this.ports.clock.now()));
    }
  }

  /**
   * An earlier attempt went unanswered, so EC2 may have acted on it: the connection's real status
   * decides the outcome rather than the last attempt's error.
   */
  private async lookUpAfterUnanswered(intent: DecisionRecord, completion: AuditCompletion): Promise<AuditCompletion> {
    try {
      const connection = await this.ports.gateway.getConnection(intent.endpointId, intent.connectionId);
      if (connection === undefined || !ENDED.has(connection.status)) return completion;
      return {
        ...completion,
        outcome: Outcome.TERMINATED,
        currentStatus: connection.status,
        awaitingConfirmation: connection.status !== ConnectionStatus.TERMINATED,
        reason: `${intent.reason}; confirmed ${connection.status} after an unanswered call`,
        errorCode: undefined,
        errorMessage: undefined,
      };
    } catch {
      return completion;
    }
  }

  /** Writes every intent of a call; if any cannot be written (or already exists), the call is not made. */
  private async intend(intents: readonly DecisionRecord[]): Promise<boolean> {
    const written: DecisionRecord[] = [];
    let problem: string | undefined;
    for (const intent of intents) {
      try {
        if (await this.ports.audit.intend(intent)) written.push(intent);
        else problem ??= `this run already holds a record for ${intent.connectionId}`;
      } catch (error) {
        this.auditFailures += 1;
        problem ??= `the audit intent could not be written (${String(error)})`;
        this.ports.logger.error('audit intend failed: no terminate call without an intent', {
          transition: AuditTransition.INTEND,
          connectionId: intent.connectionId,
          error: String(error),
        });
      }
    }
    if (problem === undefined) return true;
    const now = this.ports.clock.now().toISOString();
    for (const intent of written) {
      await this.complete(intent, {
        outcome: Outcome.DEFERRED,
        reason: `${intent.reason}; deferred: ${problem}`,
        completedAt: now,
      });
    }
    return false;
  }

  /** Calls until EC2 answers, retrying throttled and transient failures (5xx, no answer) with jittered backoff. */
  private async callWithRetries(
    call: TerminationCall,
  ): Promise<{ result?: TerminationResult; error?: unknown; unanswered: boolean }> {
    const maxAttempts = this.settings.maxAttempts ?? TERMINATE_MAX_ATTEMPTS;
    const random = this.settings.random ?? Math.random;
    let unanswered = false;
    let failures = 0;
    for (let attempt = 1; ; attempt += 1) {
      this.terminateCalls += 1;
      try {
        const result = await this.ports.gateway.terminate(call);
        this.throttledCalls += Math.max(0, result.attempts - 1);
        return { result, unanswered };
      } catch (error) {
        const throttled = error instanceof ClientVpnThrottledError;
        const transient = error instanceof ClientVpnError && error.retryable;
        if (!throttled && !transient) return { error, unanswered };
        if (throttled) this.throttledCalls += 1;
        else {
          unanswered = true;
          failures += 1;
        }
        if (failures >= maxAttempts || !this.hasTime()) return { error, unanswered };
        const ceiling = Math.min(
          this.settings.backoffCapMs ?? TERMINATE_BACKOFF_CAP_MS,
          (this.settings.backoffBaseMs ?? TERMINATE_BACKOFF_BASE_MS) * 2 ** (attempt - 1),
        );
        await this.ports.clock.sleep(random() * ceiling);
        await this.bucket.take();
      }
    }
  }

  private async complete(intent: DecisionRecord, completion: AuditCompletion): Promise<void> {
    const key = decisionKey(intent);
    for (let attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt += 1) {
      try {
        await this.ports.audit.complete(key, completion);
        this.records.push(withOutcome(intent, completion));
        return;
      } catch (error) {
        if (attempt === COMPLETE_ATTEMPTS) {
          // The intent stays `pending`; the next run reconciles it against the connection's real status.
          this.auditFailures += 1;
          this.ports.logger.error('audit complete failed: the intent is left pending for the next run to reconcile', {
            transition: AuditTransition.COMPLETE,
            connectionId: key.connectionId,
            error: String(error),
          });
          this.records.push(intent);
        } else {
          await this.ports.clock.sleep(COMPLETE_BACKOFF_MS * attempt);
        }
      }
    }
  }
}

function completionOf(
  intent: DecisionRecord,
  call: TerminationCall,
  result: TerminationResult | undefined,
  error: unknown,
  now: Date,
): AuditCompletion {
  const completedAt = now.toISOString();
  const calledBy = call.by;
  if (result) {
    const status = result.statuses.find((change) => change.connectionId === intent.connectionId);
    const common = {
      completedAt,
      calledBy,
      requestId: result.requestId,
      previousStatus: status?.previousStatus,
      currentStatus: status?.currentStatus,
    };
    if (status?.currentStatus && ENDED.has(status.currentStatus)) {
      // `terminating` is EC2 accepting the call, not the end: a later run confirms it (or finds it failed).
      return {
        ...common,
        outcome: Outcome.TERMINATED,
        awaitingConfirmation: status.currentStatus !== ConnectionStatus.TERMINATED,
      };
    }
    if (status) {
      return {
        ...common,
        outcome: Outcome.FAILED,
        errorCode: status.currentStatus ?? 'UnknownStatus',
        errorMessage: `EC2 left the connection ${status.currentStatus ?? 'in an unknown status'}`,
      };
    }
    return {
      ...common,
      outcome: Outcome.FAILED,
      errorCode: 'NotInResponse',
      errorMessage: 'EC2 did not report this connection in its answer',
    };
  }
  const portError = error instanceof PortError ? error : undefined;
  const throttledOut = error instanceof ClientVpnThrottledError;
  return {
    completedAt,
    calledBy,
    outcome: throttledOut ? Outcome.DEFERRED : Outcome.FAILED,
    reason: throttledOut
      ? `${intent.reason}; deferred: EC2 kept throttling the call, the next run takes it up`
      : undefined,
    requestId: portError?.requestId,
    errorCode: portError?.code ?? (error instanceof Error ? error.name : 'UnknownError'),
    errorMessage: error instanceof Error ? error.message : String(error),
  };
}
