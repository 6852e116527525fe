import { randomUUID } from 'node:crypto';
import type { SimulatedClock } from '../clock.js';
import type { CallCounters } from '../counters.js';
import { SandboxControlError } from '../errors.js';
import { FaultKind, type FaultInjector } from '../faults.js';
import type { Caller } from '../edge/types.js';
import type { LatencyInjector } from '../latency.js';
import type { SandboxPlacement } from '../org/placement.js';
import { type ResourcePolicy, allowsCaller } from '../org/resource-policy.js';
import { Service } from '../services.js';
import { FUNCTION_NAME, LATEST, functionArn, parseFunctionRef } from './arn.js';
import {
  AsyncInvocations,
  type AsyncInvocationView,
  type EventInvokeConfig,
  checkEventInvokeConfig,
} from './async-invocations.js';
import { LambdaApiError, MAX_ASYNC_PAYLOAD_BYTES, ThrottleReason, lambdaErrors } from './errors.js';
import type { EventSourceMapping } from './event-source-mapping.js';
import { EventSourceMappings, type StreamLookup } from './event-source-mappings.js';
import { FunctionFaultKind, FunctionFaults } from './function-faults.js';
import { type RunnableFunction, runInvocation } from './invocation.js';
import type { EventSourceMappingOptions } from './mapping-options.js';
import {
  type FunctionOptions,
  type FunctionStats,
  type FunctionView,
  type InvocationOutcome,
  type LambdaHandler,
  TIMED_OUT_ERROR_TYPE,
} from './model.js';

/** Lambda's default function timeout. */
export const DEFAULT_TIMEOUT_MS = 3000;
/** Lambda's longest function timeout: 900 s. */
const MAX_TIMEOUT_MS = 900_000;
/** The action name the counters and the shared fault and latency rules give an invocation. */
export const INVOKE_ACTION = 'Invoke';

/** What the Lambda service needs from the sandbox. */
export interface LambdaServiceOptions {
  readonly clock: SimulatedClock;
  readonly region: string;
  /** The account of every function ARN (the sandbox's STS identity). */
  readonly accountId: string;
  /** Shared with the edge: the calls other services make are counted as the edge counts calls. */
  readonly counters: CallCounters;
  /** Shared with the edge: rules with service `lambda` apply to other services' invocations too. */
  readonly faults: FaultInjector;
  /** Shared with the edge. */
  readonly latency: LatencyInjector;
  /** Seed of the function faults' shares. @default 1 */
  readonly faultSeed?: number;
  /** The streams event source mappings may read. @default none */
  readonly streams?: StreamLookup;
  /**
   * The account and Region a caller's names resolve in (a function name without an ARN). @default the service's own
   * account and Region for every caller
   */
  readonly placementOf?: (caller: Caller | undefined) => SandboxPlacement;
}

interface FunctionRecord extends RunnableFunction {
  readonly placement: SandboxPlacement;
  readonly invokers?: ResourcePolicy;
  readonly canned: boolean;
  readonly eventInvoke: EventInvokeConfig;
  stats: FunctionStats;
}

/** Options of one invocation. */
export interface InvokeOptions {
  /** How long the caller waits, in simulated ms (Client VPN: 30 s). @default the function's timeout */
  readonly waitMs?: number;
  /** Invoke's `Qualifier`: a version or alias (`$LATEST` is the only one here). @default none */
  readonly qualifier?: string;
  /** The invocation's request id (`context.awsRequestId`). @default a new one */
  readonly requestId?: string;
  /**
   * Who invokes: a name resolves in the caller's account and Region, and another account's function must allow the
   * caller. @default none: an AWS service's own call, resolved in the default placement (an ARN in its own)
   */
  readonly caller?: Caller;
}

/** How an asynchronous Invoke was answered: queued (202) with its request id, or Lambda's error. */
export type AsyncInvokeResult =
  | { readonly kind: 'queued'; readonly requestId: string }
  | { readonly kind: 'refused'; readonly error: LambdaApiError };

/**
 * The sandbox's Lambda: functions registered in this process by whoever starts the sandbox (the sandbox runs no
 * code of its own), invoked synchronously on the simulated clock, with Lambda's ARNs, errors and timeouts, the
 * functions' own faults (`functionFaults`) and counters. The edge reaches it through `LambdaRestHandler`; other
 * emulated services (Client VPN's client connect handler) through `invokeAsService`.
 */
export class LambdaService {
  public readonly region: string;
  public readonly accountId: string;
  /** Faults of the functions: errors, timeouts, throttles and delays. */
  public readonly functionFaults: FunctionFaults;
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly mappings: EventSourceMappings;
  private readonly queue: AsyncInvocations;

