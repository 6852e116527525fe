import type { AttributeValue } from 'aws-lambda';
import type { ContextValue } from '../iam/index.js';
import type { ResolvedTable } from './table-names.js';

/** The key attribute a table's dynamodb:LeadingKeys reads: its partition key. */
export interface TableKeys {
  readonly partitionKey: string;
}

/** One authorisation a request needs on one table: the action, the resource, and the DynamoDB condition keys. */
export interface AccessCheck {
  /** `dynamodb:<Action>`. */
  readonly action: string;
  /** The table's ARN, or `<table ARN>/index/<name>` for a Query or Scan on an index. */
  readonly resource: string;
  /** `dynamodb:LeadingKeys`: the partition key values the request reads or writes. */
  readonly leadingKeys: ContextValue;
  /** `dynamodb:Attributes`: the attribute names the request names. */
  readonly attributes: ContextValue;
  /** `dynamodb:ReturnValues`: the request's `ReturnValues`; absent (null) when it sets none. */
  readonly returnValues: ContextValue;
}

type Json = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/** The item actions inside TransactWriteItems / TransactGetItems, by their field. */
const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
const UPDATE_WORDS = new Set(['set', 'remove', 'add', 'delete', 'if_not_exists', 'list_append']);
const PATH = /:?#?[A-Za-z_][A-Za-z0-9_]*(?:\.#?[A-Za-z0-9_]+|\[\d+\])*/g;

/**
 * What `action` with `body` asks of `table`. `keys` is undefined when the table does not exist (its checks then need no
 * condition keys: the request fails anyway). Only what the sandbox can read is given a value; the rest is unknown.
 */
export function accessChecks(
  action: string,
  body: Json,
  table: ResolvedTable,
  keys: TableKeys | undefined,
): AccessCheck[] {
  const returnValues = typeof body.ReturnValues === 'string' ? [body.ReturnValues] : null;
  const check = (name: string, leadingKeys: ContextValue, attributes: ContextValue, resource = table.arn) => ({
    action: `dynamodb:${name}`,
    resource,
    leadingKeys,
    attributes,
    returnValues,
  });
  if (!keys) return [check(action, null, null)];
  const pk = keys.partitionKey;
  switch (action) {
    case 'GetItem':
      return [check(action, leading(pk, [body.Key]), projected(body))];
    case 'PutItem':
      return [check(action, leading(pk, [body.Item]), names([body.Item]))];
    case 'DeleteItem':
      return [check(action, leading(pk, [body.Key]), names([body.Key]))];
    case 'UpdateItem':
      return [check(action, leading(pk, [body.Key]), updatedNames(body))];
    case 'Query':
    case 'Scan': {
      const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
      const resource = index ? `${table.arn}/index/${index}` : table.arn;
      const leadingKeys =
        action === 'Scan'
          ? null
          : index
            ? { unknown: `dynamodb:LeadingKeys of a Query on the index ${index} is not emulated by the sandbox` }
            : queriedKey(pk, body);
      return [check(action, leadingKeys, projected(body), resource)];
    }
    case 'BatchGetItem': {
      const request = batchEntry(body, table.written) as Json;
      const keysList = Array.isArray(request.Keys) ? (request.Keys as unknown[]) : [];
      return [check(action, leading(pk, keysList), projected(request))];
    }
    case 'BatchWriteItem': {
      const writes = batchEntry(body, table.written);
      const items = (Array.isArray(writes) ? (writes as Json[]) : []).map(
        (write) => (write?.PutRequest as Json | undefined)?.Item ?? (write?.DeleteRequest as Json | undefined)?.Key,
      );
      return [check(action, leading(pk, items), names(items))];
    }
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return transactItems(body)
        .filter(({ operation }) => operation.TableName === table.written)
        .map(({ field, operation }) => {
          const name = TRANSACT_ACTIONS[field] as string;
          const item = operation.Item ?? operation.Key;
          const attributes =
            field === 'Update' ? updatedNames(operation) : field === 'Get' ? projected(operation) : names([item]);
          return check(name, leading(pk, [item]), attributes);
        });
    default:
      return [check(action, null, null)];
  }
}

