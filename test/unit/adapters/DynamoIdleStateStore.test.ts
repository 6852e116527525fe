import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoIdleStateStore, idlePk } from '../../../lambda/adapters/DynamoIdleStateStore.js';
import { createDocumentClient } from '../../../lambda/clients.js';
import type { ConnectionIdleState, IdleState } from '../../../lambda/domain/index.js';
import { ManualClock } from '../../support/ManualClock.js';

const TABLE = 'cvpn-guard-state';
const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
const NOW = '2026-11-26T10:00:00.000Z';
const NOW_SECONDS = Date.parse(NOW) / 1000;
const DAY_SECONDS = 86_400;
const documentsMock = mockClient(DynamoDBDocumentClient);

type WriteRequest = Record<string, unknown>;

function entry(endpointId: string, connectionId: string, lastBytes = 1000): ConnectionIdleState {
  return {
    endpointId,
    connectionId,
    lastBytes,
    lastSeenAt: new Date('2026-11-26T09:40:00.000Z'),
    thresholds: [
      { minBytes: 0, baselineBytes: lastBytes, activeAt: new Date('2026-11-26T09:20:00.000Z') },
      { minBytes: 65_536, baselineBytes: lastBytes - 500, activeAt: new Date('2026-11-26T09:00:00.000Z') },
    ],
  };
}

/** The item `entry` is stored as. */
function item(state: ConnectionIdleState, ttl: number): Record<string, unknown> {
  return {
    pk: idlePk(state.endpointId),
    sk: state.connectionId,
    lastBytes: state.lastBytes,
    lastSeenAt: state.lastSeenAt.toISOString(),
    thresholds: state.thresholds.map((threshold) => ({
      minBytes: threshold.minBytes,
      baselineBytes: threshold.baselineBytes,
      activeAt: threshold.activeAt.toISOString(),
    })),
    ttl,
  };
}

function stateOf(...entries: ConnectionIdleState[]): IdleState {
  return new Map(entries.map((one) => [one.connectionId, one]));
}

function page(items: Record<string, unknown>[], lastKey?: Record<string, unknown>): QueryCommandOutput {
  return { Items: items, LastEvaluatedKey: lastKey, $metadata: {} };
}

/** Every write request sent, batch by batch. */
function writtenBatches(): WriteRequest[][] {
  return documentsMock
    .commandCalls(BatchWriteCommand)
    .map((call) => (call.args[0].input.RequestItems?.[TABLE] ?? []) as WriteRequest[]);
}

