import { type DynamoDBDocumentClient, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { compareText } from '../domain/order/compare.js';
import type { SpokeDirectory, SpokeEntry } from '../ports/index.js';
import { AuditIndex, SpokeHeartbeat } from '../tables.js';
import { ttlOf } from './audit-item.js';

/** Partition key of one spoke's heartbeat item: `SPOKE#<accountId>.<region>`. */
export function spokeHeartbeatPk(entry: Pick<SpokeEntry, 'accountId' | 'region'>): string {
  return `${SpokeHeartbeat.PK_PREFIX}${entry.accountId}.${entry.region}`;
}

/**
 * The spoke directory as one heartbeat item per spoke in the hub's audit table (see `SpokeHeartbeat` in
 * lambda/tables.ts): a `PutItem` per run, listed through the `byTime` index's `SPOKES` partition. The item expires
 * with the audit retention, so a spoke removed from the organization leaves the directory in time.
 */
export class DynamoSpokeDirectory implements SpokeDirectory {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    /** The hub's audit table: its name, or its ARN from another account. */
    private readonly auditTable: string,
    private readonly retentionDays: number,
  ) {}

  public async announce(entry: SpokeEntry): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.auditTable,
        Item: {
          ...entry,
          pk: spokeHeartbeatPk(entry),
          sk: SpokeHeartbeat.SK,
          timeKey: SpokeHeartbeat.TIME_KEY,
          ttl: ttlOf(entry.at, this.retentionDays),
        },
      }),
    );
  }

  public async list(): Promise<SpokeEntry[]> {
    const entries: SpokeEntry[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.auditTable,
        IndexName: AuditIndex.BY_TIME,
        KeyConditionExpression: 'timeKey = :spokes',
        ExpressionAttributeValues: { ':spokes': SpokeHeartbeat.TIME_KEY },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) entries.push(entryOf(item));
    }
    return entries.sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region));
  }
}

function entryOf(item: Record<string, unknown>): SpokeEntry {
  const text = (name: string): string | undefined => (typeof item[name] === 'string' ? item[name] : undefined);
  return {
    accountId: text('accountId') ?? '',
    region: text('region') ?? '',
    at: text('at') ?? '',
    runId: text('runId') ?? '',
    status: text('status') ?? '',
    functionArn: text('functionArn') ?? '',
    ...(text('gateFunctionArn') === undefined ? {} : { gateFunctionArn: text('gateFunctionArn') }),
    ...(text('stateTable') === undefined ? {} : { stateTable: text('stateTable') }),
  };
}
