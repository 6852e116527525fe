import { SandboxControlError } from './errors.js';
import { inScope, type RuleScope } from './services.js';

/** Added latency for some requests, in simulated milliseconds (so 10× speed makes it 10× shorter in real time). */
export interface LatencyRule extends RuleScope {
  readonly ms: number;
  /** A random extra of up to this many ms. @default 0 */
  readonly jitterMs?: number;
}

/** Latency injected before answering; the first matching rule applies. */
export class LatencyInjector {
  private rules: LatencyRule[] = [];

  /** Replaces every rule. */
  public set(rules: readonly LatencyRule[]): void {
    this.rules = rules.map(checkRule);
  }

  /** Adds a rule after the others. */
  public add(rule: LatencyRule): void {
    this.rules.push(checkRule(rule));
  }

  /** Removes every rule. */
  public clear(): void {
    this.rules = [];
  }

  /** The rules in force. */
  public list(): LatencyRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Simulated milliseconds to wait before answering a request (0 when no rule applies). */
  public delayFor(service: string, action: string): number {
    const rule = this.rules.find((candidate) => inScope(candidate, service, action));
    if (!rule) return 0;
    return rule.ms + (rule.jitterMs ? Math.random() * rule.jitterMs : 0);
  }
}

function checkRule(rule: LatencyRule): LatencyRule {
  const where = `latency rule ${JSON.stringify(rule)}`;
  if (typeof rule !== 'object' || rule === null) throw new SandboxControlError(`${where}: expected an object`);
  if (typeof rule.service !== 'string' || rule.service === '') {
    throw new SandboxControlError(`${where}: service must be a service name (ec2, dynamodb, sns, sts, lambda) or "*"`);
  }
  if (!(typeof rule.ms === 'number' && rule.ms >= 0))
    throw new SandboxControlError(`${where}: ms must be a number ≥ 0`);
  if (rule.jitterMs !== undefined && !(typeof rule.jitterMs === 'number' && rule.jitterMs >= 0)) {
    throw new SandboxControlError(`${where}: jitterMs must be a number ≥ 0`);
  }
  return { ...rule };
}
