import {
  type Admission,
  AdmissionVerdict,
  CANARY_CONNECTION_PREFIX,
  type ConnectionAttempt,
  DEFAULT_REFUSAL_MESSAGE,
  decideAdmission,
  FailMode,
  FailModeCause,
  needsConnectionCount,
  Outcome,
  type AdmissionOutcome,
  type PolicyRow,
} from '../domain/index.js';
import type {
  AdmissionRecord,
  AuditLog,
  Clock,
  ConnectionCounter,
  ConnectionFact,
  ConnectionFacts,
  PolicyRepository,
  RunLogger,
} from '../ports/index.js';
import { type ClientDetails, readConnectRequest, requestFieldsForLog } from './connect-request.js';
import { connectResponse, type ConnectResponse } from './connect-response.js';
import { GateMetric, type GateMetrics } from './gate-metrics.js';
import { admissionRecord, connectionFact, failModeRecord, gateRunId } from './gate-records.js';
import { type CachedRows, PolicyCache, REFRESH_SHARE_OF_DEADLINE } from './PolicyCache.js';
import { COUNT_SHARE_OF_DEADLINE, CountUnavailable, PacedCounter } from './PacedCounter.js';

/** What the gate talks through. */
export interface ConnectGatePorts {
  readonly policies: PolicyRepository;
  readonly audit: AuditLog;
  /** Where the facts of the connections it admits go (their groups), for the runs. */
  readonly facts: Pick<ConnectionFacts, 'put'>;
  /** How it counts a user's connections when a `max-connections` row is about the attempt. */
  readonly counter: ConnectionCounter;
  readonly clock: Clock;
  readonly logger: RunLogger;
  readonly metrics: GateMetrics;
}

/** How the gate behaves (the gate's settings, lambda/settings). */
export interface ConnectGateOptions {
  /** What to answer when it cannot decide. */
  readonly failMode: FailMode;
  /** How long it may take to answer, writing the audit record included. */
  readonly deadlineMs: number;
  /** How long policy rows are used before they are read again. */
  readonly policyCacheMs: number;
  /** Every `refuse` becomes `would-refuse`. @default false */
  readonly dryRun?: boolean;
  /** The kill switch: admit every attempt without deciding. @default false */
  readonly disabled?: boolean;
  /** A spoke's placing of the day bucket's run id (`placedRunId`). @default the bucket as it is */
  readonly placeRunId?: (runId: string) => string;
}

/** The answer to one attempt, with what the gate made of it. */
export interface ConnectAnswer {
  readonly response: ConnectResponse;
  /** `admit` for a plain admission (not recorded), else the outcome of the record. */
  readonly outcome: typeof AdmissionVerdict.ADMIT | AdmissionOutcome;
  /** The audit record, when the attempt has one. */
  readonly record?: AdmissionRecord;
  /** Whether the record was written within the deadline; undefined when there is none. */
  readonly recorded?: boolean;
  /** The facts of the admitted connection, when it has them. */
  readonly fact?: ConnectionFact;
  /** Whether the facts were written within the deadline; undefined when there are none. */
  readonly factKept?: boolean;
}

/** What settling an attempt gave: the answer, the record to write, and the facts to keep. */
interface Settled {
  readonly response: ConnectResponse;
  readonly outcome: ConnectAnswer['outcome'];
  readonly record?: AdmissionRecord;
  readonly fact?: ConnectionFact;
  /** A synthetic attempt (the runs' canary): answered, counted apart, recorded nowhere. */
  readonly canary?: boolean;
}

/** The outcomes that let the client in: their connections' facts are kept. */
const ADMITTING: ReadonlySet<ConnectAnswer['outcome']> = new Set([
  AdmissionVerdict.ADMIT,
  Outcome.ADMITTED,
  Outcome.WOULD_REFUSE,
  Outcome.ADMITTED_FAIL_OPEN,
]);