/** The item operations of a TransactWriteItems / TransactGetItems request, with the field each sits under. */
export function transactItems(body: Json): { field: string; operation: Json }[] {
  const items = Array.isArray(body.TransactItems) ? (body.TransactItems as Json[]) : [];
  return items.flatMap((entry) =>
    Object.entries(entry ?? {})
      .filter(([field, operation]) => field in TRANSACT_ACTIONS && typeof operation === 'object' && operation !== null)
      .map(([field, operation]) => ({ field, operation: operation as Json })),
  );
}

function batchEntry(body: Json, written: string): unknown {
  return (body.RequestItems as Json | undefined)?.[written] ?? {};
}

/** The partition key values of the items or keys; unknown when one lacks it (the request fails on its own). */
function leading(pk: string, items: readonly unknown[]): ContextValue {
  const values: string[] = [];
  for (const item of items) {
    const value = (item as Item | undefined)?.[pk];
    const text = value ? (value.S ?? value.N ?? value.B) : undefined;
    if (typeof text !== 'string') return { unknown: `a request item has no partition key ${pk}` };
    if (!values.includes(text)) values.push(text);
  }
  return values;
}

/** The attribute names of items or keys. */
function names(items: readonly unknown[]): ContextValue {
  const found = new Set<string>();
  for (const item of items) for (const name of Object.keys((item as Item | undefined) ?? {})) found.add(name);
  return [...found];
}

/** A read's attributes: its projection; unknown without one (it returns every attribute). */
function projected(body: Json): ContextValue {
  if (Array.isArray(body.AttributesToGet)) return body.AttributesToGet.map(String);
  if (typeof body.ProjectionExpression === 'string')
    return expressionNames(body.ProjectionExpression, body.ExpressionAttributeNames);
  return {
    unknown: 'a read without ProjectionExpression returns every attribute: dynamodb:Attributes is not emulated for it',
  };
}

/** An update's attributes: its key and every top-level attribute its UpdateExpression (or AttributeUpdates) names. */
function updatedNames(body: Json): ContextValue {
  const keyNames = Object.keys((body.Key as Item | undefined) ?? {});
  if (typeof body.UpdateExpression === 'string') {
    const named = expressionNames(body.UpdateExpression, body.ExpressionAttributeNames);
    return Array.isArray(named) ? [...new Set([...keyNames, ...named])] : named;
  }
  return [...new Set([...keyNames, ...Object.keys((body.AttributeUpdates as Json | undefined) ?? {})])];
}

/** The top-level attribute names an expression's paths start with (`#n` resolved; keywords and `:values` skipped). */
function expressionNames(expression: string, aliases: unknown): ContextValue {
  const found = new Set<string>();
  for (const [path] of expression.matchAll(PATH)) {
    if (path.startsWith(':')) continue;
    const first = path.split(/[.[]/)[0] as string;
    if (!first.startsWith('#')) {
      if (!UPDATE_WORDS.has(first.toLowerCase())) found.add(first);
      continue;
    }
    const name = (aliases as Record<string, unknown> | undefined)?.[first];
    if (typeof name !== 'string') return { unknown: `the expression name ${first} is not in ExpressionAttributeNames` };
    found.add(name);
  }
  return [...found];
}

/** The partition key value a Query's key condition fixes (`pk = :v`, either way round, or KeyConditions). */
function queriedKey(pk: string, body: Json): ContextValue {
  const legacy = (body.KeyConditions as Record<string, Json> | undefined)?.[pk];
  if (legacy && Array.isArray(legacy.AttributeValueList)) return leading(pk, [{ [pk]: legacy.AttributeValueList[0] }]);
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const aliases = (body.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const values = (body.ExpressionAttributeValues as Item | undefined) ?? {};
  const isKey = (token: string) => token === pk || aliases[token] === pk;
  for (const [, left, right] of expression.matchAll(/(#?[A-Za-z0-9_:]+)\s*=\s*(#?[A-Za-z0-9_:]+)/g)) {
    const placeholder = isKey(left as string) ? right : isKey(right as string) ? left : undefined;
    if (placeholder?.startsWith(':') && values[placeholder]) return leading(pk, [{ [pk]: values[placeholder] }]);
  }
  return { unknown: `the sandbox could not read the partition key ${pk} from the KeyConditionExpression` };
}
