import { BatchWriteCommand, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { ConnectionIdleState, IdleState, IdleThreshold, RememberedDecision } from '../domain/index.js';
import type { Clock, IdleStateStore } from '../ports/index.js';

const BATCH_SIZE = 25;
const PARALLEL_BATCHES = 8;
const MAX_BATCH_ATTEMPTS = 8;
const SECONDS_PER_DAY = 86_400;

/** Partition of the idle memory of one endpoint in the state table. */
export function idlePk(endpointId: string): string {
  return `IDLE#${endpointId}`;
}

/** Idle memory in the state table: one item per connection, expired by `ttl` once the connection is gone. */
export class DynamoIdleStateStore implements IdleStateStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    /** Days the memory of a connection no longer seen is kept. */
    private readonly retentionDays: number,
  ) {}

  public async load(endpointIds: readonly string[]): Promise<IdleState> {
    const state = new Map<string, ConnectionIdleState>();
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    for (const endpointId of endpointIds) {
      const pages = paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': idlePk(endpointId) },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          // Expired items may linger until DynamoDB removes them; an unreadable item is forgotten (first sight again).
          if (typeof item.ttl === 'number' && item.ttl < nowSeconds) continue;
          const entry = itemToState(endpointId, item);
          if (entry) state.set(entry.connectionId, entry);
        }
      }
    }
    return state;
  }

  public async save(next: IdleState, previous: IdleState): Promise<void> {
    const ttl = Math.floor(this.clock.now().getTime() / 1000) + this.retentionDays * SECONDS_PER_DAY;
    const requests: Record<string, unknown>[] = [];
    for (const entry of next.values()) requests.push({ PutRequest: { Item: stateToItem(entry, ttl) } });
    for (const entry of previous.values()) {
      if (!next.has(entry.connectionId)) {
        requests.push({ DeleteRequest: { Key: { pk: idlePk(entry.endpointId), sk: entry.connectionId } } });
      }
    }
    const batches: Record<string, unknown>[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_SIZE)
      batches.push(requests.slice(start, start + BATCH_SIZE));
    for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
      await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map((batch) => this.writeBatch(batch)));
    }
  }

  private async writeBatch(batch: Record<string, unknown>[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new Error(
          `idle state: ${pending.length} writes to ${this.tableName} still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) await this.clock.sleep(Math.min(2000, 50 * 2 ** attempt) * Math.random());
      const output = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (output.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }
}

function stateToItem(entry: ConnectionIdleState, ttl: number): Record<string, unknown> {
  return {
    pk: idlePk(entry.endpointId),
    sk: entry.connectionId,
    lastBytes: entry.lastBytes,
    lastSeenAt: entry.lastSeenAt.toISOString(),
    thresholds: entry.thresholds.map((threshold) => ({
      minBytes: threshold.minBytes,
      baselineBytes: threshold.baselineBytes,
      activeAt: threshold.activeAt.toISOString(),
    })),
    ...(entry.decisions?.length
      ? {
          decisions: entry.decisions.map((decision) => ({
            policyId: decision.policyId,
            outcome: decision.outcome,
            firstSeenAt: decision.firstSeenAt.toISOString(),
          })),
        }
      : {}),
    ttl,
  };
}

function itemToState(endpointId: string, item: Record<string, unknown>): ConnectionIdleState | undefined {
  const lastSeenAt = new Date(String(item.lastSeenAt));
  if (typeof item.sk !== 'string' || typeof item.lastBytes !== 'number' || Number.isNaN(lastSeenAt.getTime()))
    return undefined;
  const thresholds: IdleThreshold[] = [];
  for (const raw of Array.isArray(item.thresholds) ? item.thresholds : []) {
    const threshold = raw as Record<string, unknown>;
    const activeAt = new Date(String(threshold.activeAt));
    if (
      typeof threshold.minBytes !== 'number' ||
      typeof threshold.baselineBytes !== 'number' ||
      Number.isNaN(activeAt.getTime())
    ) {
      return undefined;
    }
    thresholds.push({ minBytes: threshold.minBytes, baselineBytes: threshold.baselineBytes, activeAt });
  }
  const decisions = itemToDecisions(item.decisions);
  return {
    endpointId,
    connectionId: item.sk,
    lastBytes: item.lastBytes,
    lastSeenAt,
    thresholds,
    ...(decisions.length > 0 ? { decisions } : {}),
  };
}

/** The remembered decisions of an item; one that cannot be read is forgotten (the decision is new again). */
function itemToDecisions(value: unknown): RememberedDecision[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw: Record<string, unknown>) => {
    const firstSeenAt = new Date(String(raw?.firstSeenAt));
    if (typeof raw?.policyId !== 'string' || typeof raw.outcome !== 'string' || Number.isNaN(firstSeenAt.getTime()))
      return [];
    return [{ policyId: raw.policyId, outcome: raw.outcome, firstSeenAt }];
  });
}