const TIMED_OUT = Symbol('timed out');
/** A refresh of the rows took longer than its share of the deadline: the rows in memory decide. */
const REFRESH_TOO_SLOW = Symbol('refresh too slow');

/**
 * The client connect handler's decision: reads the request, decides with the domain's `decideAdmission` on
 * cached policy rows, and answers within a hard deadline, by the fail mode when it cannot decide. The answer
 * is settled first; the audit record is then written within what is left of the deadline, or counted failed.
 * It never throws: every path gives a well-formed answer.
 *
 * For every attempt it lets in, it keeps the connection's facts (groups, platform, versions, public IP)
 * beside the audit record and within the same deadline, so that the runs know the groups EC2 does not list;
 * not for a malformed request (its fields are not what Client VPN sends) nor while the gate is disabled.
 * A canary (its connection id begins {@link CANARY_CONNECTION_PREFIX}) is decided and answered as any other
 * and leaves no record and no facts.
 *
 * Only when a `max-connections` row is about the attempt does it count the user's connections on the
 * endpoint ({@link PacedCounter}: paced per container, within a share of the deadline); without a count,
 * the row admits with a note and the next run ends what is over the limit.
 */
export class ConnectGate {
  private readonly cache: PolicyCache;
  private readonly counter: PacedCounter;

  constructor(
    private readonly ports: ConnectGatePorts,
    private readonly options: ConnectGateOptions,
  ) {
    this.cache = new PolicyCache(ports.policies, ports.clock, options.policyCacheMs, ports.logger);
    this.counter = new PacedCounter(
      ports.counter,
      ports.clock,
      ports.logger,
      options.deadlineMs * COUNT_SHARE_OF_DEADLINE,
    );
  }