  constructor(private readonly options: LambdaServiceOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.functionFaults = new FunctionFaults(options.faultSeed ?? 1);
    this.mappings = new EventSourceMappings(
      options.clock,
      options.streams ?? (() => undefined),
      options.faultSeed ?? 1,
    );
    this.queue = new AsyncInvocations(options.clock);
  }

  /**
   * Registers a function (in `options.placement`, the default placement when absent), or replaces the code and settings
   * of the one of that name there (its counters stay).
   */
  public register<E, R>(name: string, handler: LambdaHandler<E, R>, options: FunctionOptions = {}): FunctionView {
    return this.add(name, handler as LambdaHandler, options, false);
  }

  /** Registers a function that answers every invocation with `answer` (the admin API's functions). */
  public registerCanned(name: string, answer: unknown, options: FunctionOptions = {}): FunctionView {
    const payload = JSON.stringify(answer) ?? 'null';
    return this.add(name, () => JSON.parse(payload) as unknown, options, true);
  }

  /** Removes a function (a name: the default placement's; or an ARN); false when there was none. */
  public unregister(nameOrArn: string): boolean {
    const record = this.lookup(nameOrArn);
    return record !== undefined && this.functions.delete(record.arn);
  }

  /** Every function, in the order registered. */
  public list(): FunctionView[] {
    return [...this.functions.values()].map(view);
  }

  /** One function (a name: the default placement's; or an ARN); a control error (404) when there is none. */
  public get(nameOrArn: string): FunctionView {
    const record = this.lookup(nameOrArn);
    if (!record) throw new SandboxControlError(`no Lambda function ${JSON.stringify(nameOrArn)}`, 404);
    return view(record);
  }

  /** The ARN a function of this name has in `placement` (registered or not). @default the default placement */
  public arn(name: string, placement: SandboxPlacement = this.defaultPlacement): string {
    return functionArn(placement.region, placement.accountId, name);
  }

  /**
   * Lambda's error for `caller` invoking `functionName` (a name, an ARN or a partial ARN); undefined when it can be
   * invoked.
   */
  public check(functionName: string, qualifier?: string, caller?: Caller): LambdaApiError | undefined {
    const resolved = this.resolve(functionName, qualifier, caller);
    return resolved instanceof LambdaApiError ? resolved : undefined;
  }

  /**
   * Invokes a function as the Lambda service does once a request reached it: `functionName` is resolved (a name, an
   * ARN or a partial ARN, `$LATEST` the only qualifier), the function's faults apply, and it runs on the simulated
   * clock. `payload` is the event as JSON text.
   */
  public async invoke(functionName: string, payload: string, options: InvokeOptions = {}): Promise<InvocationOutcome> {
    const resolved = this.resolve(functionName, options.qualifier, options.caller);
    if (resolved instanceof LambdaApiError) return { kind: 'refused', error: resolved };
    return this.run(resolved, payload, options);
  }

  private async run(fn: FunctionRecord, payload: string, options: InvokeOptions): Promise<InvocationOutcome> {
    fn.stats.invocations += 1;
    const fault = this.functionFaults.pick(fn.name);
    if (fault?.kind === FunctionFaultKind.THROTTLE) {
      fn.stats.throttled += 1;
      return { kind: 'refused', error: lambdaErrors.throttled(ThrottleReason.FUNCTION) };
    }
    const outcome = await runInvocation(this.options.clock, fn, {
      requestId: options.requestId ?? randomUUID(),
      payload,
      fault,
      waitMs: options.waitMs,
    });
    if (outcome.kind === 'returned') fn.stats.succeeded += 1;
    else if (outcome.kind === 'caller-timed-out' || isTimeout(outcome)) fn.stats.timedOut += 1;
    else if (outcome.kind === 'function-error') fn.stats.functionErrors += 1;
    return outcome;
  }

