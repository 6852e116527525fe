import type { ServiceRequest, ServiceResponse } from '../edge/types.js';
import { type ItemJson, sameItem } from './attribute-json.js';
import type { ItemChange, TableStream } from './table-stream.js';

/** Reads one item as it is now (a consistent read, straight from the store). */
export interface ItemReader {
  getItem(tableName: string, key: ItemJson): Promise<ItemJson | undefined>;
  /** The name the store holds a placement's table under. @default the table's own name */
  internalTableName?(placement: { accountId: string; region: string }, name: string): string;
}

/** A table whose writes go to a stream, and the names of its key attributes. */
export interface StreamedTable {
  readonly stream: TableStream;
  readonly keyNames: readonly string[];
}

/** The item-level writes one request makes, as DynamoDB's JSON protocol writes them. */
interface WriteRequestBody {
  readonly TableName?: string;
  readonly Item?: ItemJson;
  readonly Key?: ItemJson;
  readonly RequestItems?: Record<
    string,
    readonly { PutRequest?: { Item?: ItemJson }; DeleteRequest?: { Key?: ItemJson } }[]
  >;
}

/** One item a request may change, in a streamed table. */
interface TargetItem {
  readonly table: StreamedTable;
  /** The table's name in the store, as the request names it. */
  readonly internalName: string;
  readonly key: ItemJson;
}

/** The write actions whose changes DynamoDB Streams records. */
const WRITE_ACTIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/**
 * Turns the edge's writes to streamed tables into stream records, as DynamoDB Streams does: one record per item the
 * write changed (INSERT, MODIFY or REMOVE), none for a write that failed, was refused by its condition, or changed
 * nothing. dynalite has no streams, so writes to a streamed table are serialised (one at a time, in arrival order)
 * and each item they may touch is read before and after.
 */
export class StreamCapture {
  private readonly tables: Map<string, StreamedTable>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly reader: ItemReader,
    tables: readonly StreamedTable[],
  ) {
    // Requests reach the capture with the store's names (a placement's table is not under its own name).
    this.tables = new Map(
      tables.map((table) => [
        reader.internalTableName?.(
          { accountId: table.stream.accountId, region: table.stream.region },
          table.stream.tableName,
        ) ?? table.stream.tableName,
        table,
      ]),
    );
  }

  /** Forwards one request; a write to a streamed table is queued and recorded. */
  public handle(
    request: ServiceRequest,
    action: string,
    forward: () => Promise<ServiceResponse>,
  ): Promise<ServiceResponse> {
    const targets = WRITE_ACTIONS.has(action) ? this.targetsOf(action, request.body) : [];
    if (targets.length === 0) return forward();
    const done = this.queue.then(() => this.recorded(targets, forward));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async recorded(targets: readonly TargetItem[], forward: () => Promise<ServiceResponse>) {
    const before = await this.read(targets);
    // An item that cannot be read (a key of the wrong type) cannot be written either: DynamoDB's own error answers.
    if (!before) return forward();
    const response = await forward();
    if (response.status !== 200) return response;
    const after = await this.read(targets);
    if (!after) return response;
    targets.forEach((target, index) => {
      const change = changeOf(target, before[index], after[index]);
      if (change) target.table.stream.append(change);
    });
    return response;
  }

  /** The items as they are now; undefined when one cannot be read. */
  private async read(targets: readonly TargetItem[]): Promise<(ItemJson | undefined)[] | undefined> {
    try {
      return await Promise.all(targets.map((target) => this.reader.getItem(target.internalName, target.key)));
    } catch {
      return undefined;
    }
  }

  /** The items of streamed tables the request names, with complete keys; none when its body cannot be read. */
  private targetsOf(action: string, body: Buffer): TargetItem[] {
    let parsed: WriteRequestBody;
    try {
      parsed = JSON.parse(body.toString('utf8')) as WriteRequestBody;
    } catch {
      return [];
    }
    if (typeof parsed !== 'object' || parsed === null) return [];
    const named: { tableName: unknown; item: ItemJson | undefined }[] =
      action === 'BatchWriteItem'
        ? Object.entries(parsed.RequestItems ?? {}).flatMap(([tableName, requests]) =>
            (Array.isArray(requests) ? requests : []).map((request) => ({
              tableName,
              item: request?.PutRequest?.Item ?? request?.DeleteRequest?.Key,
            })),
          )
        : [{ tableName: parsed.TableName, item: action === 'PutItem' ? parsed.Item : parsed.Key }];
    return named.flatMap(({ tableName, item }) => {
      const table = typeof tableName === 'string' ? this.tables.get(tableName) : undefined;
      const key = table && item ? keyOf(table, item) : undefined;
      return table && key ? [{ table, internalName: tableName as string, key }] : [];
    });
  }
}

/** The key attributes of an item; undefined when one is missing (the write fails on its own). */
function keyOf(table: StreamedTable, item: ItemJson): ItemJson | undefined {
  const key: ItemJson = {};
  for (const name of table.keyNames) {
    const value = item[name];
    if (value === undefined || typeof value !== 'object') return undefined;
    key[name] = value;
  }
  return key;
}

/** The record for one item's change; undefined when nothing changed. */
function changeOf(
  target: TargetItem,
  before: ItemJson | undefined,
  after: ItemJson | undefined,
): ItemChange | undefined {
  if (sameItem(before, after)) return undefined;
  const keys = keyOf(target.table, after ?? before ?? {}) ?? target.key;
  if (!before) return { eventName: 'INSERT', keys, newImage: after };
  if (!after) return { eventName: 'REMOVE', keys, oldImage: before };
  return { eventName: 'MODIFY', keys, newImage: after, oldImage: before };
}
