import { SandboxControlError } from './errors.js';
import { inScope, type RuleScope } from './services.js';

/** What an injected fault does to a request. */
export const FaultKind = {
  /**
   * Answers the service's internal error (EC2 `InternalError` 500, DynamoDB `InternalServerError` 500, Lambda
   * `ServiceException` 500…).
   */
  ERROR: 'error',
  /**
   * Answers the service's throttling error (EC2 `RequestLimitExceeded` 503, DynamoDB
   * `ProvisionedThroughputExceededException` 400, Lambda `TooManyRequestsException` 429…).
   */
  THROTTLE: 'throttle',
  /** Destroys the connection without an answer (the client sees a socket error). */
  DROP: 'drop',
} as const;
/** One of the fault kinds. */
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** One fault rule. Rules are tried in order; the first that fires decides. */
export interface FaultRule extends RuleScope, InjectedRule {
  readonly kind: FaultKind;
}

/** A rule with what is left of it. */
export interface FaultRuleState extends FaultRule {
  /** Times the rule has fired. */
  readonly fired: number;
}

const KINDS = new Set<string>(Object.values(FaultKind));

/** What every injected fault rule has: the share of matching requests it fails, and how often it may. */
export interface InjectedRule {
  /** Share of matching requests that fail, 0 to 1. @default 1 */
  readonly rate?: number;
  /** The rule fires at most this many times, then expires. @default no limit */
  readonly count?: number;
}

/**
 * Fault rules tried in order, the first that fires deciding; shares are drawn from a seeded generator,
 * so a test with a given seed sees the same faults on every run.
 */
export class SeededRules<R extends InjectedRule> {
  private rules: { rule: R; fired: number }[] = [];
  private random: () => number;

  /** @param check refuses a malformed rule by name and returns a copy of a good one */
  constructor(
    private readonly check: (rule: R) => R,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  /** Adds a rule after the others. */
  public add(rule: R): void {
    this.rules.push({ rule: this.check(rule), fired: 0 });
  }

  /** Replaces every rule. */
  public set(rules: readonly R[]): void {
    const checked = rules.map(this.check);
    this.rules = checked.map((rule) => ({ rule, fired: 0 }));
  }

  /** Removes every rule. */
  public clear(): void {
    this.rules = [];
  }

  /** Restarts the generator of shares. */
  public reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** The rules still in force. */
  public list(): (R & { readonly fired: number })[] {
    return this.rules.map(({ rule, fired }) => ({ ...rule, fired }));
  }

  /** The first rule that `matches` and fires, if any (and counts it). */
  protected firstFiring(matches: (rule: R) => boolean): R | undefined {
    for (const entry of this.rules) {
      if (!matches(entry.rule)) continue;
      if (entry.rule.count !== undefined && entry.fired >= entry.rule.count) continue;
      const rate = entry.rule.rate ?? 1;
      if (rate < 1 && this.random() >= rate) continue;
      entry.fired += 1;
      return entry.rule;
    }
    return undefined;
  }
}

/** Refuses a rule's `rate` or `count` by name (`where` names the rule). */
export function checkShare(where: string, rule: InjectedRule): void {
  if (rule.rate !== undefined && !(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) {
    throw new SandboxControlError(`${where}: rate must be a number from 0 to 1`);
  }
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) {
    throw new SandboxControlError(`${where}: count must be a whole number ≥ 0`);
  }
}

/** Injected faults for every service behind the edge. */
export class FaultInjector extends SeededRules<FaultRule> {
  constructor(seed = 1) {
    super(checkRule, seed);
  }

  /** The fault to inject into one request, if any (and counts it). */
  public pick(service: string, action: string): FaultRule | undefined {
    return this.firstFiring((rule) => inScope(rule, service, action));
  }
}

function checkRule(rule: FaultRule): FaultRule {
  const where = `fault rule ${JSON.stringify(rule)}`;
  if (typeof rule !== 'object' || rule === null) throw new SandboxControlError(`${where}: expected an object`);
  if (typeof rule.service !== 'string' || rule.service === '') {
    throw new SandboxControlError(`${where}: service must be a service name (ec2, dynamodb, sns, sts, lambda) or "*"`);
  }
  if (!KINDS.has(rule.kind)) throw new SandboxControlError(`${where}: kind must be one of ${[...KINDS].join(', ')}`);
  checkShare(where, rule);
  if (
    rule.actions !== undefined &&
    !(Array.isArray(rule.actions) && rule.actions.every((a) => typeof a === 'string'))
  ) {
    throw new SandboxControlError(
      `${where}: actions must be a list of action names or groups (@write, @read, @mutating, @describe)`,
    );
  }
  return { ...rule };
}

/** mulberry32: small, fast, and good enough to draw shares of requests (Lambda's function faults draw from it too). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