  /**
   * Invokes a function for another emulated AWS service (Client VPN calling its client connect handler), as that
   * service's call would reach Lambda: counted as an `Invoke`, delayed by the latency rules of service `lambda` (on
   * the simulated clock, so the delay counts toward `waitMs`), and subject to its fault rules (a throttle answers
   * TooManyRequestsException, an error or a dropped answer ServiceException).
   */
  public async invokeAsService(
    functionName: string,
    event: unknown,
    options: InvokeOptions = {},
  ): Promise<InvocationOutcome> {
    const { counters, faults, latency, clock } = this.options;
    counters.recordCall(Service.LAMBDA, INVOKE_ACTION);
    const start = clock.nowMs();
    const delay = latency.delayFor(Service.LAMBDA, INVOKE_ACTION);
    if (delay > 0) await clock.sleep(delay);
    const waitMs = options.waitMs === undefined ? undefined : options.waitMs - (clock.nowMs() - start);
    if (waitMs !== undefined && waitMs <= 0) {
      // The caller gave up before Lambda answered: as for a dropped answer, no status to count.
      counters.recordOutcome(Service.LAMBDA, INVOKE_ACTION, { status: 0, dropped: true });
      return { kind: 'caller-timed-out', requestId: randomUUID(), durationMs: options.waitMs ?? 0 };
    }
    const fault = faults.pick(Service.LAMBDA, INVOKE_ACTION);
    const outcome: InvocationOutcome = fault
      ? {
          kind: 'refused',
          error:
            fault.kind === FaultKind.THROTTLE ? lambdaErrors.throttled(ThrottleReason.ACCOUNT) : lambdaErrors.service(),
        }
      : await this.invoke(functionName, JSON.stringify(event) ?? 'null', { qualifier: options.qualifier, waitMs });
    const error = outcome.kind === 'refused' ? outcome.error : undefined;
    counters.recordOutcome(Service.LAMBDA, INVOKE_ACTION, {
      status: error?.status ?? 200,
      code: error?.code,
      injected: fault !== undefined,
      dropped: fault?.kind === FaultKind.DROP,
    });
    return outcome;
  }

