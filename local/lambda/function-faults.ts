import { SandboxControlError } from '../errors.js';
import { checkShare, type InjectedRule, SeededRules } from '../faults.js';

/** What an injected function fault does to an invocation. */
export const FunctionFaultKind = {
  /** The function throws: an `Unhandled` error with the rule's `message`. */
  ERROR: 'error',
  /** The function runs until its timeout (on the simulated clock): an `Unhandled` `Sandbox.Timedout` error. */
  TIMEOUT: 'timeout',
  /** Lambda refuses the invocation: TooManyRequestsException 429 (the function's reserved concurrency is used up). */
  THROTTLE: 'throttle',
  /** The function runs `ms` simulated milliseconds longer, then as it would (past its timeout, it times out). */
  DELAY: 'delay',
} as const;
/** One of the function fault kinds. */
export type FunctionFaultKind = (typeof FunctionFaultKind)[keyof typeof FunctionFaultKind];

/** One function fault rule. Rules are tried in order; the first that fires decides. */
export interface FunctionFaultRule extends InjectedRule {
  /** The function's name. @default every function */
  readonly function?: string;
  readonly kind: FunctionFaultKind;
  /** For `delay`: simulated milliseconds. */
  readonly ms?: number;
  /** For `error`: the error's message. @default 'Injected fault' */
  readonly message?: string;
}

/** A rule with what is left of it. */
export interface FunctionFaultRuleState extends FunctionFaultRule {
  /** Times the rule has fired. */
  readonly fired: number;
}

const KINDS = new Set<string>(Object.values(FunctionFaultKind));

/**
 * Faults of the functions themselves, beside the Lambda service's own (the shared fault rules with service `lambda`:
 * its 500, its account-wide throttle, a dropped answer). Shares are drawn from a seeded generator, as those are.
 */
export class FunctionFaults extends SeededRules<FunctionFaultRule> {
  constructor(seed = 1) {
    super(checkRule, seed);
  }

  /** The fault to inject into one invocation of `functionName`, if any (and counts it). */
  public pick(functionName: string): FunctionFaultRule | undefined {
    return this.firstFiring((rule) => rule.function === undefined || rule.function === functionName);
  }
}

function checkRule(rule: FunctionFaultRule): FunctionFaultRule {
  const where = `function fault rule ${JSON.stringify(rule)}`;
  if (typeof rule !== 'object' || rule === null) throw new SandboxControlError(`${where}: expected an object`);
  if (rule.function !== undefined && (typeof rule.function !== 'string' || rule.function === '')) {
    throw new SandboxControlError(`${where}: function must be a function name (or left out for every function)`);
  }
  if (!KINDS.has(rule.kind)) throw new SandboxControlError(`${where}: kind must be one of ${[...KINDS].join(', ')}`);
  if (rule.kind === FunctionFaultKind.DELAY && !(typeof rule.ms === 'number' && rule.ms >= 0)) {
    throw new SandboxControlError(`${where}: a delay needs ms, a number ≥ 0 (simulated milliseconds)`);
  }
  if (rule.message !== undefined && typeof rule.message !== 'string') {
    throw new SandboxControlError(`${where}: message must be a string`);
  }
  checkShare(where, rule);
  return { ...rule };
}