describe('DynamoIdleStateStore', () => {
  let clock: ManualClock;
  const store = (retentionDays = 3) =>
    new DynamoIdleStateStore(
      createDocumentClient(new DynamoDBClient({ region: 'us-east-1' })),
      TABLE,
      clock,
      retentionDays,
    );

  beforeEach(() => {
    documentsMock.reset();
    clock = new ManualClock(NOW);
  });

  describe('load', () => {
    it('queries the partition of each endpoint, follows every page, and keeps each connection under its endpoint', async () => {
      // Arrange
      const a1 = entry(A, 'cvpn-connection-a1');
      const a2 = entry(A, 'cvpn-connection-a2', 5000);
      const b1 = entry(B, 'cvpn-connection-b1', 70);
      const ttl = NOW_SECONDS + DAY_SECONDS;
      const queries: QueryCommandInput[] = [];
      // The paginator reuses one input object: copy each as it is sent.
      documentsMock.on(QueryCommand).callsFake((input: QueryCommandInput) => {
        queries.push(structuredClone(input));
        if (input.ExpressionAttributeValues?.[':pk'] === idlePk(B)) return page([item(b1, ttl)]);
        if (input.ExclusiveStartKey === undefined)
          return page([item(a1, ttl)], { pk: idlePk(A), sk: 'cvpn-connection-a1' });
        return page([item(a2, ttl)]);
      });

      // Act
      const state = await store().load([A, B]);

      // Assert
      expect(queries).toEqual([
        { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `IDLE#${A}` } },
        {
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `IDLE#${A}` },
          ExclusiveStartKey: { pk: `IDLE#${A}`, sk: 'cvpn-connection-a1' },
        },
        { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `IDLE#${B}` } },
      ]);
      expect(state).toEqual(stateOf(a1, a2, b1));
    });

    it('reads nothing for no endpoints', async () => {
      // Act
      const state = await store().load([]);

      // Assert
      expect(state.size).toBe(0);
      expect(documentsMock.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('skips items whose TTL has passed but that DynamoDB has not removed yet', async () => {
      // Arrange
      const expired = entry(A, 'cvpn-connection-expired');
      const lastSecond = entry(A, 'cvpn-connection-last-second');
      const noTtl = entry(A, 'cvpn-connection-no-ttl');
      const { ttl: _ttl, ...withoutTtl } = item(noTtl, 0);
      documentsMock
        .on(QueryCommand)
        .resolves(page([item(expired, NOW_SECONDS - 1), item(lastSecond, NOW_SECONDS), withoutTtl]));

      // Act
      const state = await store().load([A]);

      // Assert
      expect([...state.keys()]).toEqual(['cvpn-connection-last-second', 'cvpn-connection-no-ttl']);
    });

    it('forgets an unreadable item (the connection is seen for the first time again) and keeps the rest', async () => {
      // Arrange
      const good = entry(A, 'cvpn-connection-good');
      const ttl = NOW_SECONDS + DAY_SECONDS;
      const broken = (connectionId: string, patch: Record<string, unknown>) => ({
        ...item(entry(A, connectionId), ttl),
        ...patch,
      });
      documentsMock.on(QueryCommand).resolves(
        page([
          broken('cvpn-connection-text-bytes', { lastBytes: '1000' }),
          broken('cvpn-connection-bad-time', { lastSeenAt: 'yesterday' }),
          broken('cvpn-connection-bad-threshold', {
            thresholds: [{ minBytes: 0, baselineBytes: 10, activeAt: 'soon' }],
          }),
          broken('cvpn-connection-text-threshold', {
            thresholds: [{ minBytes: '0', baselineBytes: 10, activeAt: NOW }],
          }),
          { ...item(entry(A, 'unused'), ttl), sk: 42 },
          item(good, ttl),
          broken('cvpn-connection-no-thresholds', { thresholds: undefined }),
        ]),
      );

      // Act
      const state = await store().load([A]);

      // Assert
      expect(state).toEqual(
        stateOf(good, { ...entry(A, 'cvpn-connection-no-thresholds'), thresholds: [] } as ConnectionIdleState),
      );
    });
  });

  describe('save', () => {
    it('writes every connection of next with a TTL of stateRetentionDays, and deletes only those next no longer holds', async () => {
      // Arrange
      documentsMock.on(BatchWriteCommand).resolves({});
      const kept = entry(A, 'cvpn-connection-kept');
      const keptNext = { ...kept, lastBytes: 2000, lastSeenAt: new Date(NOW) };
      const gone = entry(B, 'cvpn-connection-gone');
      const fresh = entry(B, 'cvpn-connection-new');
      const ttl = NOW_SECONDS + 7 * DAY_SECONDS;

      // Act
      await store(7).save(stateOf(keptNext, fresh), stateOf(kept, gone));

      // Assert
      expect(documentsMock.commandCalls(BatchWriteCommand).map((call) => call.args[0].input)).toEqual([
        {
          RequestItems: {
            [TABLE]: [
              { PutRequest: { Item: item(keptNext, ttl) } },
              { PutRequest: { Item: item(fresh, ttl) } },
              { DeleteRequest: { Key: { pk: `IDLE#${B}`, sk: 'cvpn-connection-gone' } } },
            ],
          },
        } satisfies BatchWriteCommandInput,
      ]);
    });

    it('rewrites a connection still seen even when nothing else changed, so its TTL moves on', async () => {
      // Arrange
      documentsMock.on(BatchWriteCommand).resolves({});
      const still = entry(A, 'cvpn-connection-still');

      // Act
      await store(1).save(stateOf(still), stateOf(still));

      // Assert
      expect(writtenBatches()).toEqual([[{ PutRequest: { Item: item(still, NOW_SECONDS + DAY_SECONDS) } }]]);
    });

    it('sends nothing when there is nothing to write or forget', async () => {
      // Act
      await store().save(new Map(), new Map());

      // Assert
      expect(documentsMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
    });

    it('splits the writes into batches of 25, each write in exactly one batch', async () => {
      // Arrange
      documentsMock.on(BatchWriteCommand).resolves({});
      const next = stateOf(...Array.from({ length: 40 }, (_, i) => entry(A, `cvpn-connection-next-${i}`)));
      const previous = stateOf(...Array.from({ length: 20 }, (_, i) => entry(B, `cvpn-connection-gone-${i}`)));

      // Act
      await store().save(next, previous);

      // Assert
      const batches = writtenBatches();
      expect(batches.map((batch) => batch.length)).toEqual([25, 25, 10]);
      const keys = batches
        .flat()
        .map((request) =>
          JSON.stringify(
            'PutRequest' in request
              ? ['put', (request.PutRequest as { Item: { sk: string } }).Item.sk]
              : ['delete', (request.DeleteRequest as { Key: { sk: string } }).Key.sk],
          ),
        );
      expect(new Set(keys).size).toBe(60);
      expect(keys.filter((key) => key.startsWith('["delete"'))).toHaveLength(20);
    });

    it('keeps at most 8 batches in flight at once', async () => {
      // Arrange
      let inFlight = 0;
      let mostInFlight = 0;
      documentsMock.on(BatchWriteCommand).callsFake(async () => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return {};
      });
      const next = stateOf(...Array.from({ length: 10 * 25 }, (_, i) => entry(A, `cvpn-connection-${i}`)));

      // Act
      await store().save(next, new Map());

      // Assert
      expect(documentsMock.commandCalls(BatchWriteCommand)).toHaveLength(10);
      expect(mostInFlight).toBe(8);
    });

    it('sends again exactly what DynamoDB left unprocessed, once a jittered pause is over', async () => {
      // Arrange
      const entries = ['one', 'two', 'three'].map((id) => entry(A, `cvpn-connection-${id}`));
      const ttl = NOW_SECONDS + 3 * DAY_SECONDS;
      const left = [{ PutRequest: { Item: item(entries[2] as ConnectionIdleState, ttl) } }];
      documentsMock
        .on(BatchWriteCommand)
        .resolvesOnce({ UnprocessedItems: { [TABLE]: left } })
        .resolves({ UnprocessedItems: {} });
      const pauses: { ms: number; end: () => void }[] = [];
      const pausingClock = {
        now: () => new Date(NOW),
        sleep: (ms: number) => new Promise<void>((end) => pauses.push({ ms, end })),
      };
      const pausing = new DynamoIdleStateStore(
        createDocumentClient(new DynamoDBClient({ region: 'us-east-1' })),
        TABLE,
        pausingClock,
        3,
      );

      // Act
      const saving = pausing.save(stateOf(...entries), new Map());
      await new Promise((resolve) => setTimeout(resolve, 20));
      const sentDuringPause = writtenBatches().length;
      pauses[0]?.end();
      await saving;

      // Assert
      expect(sentDuringPause).toBe(1);
      const batches = writtenBatches();
      expect(batches.map((batch) => batch.length)).toEqual([3, 1]);
      expect(batches[1]).toEqual(left);
      expect(pauses).toHaveLength(1);
      expect(pauses[0]?.ms).toBeGreaterThanOrEqual(0);
      expect(pauses[0]?.ms).toBeLessThan(200);
    });

    it('gives up with an error naming the table after 8 attempts that leave writes unprocessed', async () => {
      // Arrange
      documentsMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({
        UnprocessedItems: input.RequestItems,
      }));

      // Act
      const saving = store().save(stateOf(entry(A, 'cvpn-connection-1'), entry(A, 'cvpn-connection-2')), new Map());

      // Assert
      await expect(saving).rejects.toThrow(`idle state: 2 writes to ${TABLE} still unprocessed after 8 attempts`);
      expect(documentsMock.commandCalls(BatchWriteCommand)).toHaveLength(8);
      expect(clock.sleeps).toHaveLength(7);
    });

    it('passes a DynamoDB error on', async () => {
      // Arrange
      const error = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
      documentsMock.on(BatchWriteCommand).rejects(error);

      // Act
      const saving = store().save(stateOf(entry(A, 'cvpn-connection-1')), new Map());

      // Assert
      await expect(saving).rejects.toBe(error);
    });
  });
});
