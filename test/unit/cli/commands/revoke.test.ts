import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { durationOption, identityList, writeRevocation } from '../../../../cli/commands/revoke.js';
import { checkRevokeRequest, planRevocation } from '../../../../cli/policy/revocation.js';
import {
  PolicyConflictError,
  PolicyExistsError,
  type PolicyStore,
  type PolicyWriteCondition,
  type StoredPolicy,
} from '../../../../lambda/ports/index.js';

describe('revoke --timeout', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    [' 1h30m ', 5_400_000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(durationOption(text)).toBe(ms);
  });

  it.each(['soon', '', '0s', '-5m'])('refuses %p as bad usage, with what it takes', (text) => {
    expect(() => durationOption(text)).toThrow(new InvalidArgumentError('expected a duration such as 90s, 10m or 1h.'));
  });
});

describe('revoke --common-names', () => {
  it('splits on commas and adds up repeated flags', () => {
    expect(identityList('a.corp,b.corp', undefined)).toEqual(['a.corp', 'b.corp']);
    expect(identityList('c.corp', ['a.corp'])).toEqual(['a.corp', 'c.corp']);
  });

  it('keeps a blank entry, so that it is refused by name rather than dropped', () => {
    expect(identityList('a.corp,,', undefined)).toEqual(['a.corp', '', '']);
  });
});

/** A policies table in memory whose next write can lose a race: `meanwhile` edits the row just before it lands. */
class RacedStore implements PolicyStore {
  public readonly rows = new Map<string, StoredPolicy>();
  public writes = 0;

  constructor(private meanwhile: ((store: RacedStore) => void)[]) {}

  public async list(): Promise<StoredPolicy[]> {
    return [...this.rows.values()].sort((left, right) => left.policyId.localeCompare(right.policyId));
  }

  public async get(policyId: string): Promise<StoredPolicy | undefined> {
    return this.rows.get(policyId);
  }

  public async put(row: { policyId: string }, condition: PolicyWriteCondition): Promise<number> {
    this.race();
    const current = this.rows.get(row.policyId);
    if (condition.expect === 'absent' && current) throw new PolicyExistsError(row.policyId, current.version);
    this.set({ ...row, version: 1 });
    return 1;
  }

  public async update(policyId: string, changes: Readonly<Record<string, unknown>>, version: number | undefined) {
    this.race();
    const current = this.rows.get(policyId);
    if (!current || current.version !== version)
      throw new PolicyConflictError(policyId, version, current?.version ?? 'absent');
    this.set({ ...current.item, ...changes, version: (version ?? 0) + 1 });
    return (version ?? 0) + 1;
  }

  public async delete(): Promise<void> {}

  public set(item: Record<string, unknown>): void {
    this.rows.set(item.policyId as string, {
      policyId: item.policyId as string,
      item,
      version: item.version as number,
    });
  }

  private race(): void {
    this.writes += 1;
    this.meanwhile.shift()?.(this);
  }
}

describe('writeRevocation', () => {
  const NOW = new Date('2026-11-26T10:00:00Z');
  const stamp = { updatedBy: 'test', updatedAt: NOW.toISOString() };
  const offboarded = {
    policyId: 'revoked-left',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    reason: 'left',
    version: 4,
  };
  const request = checkRevokeRequest(['jdoe'], [], 'left');

  it('keeps an edit that landed first: reads the row again and adds the user to it, on its new version', async () => {
    // Arrange: someone adds asmith between the read and the write.
    const store = new RacedStore([
      (table) => table.set({ ...offboarded, usernames: ['mallory', 'asmith'], version: 5 }),
    ]);
    store.set(offboarded);
    const notes: string[] = [];

    // Act
    const written = await writeRevocation(
      store,
      request,
      stamp,
      planRevocation(request, await store.list(), NOW),
      () => NOW,
      (text) => notes.push(text),
    );

    // Assert
    expect(written).toMatchObject({ plan: { action: 'extend', version: 5 }, version: 6 });
    expect(store.rows.get('revoked-left')?.item).toMatchObject({
      usernames: ['mallory', 'asmith', 'jdoe'],
      version: 6,
    });
    expect(notes).toEqual([
      'note: policy row "revoked-left" changed since it was read: you had version 4, the table has version 5; reading the rows again and adding to what they hold now',
    ]);
  });

  it('writes nothing when the edit that landed first revoked the user already', async () => {
    const store = new RacedStore([(table) => table.set({ ...offboarded, usernames: ['mallory', 'jdoe'], version: 5 })]);
    store.set(offboarded);

    const written = await writeRevocation(
      store,
      request,
      stamp,
      planRevocation(request, await store.list(), NOW),
      () => NOW,
      () => {},
    );

    expect(written.plan).toMatchObject({
      action: 'none',
      alreadyRevoked: [{ identity: 'jdoe', policyId: 'revoked-left' }],
    });
    expect(store.writes).toBe(1);
  });

  it('gives up after three lost races, naming the conflict, with nothing written', async () => {
    const bump = (table: RacedStore) => {
      const current = table.rows.get('revoked-left')!;
      table.set({ ...current.item, version: (current.version ?? 0) + 1 });
    };
    const store = new RacedStore([bump, bump, bump]);
    store.set(offboarded);

    await expect(
      writeRevocation(
        store,
        request,
        stamp,
        planRevocation(request, await store.list(), NOW),
        () => NOW,
        () => {},
      ),
    ).rejects.toThrow(
      /^conflict, 3 times in a row \(last: policy row "revoked-left" changed since it was read: you had version 6, the table has version 7\); nothing was written\. Run the command again$/,
    );
    expect(store.rows.get('revoked-left')?.item.usernames).toEqual(['mallory']);
  });
});
