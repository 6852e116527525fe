/** Error codes that mean "throttled", across the emulated services. */
const THROTTLE_CODES = new Set([
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'TooManyRequestsException',
]);

/** Calls of one action and how they ended. */
export interface ActionCounter {
  /** Every request received, whatever its end. */
  calls: number;
  /** Answered with a 2xx. */
  succeeded: number;
  /** Answered with a throttling error (the bucket or an injected throttle). */
  throttled: number;
  /** Answered by an injected fault (error, throttle or drop). */
  injected: number;
  /** Connections destroyed without an answer. */
  dropped: number;
  /** Error answers by code (throttling and DryRunOperation included). */
  errors: Record<string, number>;
}

/** How one request ended. */
export interface CallOutcome {
  readonly status: number;
  readonly code?: string;
  readonly injected?: boolean;
  readonly dropped?: boolean;
}

/** Counters of calls per service and action, for tests, benchmarks and the admin API. */
export class CallCounters {
  private counters = new Map<string, Map<string, ActionCounter>>();

  /** Counts a request as received. */
  public recordCall(service: string, action: string): void {
    this.entry(service, action).calls += 1;
  }

  /** Counts how a request ended. */
  public recordOutcome(service: string, action: string, outcome: CallOutcome): void {
    const counter = this.entry(service, action);
    if (outcome.injected) counter.injected += 1;
    if (outcome.dropped) {
      counter.dropped += 1;
      return;
    }
    if (outcome.status < 300) {
      counter.succeeded += 1;
      return;
    }
    const code = outcome.code ?? `HTTP${outcome.status}`;
    counter.errors[code] = (counter.errors[code] ?? 0) + 1;
    if (THROTTLE_CODES.has(code)) counter.throttled += 1;
  }

  /** One action's counters (zeros when never called). */
  public get(service: string, action: string): ActionCounter {
    const counter = this.counters.get(service)?.get(action);
    return counter ? copy(counter) : empty();
  }

  /** Every counter, by service then action. */
  public snapshot(): Record<string, Record<string, ActionCounter>> {
    const result: Record<string, Record<string, ActionCounter>> = {};
    for (const [service, actions] of this.counters) {
      result[service] = Object.fromEntries([...actions].map(([action, counter]) => [action, copy(counter)]));
    }
    return result;
  }

  /** Zeroes everything. */
  public reset(): void {
    this.counters.clear();
  }

  private entry(service: string, action: string): ActionCounter {
    let actions = this.counters.get(service);
    if (!actions) {
      actions = new Map();
      this.counters.set(service, actions);
    }
    let counter = actions.get(action);
    if (!counter) {
      counter = empty();
      actions.set(action, counter);
    }
    return counter;
  }
}

function empty(): ActionCounter {
  return { calls: 0, succeeded: 0, throttled: 0, injected: 0, dropped: 0, errors: {} };
}

function copy(counter: ActionCounter): ActionCounter {
  return { ...counter, errors: { ...counter.errors } };
}
