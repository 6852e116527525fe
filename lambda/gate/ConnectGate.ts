import {
  type Admission,
  AdmissionVerdict,
  type ConnectionAttempt,
  DEFAULT_REFUSAL_MESSAGE,
  decideAdmission,
  FailMode,
  FailModeCause,
  Outcome,
  type AdmissionOutcome,
} from '../domain/index.js';
import type { AdmissionRecord, AuditLog, Clock, PolicyRepository, RunLogger } from '../ports/index.js';
import { readConnectRequest, requestFieldsForLog } from './connect-request.js';
import { connectResponse, type ConnectResponse } from './connect-response.js';
import { GateMetric, type GateMetrics } from './gate-metrics.js';
import { admissionRecord, failModeRecord } from './gate-records.js';
import { PolicyCache } from './PolicyCache.js';

/** What the gate talks through. */
export interface ConnectGatePorts {
  readonly policies: PolicyRepository;
  readonly audit: AuditLog;
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
}

/** What settling an attempt gave: the answer, and the record to write. */
interface Settled {
  readonly response: ConnectResponse;
  readonly outcome: ConnectAnswer['outcome'];
  readonly record?: AdmissionRecord;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The client connect handler's decision: reads the request, decides with the domain's `decideAdmission` on
 * cached policy rows, and answers within a hard deadline, by the fail mode when it cannot decide. The answer
 * is settled first; the audit record is then written within what is left of the deadline, or counted failed.
 * It never throws: every path gives a well-formed answer.
 *
 * The count of the identity's current connections is not known at connect time (it would take an EC2 call
 * per attempt), so `max-connections` admits with a note and the next run ends what is over the limit.
 */
export class ConnectGate {
  private readonly cache: PolicyCache;

  constructor(
    private readonly ports: ConnectGatePorts,
    private readonly options: ConnectGateOptions,
  ) {
    this.cache = new PolicyCache(ports.policies, ports.clock, options.policyCacheMs, ports.logger);
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
    this.count(settled.outcome);
    const recorded = settled.record === undefined ? undefined : await this.write(settled.record, deadline);
    metrics.duration(Math.max(0, clock.now().getTime() - startedAt.getTime()));
    return recorded === undefined ? settled : { ...settled, recorded };
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

    const loaded = await Promise.race([this.cache.rows(), deadline]);
    const timedOut = loaded === TIMED_OUT;
    if (timedOut) metrics.count(GateMetric.DEADLINE_EXCEEDED);
    const cached = timedOut ? this.cache.lastGood : loaded;
    if (cached === undefined)
      return this.byFailMode(attempt, timedOut ? FailModeCause.DEADLINE : FailModeCause.NO_POLICIES);
    if (timedOut)
      logger.warn('policy rows not read in time; deciding with the rows last read', {
        rowsReadAt: cached.loadedAt.toISOString(),
      });

    const admission = decideAdmission(cached.rows, attempt, undefined, this.ports.clock.now(), {
      dryRun: this.options.dryRun === true,
    });
    // A malformed request is answered by the fail mode, unless the rows refuse the identity it names.
    if (!request.wellFormed && admission.verdict !== AdmissionVerdict.REFUSE)
      return this.byFailMode(attempt, FailModeCause.MALFORMED_REQUEST, { rowsReadAt: cached.loadedAt });
    return this.byAdmission(admission);
  }

  private byAdmission(admission: Admission): Settled {
    const at = this.ports.clock.now();
    switch (admission.verdict) {
      case AdmissionVerdict.REFUSE:
        return {
          response: connectResponse(false, admission.message),
          outcome: Outcome.REFUSED,
          record: admissionRecord(admission, Outcome.REFUSED, at),
        };
      case AdmissionVerdict.WOULD_REFUSE:
        return {
          response: connectResponse(true),
          outcome: Outcome.WOULD_REFUSE,
          record: admissionRecord(admission, Outcome.WOULD_REFUSE, at),
        };
      case AdmissionVerdict.ADMIT: {
        const relevant = admission.exemptedBy !== undefined || admission.counted.length > 0;
        return relevant
          ? {
              response: connectResponse(true),
              outcome: Outcome.ADMITTED,
              record: admissionRecord(admission, Outcome.ADMITTED, at),
            }
          : { response: connectResponse(true), outcome: AdmissionVerdict.ADMIT };
      }
    }
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
        record: failModeRecord(attempt, Outcome.ADMITTED_FAIL_OPEN, cause, at, detail),
      };
    return {
      response: connectResponse(false, DEFAULT_REFUSAL_MESSAGE),
      outcome: Outcome.REFUSED_FAIL_CLOSED,
      record: failModeRecord(attempt, Outcome.REFUSED_FAIL_CLOSED, cause, at, {
        ...detail,
        message: DEFAULT_REFUSAL_MESSAGE,
      }),
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

  /** Writes the record within what is left of the deadline; false (and counted) when it failed or was late. */
  private async write(record: AdmissionRecord, deadline: Promise<typeof TIMED_OUT>): Promise<boolean> {
    const { audit, logger, metrics } = this.ports;
    const written = audit.record(record).then(
      () => true,
      (error: unknown) => {
        logger.error('writing the audit record of a connect attempt failed', {
          connectionId: record.connectionId,
          error: error instanceof Error ? error.message : String(error),
        });
        return false;
      },
    );
    const done = await Promise.race([written, deadline.then(() => false)]);
    if (!done) metrics.count(GateMetric.AUDIT_WRITE_FAILED);
    return done;
  }
}
