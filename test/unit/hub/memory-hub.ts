import type { RelayedChangeEvent, SpokeDirectory, SpokeEntry, SpokeInvoker } from '../../../lambda/ports/index.js';
import { SpokeInvokeError } from '../../../lambda/ports/index.js';

/** A spoke directory in memory. */
export class MemorySpokeDirectory implements SpokeDirectory {
  public failure: Error | undefined;
  constructor(public entries: SpokeEntry[] = []) {}
  public async announce(entry: SpokeEntry): Promise<void> {
    this.entries = [...this.entries.filter((e) => e.accountId !== entry.accountId || e.region !== entry.region), entry];
  }
  public async list(): Promise<SpokeEntry[]> {
    if (this.failure) throw this.failure;
    return [...this.entries];
  }
}

/** Keeps each invocation; a function listed in `refusing` fails with that code. */
export class MemorySpokeInvoker implements SpokeInvoker {
  public readonly calls: { functionArn: string; event: RelayedChangeEvent }[] = [];
  constructor(public refusing: Record<string, string> = {}) {}
  public async invoke(functionArn: string, event: RelayedChangeEvent): Promise<void> {
    const code = this.refusing[functionArn];
    if (code) throw new SpokeInvokeError(`refused ${functionArn}`, { code });
    this.calls.push({ functionArn, event });
  }
}

/** A spoke's heartbeat, completed at `at`. */
export function aSpoke(accountId: string, region: string, overrides: Partial<SpokeEntry> = {}): SpokeEntry {
  return {
    accountId,
    region,
    at: '2026-11-26T10:45:00.000Z',
    runId: `${accountId}.${region}/run-2026-11-26T10:45:00Z`,
    status: 'completed',
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:cvpn-guard-enforcer`,
    stateTable: 'cvpn-guard-state',
    ...overrides,
  };
}
