import type { PolicyLoad, PolicyRepository } from '../../../lambda/ports/index.js';
import { ENDPOINT_A } from '../domain/fixtures.js';
import type { Clock } from '../../../lambda/ports/index.js';
import type { GateMetrics } from '../../../lambda/gate/index.js';

/** A clock whose sleeps end only when `advance` moves time past them, so a deadline fires when a test says. */
export class HeldClock implements Clock {
  private current: number;
  private readonly waiting: { due: number; wake: () => void }[] = [];

  constructor(start = '2026-11-26T10:49:00Z') {
    this.current = new Date(start).getTime();
  }

  public now(): Date {
    return new Date(this.current);
  }

  public sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.waiting.push({ due: this.current + ms, wake }));
  }

  public advance(ms: number): void {
    this.current += ms;
    for (const sleeper of this.waiting.filter(({ due }) => due <= this.current)) {
      this.waiting.splice(this.waiting.indexOf(sleeper), 1);
      sleeper.wake();
    }
  }
}

/** Counts in memory. */
export class MemoryMetrics implements GateMetrics {
  public readonly counts: Record<string, number> = {};
  public readonly durations: number[] = [];

  public count(metric: string, value = 1): void {
    this.counts[metric] = (this.counts[metric] ?? 0) + value;
  }

  public duration(ms: number): void {
    this.durations.push(ms);
  }
}

/** A repository whose loads the test settles by hand (to hang one, or fail it). */
export class ScriptedPolicies implements PolicyRepository {
  public loads = 0;
  public next: () => Promise<PolicyLoad>;

  constructor(next: () => Promise<PolicyLoad>) {
    this.next = next;
  }

  public loadAll(): Promise<PolicyLoad> {
    this.loads += 1;
    return this.next();
  }
}

/** A well-formed v2 request by alice on endpoint A. */
export function connectRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'connection-id': 'cvpn-connection-0123456789abcdef0',
    'endpoint-id': ENDPOINT_A,
    'common-name': 'alice-laptop',
    username: 'alice',
    platform: 'macos',
    'platform-version': '15.1',
    'public-ip': '198.51.100.7',
    'client-openvpn-version': '2.6.12',
    groups: ['staff'],
    'schema-version': 'v2',
    ...overrides,
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
}
