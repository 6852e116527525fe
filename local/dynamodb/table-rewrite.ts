import { transactItems } from './access-checks.js';
import type { ResolvedTable } from './table-names.js';

type Json = Record<string, unknown>;

/** Actions whose RequestItems are keyed by table. */
const BATCH_ACTIONS = new Set(['BatchGetItem', 'BatchWriteItem']);
/** Answer fields keyed by table name. */
const KEYED_BY_TABLE = ['Responses', 'UnprocessedItems', 'UnprocessedKeys', 'ItemCollectionMetrics'];
/** Answer fields holding a table's description. */
const DESCRIPTIONS = ['Table', 'TableDescription'];

/** Every TableName a request writes, as written: TableName, the keys of RequestItems, TransactItems' TableNames. */
export function writtenTableNames(action: string, body: Json): string[] {
  if (BATCH_ACTIONS.has(action)) return Object.keys(asObject(body.RequestItems));
  if (action === 'TransactWriteItems' || action === 'TransactGetItems')
    return [
      ...new Set(
        transactItems(body)
          .map(({ operation }) => operation.TableName)
          .filter((name): name is string => typeof name === 'string'),
      ),
    ];
  return typeof body.TableName === 'string' ? [body.TableName] : [];
}

/** The request with each table named by its dynalite name. */
export function withInternalNames(action: string, body: Json, tables: ReadonlyMap<string, ResolvedTable>): Json {
  const internal = (written: string) => tables.get(written)?.internal ?? written;
  if (BATCH_ACTIONS.has(action))
    return {
      ...body,
      RequestItems: Object.fromEntries(
        Object.entries(asObject(body.RequestItems)).map(([name, value]) => [internal(name), value]),
      ),
    };
  if (action === 'TransactWriteItems' || action === 'TransactGetItems')
    return {
      ...body,
      TransactItems: (body.TransactItems as Json[]).map((entry) =>
        Object.fromEntries(
          Object.entries(entry ?? {}).map(([field, operation]) => {
            const op = operation as Json | undefined;
            return [
              field,
              typeof op?.TableName === 'string' ? { ...op, TableName: internal(op.TableName) } : operation,
            ];
          }),
        ),
      ),
    };
  return typeof body.TableName === 'string' ? { ...body, TableName: internal(body.TableName) } : body;
}

/**
 * An answer with each table named again as the request wrote it, and its ARNs (table, index, stream) in the table's
 * own account and Region.
 */
export function withWrittenNames(answer: Json, tables: ReadonlyMap<string, ResolvedTable>): Json {
  const byInternal = new Map([...tables.values()].map((table) => [table.internal, table]));
  const written = (internal: string) => byInternal.get(internal)?.written ?? internal;
  const result: Json = { ...answer };
  for (const field of KEYED_BY_TABLE) {
    const keyed = answer[field];
    if (typeof keyed === 'object' && keyed !== null && !Array.isArray(keyed))
      result[field] = Object.fromEntries(Object.entries(keyed).map(([name, value]) => [written(name), value]));
  }
  for (const field of DESCRIPTIONS) {
    const description = answer[field] as Json | undefined;
    if (typeof description?.TableName !== 'string') continue;
    const table = byInternal.get(description.TableName);
    if (table) result[field] = describedIn(description, table);
  }
  const consumed = answer.ConsumedCapacity;
  const renamed = (entry: unknown) => {
    const capacity = entry as Json | undefined;
    return typeof capacity?.TableName === 'string' ? { ...capacity, TableName: written(capacity.TableName) } : entry;
  };
  if (Array.isArray(consumed)) result.ConsumedCapacity = consumed.map(renamed);
  else if (consumed !== undefined) result.ConsumedCapacity = renamed(consumed);
  return result;
}

/** A table description with its name as written and its ARNs in its placement. */
function describedIn(description: Json, table: ResolvedTable): Json {
  const indexes = (field: string) => {
    const list = description[field];
    return Array.isArray(list)
      ? {
          [field]: list.map((index: Json) => ({
            ...index,
            ...(typeof index.IndexArn === 'string'
              ? { IndexArn: `${table.arn}/index/${String(index.IndexName)}` }
              : {}),
          })),
        }
      : {};
  };
  const stream = description.LatestStreamArn;
  return {
    ...description,
    TableName: table.written,
    TableArn: table.arn,
    ...indexes('GlobalSecondaryIndexes'),
    ...indexes('LocalSecondaryIndexes'),
    ...(typeof stream === 'string'
      ? { LatestStreamArn: `${table.arn}${stream.slice(stream.indexOf('/stream/'))}` }
      : {}),
  };
}

/** An error message with dynalite's names replaced by the names as written (longest first). */
export function messageWithWrittenNames(message: string, tables: ReadonlyMap<string, ResolvedTable>): string {
  const renamed = [...tables.values()]
    .filter((table) => table.internal !== table.written)
    .sort((a, b) => b.internal.length - a.internal.length);
  return renamed.reduce((text, table) => text.split(table.internal).join(table.written), message);
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
