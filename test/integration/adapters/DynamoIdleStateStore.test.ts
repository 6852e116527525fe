import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIdleStateStore, idlePk } from '../../../lambda/adapters/DynamoIdleStateStore.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import type { ConnectionIdleState, IdleState } from '../../../lambda/domain/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { scanAll } from '../../support/sandbox-enforcer.js';

const T0 = '2026-11-26T10:00:00.000Z';
const T0_SECONDS = Date.parse(T0) / 1000;
const DAY_SECONDS = 86_400;
const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
const C = 'cvpn-endpoint-0ccccccccccccccc3';

function entry(endpointId: string, connectionId: string, thresholdCount = 2): ConnectionIdleState {
  return {
    endpointId,
    connectionId,
    lastBytes: 123_456,
    lastSeenAt: new Date('2026-11-26T09:40:00.000Z'),
    thresholds: Array.from({ length: thresholdCount }, (_, i) => ({
      minBytes: i * 1024,
      baselineBytes: 100_000 + i,
      activeAt: new Date(Date.parse('2026-11-26T09:00:00.000Z') + i * 1000),
    })),
  };
}

function stateOf(...entries: ConnectionIdleState[]): IdleState {
  return new Map(entries.map((one) => [one.connectionId, one]));
}

describe('DynamoIdleStateStore', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let store: DynamoIdleStateStore;
  const queries = () => sandbox.counters.get('dynamodb', 'Query').calls;
  const storedKeys = async () =>
    (await scanAll(clients, sandbox.tables.state)).map((item) => `${String(item.pk)} ${String(item.sk)}`).sort();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: T0, frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    store = new DynamoIdleStateStore(clients.documents, sandbox.tables.state, sandbox.clock, 3);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  it('keeps the decisions remembered with an entry, and an entry that holds only decisions', async () => {
    // Arrange
    const decided: ConnectionIdleState = {
      ...entry(A, 'cvpn-connection-1', 0),
      decisions: [
        { policyId: 'max-8h', outcome: 'would-terminate', firstSeenAt: new Date('2026-11-26T08:00:00.000Z') },
        { policyId: 'offboarded', outcome: 'capped', firstSeenAt: new Date('2026-11-26T09:00:00.000Z') },
      ],
    };
    const plain = entry(A, 'cvpn-connection-2');

    // Act
    await store.save(stateOf(decided, plain), new Map());

    // Assert
    expect(await store.load([A])).toEqual(stateOf(decided, plain));
  });

  it('loads back what it saved, connection by connection, for the endpoints asked only', async () => {
    // Arrange
    const saved = stateOf(
      entry(A, 'cvpn-connection-a1'),
      entry(A, 'cvpn-connection-a2'),
      entry(B, 'cvpn-connection-b1'),
    );
    await store.save(saved, new Map());
    await store.save(stateOf(entry(C, 'cvpn-connection-c1')), new Map());

    // Act
    const loaded = await store.load([A, B]);

    // Assert
    expect(loaded).toEqual(saved);
  });

  it('stores one item per connection under its endpoint, expiring stateRetentionDays from now', async () => {
    // Arrange
    const one = entry(A, 'cvpn-connection-a1', 1);

    // Act
    await store.save(stateOf(one), new Map());

    // Assert
    expect(await scanAll(clients, sandbox.tables.state)).toEqual([
      {
        pk: `IDLE#${A}`,
        sk: 'cvpn-connection-a1',
        lastBytes: 123_456,
        lastSeenAt: '2026-11-26T09:40:00.000Z',
        thresholds: [{ minBytes: 0, baselineBytes: 100_000, activeAt: '2026-11-26T09:00:00.000Z' }],
        ttl: T0_SECONDS + 3 * DAY_SECONDS,
      },
    ]);
  });

  it('reads a partition larger than one 1 MB page to the end', async () => {
    // Arrange: seven items on A padded to about 185 KB each (an attribute the store does not read):
    // a page holds six, then one.
    const big = Array.from({ length: 7 }, (_, i) => entry(A, `cvpn-connection-big-${i}`));
    await store.save(stateOf(...big, entry(B, 'cvpn-connection-b1')), new Map());
    for (const item of await scanAll(clients, sandbox.tables.state)) {
      if (item.pk !== idlePk(A)) continue;
      await clients.documents.send(
        new PutCommand({ TableName: sandbox.tables.state, Item: { ...item, padding: 'x'.repeat(185_000) } }),
      );
    }
    const before = queries();

    // Act
    const loaded = await store.load([A, B]);

    // Assert
    expect(queries() - before).toBe(3);
    expect([...loaded.keys()].sort()).toEqual([
      'cvpn-connection-b1',
      'cvpn-connection-big-0',
      'cvpn-connection-big-1',
      'cvpn-connection-big-2',
      'cvpn-connection-big-3',
      'cvpn-connection-big-4',
      'cvpn-connection-big-5',
      'cvpn-connection-big-6',
    ]);
    expect(loaded.get('cvpn-connection-big-6')).toEqual(big[6]);
  });

  it('forgets the connections of previous that next no longer holds, and keeps every other item', async () => {
    // Arrange
    const kept = entry(A, 'cvpn-connection-kept');
    const gone = entry(B, 'cvpn-connection-gone');
    const other = entry(C, 'cvpn-connection-other');
    await store.save(stateOf(kept, gone, other), new Map());
    const fresh = entry(B, 'cvpn-connection-new');

    // Act
    await store.save(stateOf(kept, fresh), stateOf(kept, gone));

    // Assert
    expect(await storedKeys()).toEqual([
      `IDLE#${A} cvpn-connection-kept`,
      `IDLE#${B} cvpn-connection-new`,
      `IDLE#${C} cvpn-connection-other`,
    ]);
  });

  it('writes and forgets more connections than one batch holds', async () => {
    // Arrange
    const first = Array.from({ length: 70 }, (_, i) => entry(i % 2 ? A : B, `cvpn-connection-${i}`));
    await store.save(stateOf(...first), new Map());
    const next = stateOf(...first.slice(0, 10));

    // Act
    const afterFirst = (await storedKeys()).length;
    await store.save(next, stateOf(...first));

    // Assert
    expect(afterFirst).toBe(70);
    expect(await store.load([A, B])).toEqual(next);
    expect(await storedKeys()).toHaveLength(10);
  });

  it('skips an item whose TTL has passed but that DynamoDB has not removed yet', async () => {
    // Arrange
    await store.save(stateOf(entry(A, 'cvpn-connection-live')), new Map());
    await clients.documents.send(
      new PutCommand({
        TableName: sandbox.tables.state,
        Item: {
          pk: idlePk(A),
          sk: 'cvpn-connection-expired',
          lastBytes: 1,
          lastSeenAt: '2026-11-20T09:00:00.000Z',
          thresholds: [],
          ttl: T0_SECONDS - 1,
        },
      }),
    );

    // Act
    const loaded = await store.load([A]);

    // Assert
    expect([...loaded.keys()]).toEqual(['cvpn-connection-live']);
  });
});