  /** Answers one connection attempt. Never rejects. */
  public async answer(event: unknown): Promise<ConnectAnswer> {
    const { clock, metrics } = this.ports;
    const startedAt = clock.now();
    const deadline = clock.sleep(this.options.deadlineMs).then((): typeof TIMED_OUT => TIMED_OUT);
    let settled: Settled;
    try {
      settled = await this.settle(event, deadline);
    } catch (error) {
      settled = this.byFailMode({ endpointId: '', connectionId: '' }, FailModeCause.ERROR, {
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    }
    if (settled.canary === true) {
      metrics.count(GateMetric.CANARY_ATTEMPTS);
      metrics.duration(Math.max(0, clock.now().getTime() - startedAt.getTime()));
      return { response: settled.response, outcome: settled.outcome };
    }
    this.count(settled.outcome);
    const { record, fact } = settled;
    const [recorded, factKept] = await Promise.all([
      record === undefined
        ? undefined
        : this.within(
            this.ports.audit.record(record),
            deadline,
            GateMetric.AUDIT_WRITE_FAILED,
            'writing the audit record of a connect attempt',
            record.connectionId,
          ),
      fact === undefined
        ? undefined
        : this.within(
            this.ports.facts.put(fact),
            deadline,
            GateMetric.FACTS_WRITE_FAILED,
            'keeping the facts of an admitted connection (the runs will not know its groups)',
            fact.connectionId,
          ),
    ]);
    metrics.duration(Math.max(0, clock.now().getTime() - startedAt.getTime()));
    return {
      response: settled.response,
      outcome: settled.outcome,
      ...(record === undefined ? {} : { record, recorded }),
      ...(fact === undefined ? {} : { fact, factKept }),
    };
  }

  private async settle(event: unknown, deadline: Promise<typeof TIMED_OUT>): Promise<Settled> {
    const { logger, metrics } = this.ports;
    if (this.options.disabled === true) return { response: connectResponse(true), outcome: AdmissionVerdict.ADMIT };
    const request = readConnectRequest(event);
    if (!request.wellFormed) {
      metrics.count(GateMetric.MALFORMED_REQUESTS);
      logger.warn('malformed connect request', { problems: request.problems, fields: requestFieldsForLog(event) });
    }
    const attempt = request.attempt;
    if (attempt === undefined)
      return this.byFailMode({ endpointId: '', connectionId: '' }, FailModeCause.MALFORMED_REQUEST);

    const loaded = await this.rowsWithin(deadline);
    const timedOut = loaded === TIMED_OUT;
    if (timedOut) metrics.count(GateMetric.DEADLINE_EXCEEDED);
    const cached = loaded === TIMED_OUT || loaded === REFRESH_TOO_SLOW ? this.cache.lastGood : loaded;
    if (cached === undefined) {
      const failed = this.byFailMode(attempt, timedOut ? FailModeCause.DEADLINE : FailModeCause.NO_POLICIES);
      return request.wellFormed ? this.withFacts(failed, attempt, request.client) : failed;
    }
    if (timedOut || loaded === REFRESH_TOO_SLOW)
      logger.warn('policy rows not read in time; deciding with the rows last read', {
        rowsReadAt: cached.loadedAt.toISOString(),
      });

    // Past the deadline already, a count could only be late: EC2 is not asked.
    const known = timedOut ? undefined : await this.held(cached.rows, attempt, deadline);
    const admission = decideAdmission(cached.rows, attempt, known, this.ports.clock.now(), {
      dryRun: this.options.dryRun === true,
    });
    // A malformed request is answered by the fail mode, unless the rows refuse the identity it names. Its
    // fields are not what Client VPN sends, so it leaves no facts.
    if (!request.wellFormed && admission.verdict !== AdmissionVerdict.REFUSE)
      return this.byFailMode(attempt, FailModeCause.MALFORMED_REQUEST, { rowsReadAt: cached.loadedAt });
    return this.withFacts(this.byAdmission(admission), attempt, request.client);
  }

  /**
   * The rows to decide with. Before the first good read the attempt waits for one up to the deadline; once rows are
   * in memory it waits for a refresh at most {@link REFRESH_SHARE_OF_DEADLINE} of the deadline, then decides with
   * those in memory while the refresh goes on.
   */
  private rowsWithin(
    deadline: Promise<typeof TIMED_OUT>,
  ): Promise<CachedRows | undefined | typeof TIMED_OUT | typeof REFRESH_TOO_SLOW> {
    const rows = this.cache.rows();
    if (!this.cache.refreshing) return rows;
    if (this.cache.lastGood === undefined) return Promise.race([rows, deadline]);
    const budget = this.ports.clock
      .sleep(this.options.deadlineMs * REFRESH_SHARE_OF_DEADLINE)
      .then((): typeof REFRESH_TOO_SLOW => REFRESH_TOO_SLOW);
    return Promise.race([rows, budget, deadline]);
  }

  /** The count of the user's connections when a `max-connections` row is about the attempt, else undefined. */
  private async held(
    rows: readonly PolicyRow[],
    attempt: ConnectionAttempt,
    deadline: Promise<typeof TIMED_OUT>,
  ): Promise<number | undefined> {
    if (!needsConnectionCount(rows, attempt, this.ports.clock.now())) return undefined;
    const count = await this.counter.count(attempt, deadline);
    if ('held' in count) return count.held;
    this.ports.metrics.count(GateMetric.COUNT_UNAVAILABLE);
    if (count.unavailable !== CountUnavailable.FAILED)
      this.ports.logger.info('max-connections decided without a count', { reason: count.unavailable });
    return undefined;
  }

  /** The settled answer with the facts of its connection, when it lets the client in (or a canary mark). */
  private withFacts(settled: Settled, attempt: ConnectionAttempt, client: ClientDetails = {}): Settled {
    if (attempt.connectionId.startsWith(CANARY_CONNECTION_PREFIX)) return { ...settled, canary: true };
    if (!ADMITTING.has(settled.outcome)) return settled;
    return { ...settled, fact: connectionFact(attempt, client, this.ports.clock.now()) };
  }

  private byAdmission(admission: Admission): Settled {
    const at = this.ports.clock.now();
    switch (admission.verdict) {
      case AdmissionVerdict.REFUSE:
        return {
          response: connectResponse(false, admission.message),
          outcome: Outcome.REFUSED,
          record: admissionRecord(admission, Outcome.REFUSED, at, this.bucket(at)),
        };
      case AdmissionVerdict.WOULD_REFUSE:
        return {
          response: connectResponse(true),
          outcome: Outcome.WOULD_REFUSE,
          record: admissionRecord(admission, Outcome.WOULD_REFUSE, at, this.bucket(at)),
        };
      case AdmissionVerdict.ADMIT: {
        const relevant = admission.exemptedBy !== undefined || admission.counted.length > 0;
        return relevant
          ? {
              response: connectResponse(true),
              outcome: Outcome.ADMITTED,
              record: admissionRecord(admission, Outcome.ADMITTED, at, this.bucket(at)),
            }
          : { response: connectResponse(true), outcome: AdmissionVerdict.ADMIT };
      }
    }
  }

  /** The run id of the day's bucket the attempt at `at` is recorded in. */
  private bucket(at: Date): string {
    const day = gateRunId(at);
    return this.options.placeRunId ? this.options.placeRunId(day) : day;
  }

  private byFailMode(
    attempt: ConnectionAttempt,
    cause: FailModeCause,
    detail: { readonly errorMessage?: string; readonly rowsReadAt?: Date } = {},
  ): Settled {
    const at = this.ports.clock.now();
    this.ports.logger.warn('answering by the fail mode', { cause, failMode: this.options.failMode });
    if (this.options.failMode === FailMode.ADMIT)
      return {
        response: connectResponse(true),
        outcome: Outcome.ADMITTED_FAIL_OPEN,
        record: failModeRecord(attempt, Outcome.ADMITTED_FAIL_OPEN, cause, at, detail, this.bucket(at)),
      };
    return {
      response: connectResponse(false, DEFAULT_REFUSAL_MESSAGE),
      outcome: Outcome.REFUSED_FAIL_CLOSED,
      record: failModeRecord(
        attempt,
        Outcome.REFUSED_FAIL_CLOSED,
        cause,
        at,
        { ...detail, message: DEFAULT_REFUSAL_MESSAGE },
        this.bucket(at),
      ),
    };
  }

  private count(outcome: ConnectAnswer['outcome']): void {
    const { metrics } = this.ports;
    metrics.count(GateMetric.ATTEMPTS);
    if (outcome === AdmissionVerdict.ADMIT || outcome === Outcome.ADMITTED) metrics.count(GateMetric.ADMITTED);
    else if (outcome === Outcome.WOULD_REFUSE) {
      metrics.count(GateMetric.ADMITTED);
      metrics.count(GateMetric.WOULD_REFUSE);
    } else if (outcome === Outcome.REFUSED) metrics.count(GateMetric.REFUSED);
    else if (outcome === Outcome.ADMITTED_FAIL_OPEN) metrics.count(GateMetric.FAIL_OPEN);
    else metrics.count(GateMetric.FAIL_CLOSED);
  }

  /**
   * Waits for one write within what is left of the deadline: true when it is done, false (counted in
   * `failed` and logged when it failed) when it failed or was late. Never rejects.
   */
  private async within(
    write: Promise<unknown>,
    deadline: Promise<typeof TIMED_OUT>,
    failed: typeof GateMetric.AUDIT_WRITE_FAILED | typeof GateMetric.FACTS_WRITE_FAILED,
    what: string,
    connectionId: string,
  ): Promise<boolean> {
    const { logger, metrics } = this.ports;
    const written = write.then(
      () => true,
      (error: unknown) => {
        logger.error(`${what} failed`, {
          connectionId,
          error: error instanceof Error ? error.message : String(error),
        });
        return false;
      },
    );
    const done = await Promise.race([written, deadline.then(() => false)]);
    if (!done) metrics.count(failed);
    return done;
  }
}