  /**
   * Invokes a function asynchronously (InvocationType `Event`), as Lambda does: the event is checked (the function
   * exists, the payload is at most 1 MB) and queued, and the answer comes at once; the function runs in the
   * background on the simulated clock, its errors retried as its `eventInvoke` says. `asyncInvocations()` lists
   * every event with its attempts.
   */
  public invokeAsync(functionName: string, payload: string, options: InvokeOptions = {}): AsyncInvokeResult {
    const resolved = this.resolve(functionName, options.qualifier, options.caller);
    if (resolved instanceof LambdaApiError) return { kind: 'refused', error: resolved };
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_ASYNC_PAYLOAD_BYTES) return { kind: 'refused', error: lambdaErrors.asyncPayloadTooLarge(bytes) };
    const requestId = options.requestId ?? randomUUID();
    this.queue.enqueue(resolved.name, payload, requestId, resolved.eventInvoke, (attemptId) =>
      this.run(resolved, payload, { requestId: attemptId }),
    );
    return { kind: 'queued', requestId };
  }

  /** Every asynchronous invocation since the start (or the last reset), oldest first, with its attempts. */
  public asyncInvocations(): AsyncInvocationView[] {
    return this.queue.list();
  }

  /**
   * Creates an event source mapping from a stream of the sandbox (the policies table's: `sandbox.policyStream`) to a
   * function, as CreateEventSourceMapping does, and starts it. A control error names a bad option.
   */
  public createEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
    return this.mappings.create(options, (functionName) => {
      const error = this.check(functionName);
      if (error)
        throw new SandboxControlError(`event source mapping: ${error.message}; register the function first`, 404);
      const { arn } = this.resolve(functionName) as FunctionRecord;
      // Resolved again at each delivery: a function registered anew (a new configuration) takes the next batch.
      return {
        arn,
        invoke: (payload) => {
          const current = this.resolve(arn);
          return current instanceof LambdaApiError
            ? Promise.resolve({ kind: 'refused' as const, error: current })
            : this.run(current, payload, {});
        },
      };
    });
  }

  /** Every event source mapping, in the order created. */
  public eventSourceMappings(): EventSourceMapping[] {
    return this.mappings.list();
  }

  /** One event source mapping by UUID; a control error (404) when there is none. */
  public eventSourceMapping(uuid: string): EventSourceMapping {
    return this.mappings.get(uuid);
  }

  /** Stops an event source mapping (a batch in flight ends first) and removes it. */
  public deleteEventSourceMapping(uuid: string): Promise<void> {
    return this.mappings.delete(uuid);
  }

  /**
   * Resolves once the background work has settled: no mapping delivering or with a batch ready, no asynchronous
   * attempt running or due. Work that waits for simulated time to move (a batching window, a retry in 1 minute)
   * does not count: advance the clock, then wait again.
   */
  public async settled(): Promise<void> {
    for (let quiet = 0; quiet < 2;) {
      // Let the promises a clock move resolved run first: a waiter woken by `advance` resumes in a later tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const busy = [
        ...this.mappings.list().filter((mapping) => mapping.isBusy),
        ...(this.queue.isBusy ? [this.queue] : []),
      ];
      if (busy.length === 0) quiet += 1;
      else {
        quiet = 0;
        await Promise.all(busy.map((part) => part.whenIdle()));
      }
    }
  }

  /** Stops every mapping (batches in flight end first) and abandons asynchronous events still waiting. */
  public async stopBackground(): Promise<void> {
    this.queue.stop();
    await this.mappings.stop();
  }

  /** Zeroes every function's counters. */
  public resetStats(): void {
    for (const record of this.functions.values()) record.stats = emptyStats();
  }

  /** Back to the start: no function faults, counters zeroed, the shares' generator reseeded; functions stay. */
  public reset(seed = this.options.faultSeed ?? 1): void {
    this.functionFaults.clear();
    this.functionFaults.reseed(seed);
    this.resetStats();
    this.queue.clear();
    this.mappings.reset(seed);
  }

  private add(name: string, handler: LambdaHandler, options: FunctionOptions, canned: boolean): FunctionView {
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
      throw new SandboxControlError(
        `Lambda function name ${JSON.stringify(name)}: expected 1 to 64 letters, digits, hyphens or underscores`,
      );
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new SandboxControlError(
        `Lambda function ${name}: timeoutMs ${JSON.stringify(timeoutMs)}; ` +
          `expected a whole number of ms from 1 to ${MAX_TIMEOUT_MS}`,
      );
    }
    const eventInvoke = checkEventInvokeConfig(name, options.eventInvoke ?? {});
    const placement = options.placement ?? this.defaultPlacement;
    const arn = this.arn(name, placement);
    const stats = this.functions.get(arn)?.stats ?? emptyStats();
    // Deleting first puts a replaced function last, where a new one would be.
    this.functions.delete(arn);
    const record: FunctionRecord = {
      name,
      arn,
      placement: { accountId: placement.accountId, region: placement.region },
      ...(options.invokers ? { invokers: options.invokers } : {}),
      timeoutMs,
      handler,
      canned,
      eventInvoke,
      stats,
    };
    this.functions.set(arn, record);
    return view(record);
  }

  private get defaultPlacement(): SandboxPlacement {
    return { accountId: this.accountId, region: this.region };
  }

  /** A registered function by name (the default placement's) or by full ARN. */
  private lookup(nameOrArn: string): FunctionRecord | undefined {
    const ref = parseFunctionRef(nameOrArn);
    if (!ref) return undefined;
    const placement = {
      accountId: ref.accountId ?? this.accountId,
      region: ref.region ?? this.region,
    };
    return this.functions.get(this.arn(ref.name, placement));
  }

  /**
   * The function a `FunctionName` (and `Qualifier`) names for `caller`, or Lambda's error for it: a name resolves in
   * the caller's placement, an ARN in its own; another account's function must allow the caller (else
   * AccessDeniedException, whether the function exists or not, as Lambda reveals nothing across accounts).
   */
  private resolve(functionName: string, qualifier?: string, caller?: Caller): FunctionRecord | LambdaApiError {
    const ref = parseFunctionRef(functionName);
    if (!ref) {
      return lambdaErrors.invalidParameter(
        `Invalid FunctionName '${functionName}': expected a function name, an ARN or a partial ARN ` +
          '(123456789012:function:name), each with an optional :qualifier',
      );
    }
    if (ref.qualifier !== undefined && qualifier !== undefined && ref.qualifier !== qualifier) {
      return lambdaErrors.invalidParameter(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const wanted = ref.qualifier ?? qualifier;
    const home = this.options.placementOf?.(caller) ?? this.defaultPlacement;
    const accountId = ref.accountId ?? home.accountId;
    const region = ref.region ?? home.region;
    const record = this.functions.get(functionArn(region, accountId, ref.name));
    if (caller && caller.accountId !== accountId && !(record && allowsCaller(record.invokers, caller, accountId))) {
      return lambdaErrors.accessDenied(caller.principalArn, functionArn(region, accountId, ref.name, wanted));
    }
    if (!record || (wanted !== undefined && wanted !== LATEST)) {
      return lambdaErrors.functionNotFound(functionArn(region, accountId, ref.name, wanted));
    }
    return record;
  }
}

/** True for an invocation that ran past its function's timeout. */
function isTimeout(outcome: InvocationOutcome): boolean {
  return outcome.kind === 'function-error' && outcome.errorType === TIMED_OUT_ERROR_TYPE;
}

function emptyStats(): FunctionStats {
  return { invocations: 0, succeeded: 0, functionErrors: 0, timedOut: 0, throttled: 0 };
}

function view(record: FunctionRecord): FunctionView {
  return {
    name: record.name,
    arn: record.arn,
    placement: record.placement,
    timeoutMs: record.timeoutMs,
    canned: record.canned,
    stats: { ...record.stats },
  };
}
