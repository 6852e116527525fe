import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { identityKey, type Connection } from '../domain/index.js';
import {
  type AuditPage,
  AuditPageTokenError,
  type AuditQuery,
  type AuditRecordFilter,
  AuditRecordType,
  type ListedRecord,
  type PageRequest,
  type RunRecord,
  type RunSummary,
  type RunWindow,
} from '../ports/index.js';
import { AUDIT_TABLE, AuditIndex } from '../tables.js';
import {
  dayTimeKey,
  isAdmissionItem,
  itemToAdmission,
  itemToRecord,
  itemToSummary,
  runPk,
  runsTimeKey,
} from './audit-item.js';
import { DynamoAuditLog } from './DynamoAuditLog.js';

const DAY_MS = 86_400_000;
/** Items read a page when a filter drops some of them (DynamoDB applies Limit before the filter). */
const FILTERED_PAGE_SIZE = 500;
const TABLE_KEYS = [AUDIT_TABLE.partitionKey.name, AUDIT_TABLE.sortKey.name];
const SORT_ON = 'at';

/** One partition to read: of the table (a run) or of one index (a day, an identity, an endpoint, a policy). */
interface Partition {
  readonly indexName?: string;
  readonly keyName: string;
  readonly keyValue: string;
  /** False on the table itself, whose sort key is not the time. */
  readonly sortedByTime: boolean;
}

/** The filter a query applies after the key condition. */
interface Filter {
  readonly expression?: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  /** What the expression cannot say (DynamoDB refuses an index's key in a filter): applied to each item read. */
  readonly keep?: (item: Record<string, unknown>) => boolean;
}

/** A time window; a page token keeps the one of the first page, so `--since 24h` means the same on every page. */
interface TimeWindow {
  readonly since?: Date;
  readonly until?: Date;
}

/** Where a page stopped: the query (a fingerprint), its time window, which partition, and the last key read in it. */
interface PageToken {
  readonly q: string;
  readonly p: number;
  readonly k?: Record<string, unknown>;
  readonly s?: string;
  readonly u?: string;
}

/**
 * The audit table read through its keys, newest first, one page at a time; never a scan. One run is
 * one query of the table; an identity, endpoint or policy is one partition of its index; else accounts are
 * read one `byAccount` partition after the other (newest first within each); anything else walks the `byTime`
 * index one UTC day at a time, from the newest day back. Other criteria (accounts and Regions among them)
 * become filter expressions. A page token names the partition and the key to go on from.
 */
export class DynamoAuditQuery implements AuditQuery {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async records(filter: AuditRecordFilter, page: PageRequest): Promise<AuditPage<ListedRecord>> {
    const criteria = {
      runId: filter.runId,
      identity: identityOf(filter.identity),
      endpointId: filter.endpointId,
      policyId: filter.policyId,
      outcomes: filter.outcomes,
      firstSightings: filter.firstSightings === true,
      accountIds: listOf(filter.accountIds),
      regions: listOf(filter.regions),
    };
    const { token, window } = resume(page.nextToken, fingerprintOf(['records', criteria]), filter);
    const partitions = recordPartitions({ ...filter, ...window });
    const result = await this.read(
      partitions,
      recordFilter({ ...filter, ...window }, partitions[0]),
      window,
      page.limit,
      token,
    );
    // The client connect handler's admission records share the indexes with the runs' decisions.
    return {
      items: result.items.map((item) => (isAdmissionItem(item) ? itemToAdmission(item) : itemToRecord(item))),
      nextToken: result.nextToken,
    };
  }

  public async runs(window: RunWindow, page: PageRequest): Promise<AuditPage<RunSummary>> {
    const accountIds = listOf(window.accountIds);
    const regions = listOf(window.regions);
    const fingerprint = fingerprintOf(['runs', ...(accountIds || regions ? [{ accountIds, regions }] : [])]);
    const { token, window: resumed } = resume(page.nextToken, fingerprint, window);
    const partitions =
      accountIds?.map(byAccount) ?? days(resumed.since!, resumed.until!).map((day) => byTime(runsTimeKey(day)));
    const terms = new FilterTerms();
    // An account's partition holds its records and its spoke's heartbeat too: only summaries are runs.
    if (accountIds) terms.equal('recordType', AuditRecordType.SUMMARY);
    terms.oneOf('region', regions);
    const result = await this.read(partitions, terms.filter(), resumed, page.limit, token);
    return { items: result.items.map(itemToSummary), nextToken: result.nextToken };
  }

  public run(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }> {
    // Reading a run is the audit log's own query; the retention it takes only matters to its writes.
    return new DynamoAuditLog(this.documents, this.tableName, 1).getRun(runId);
  }

  private async read(
    partitions: readonly Partition[],
    filter: Filter,
    window: TimeWindow,
    limit: number,
    token: PageToken,
  ): Promise<{ items: Record<string, unknown>[]; nextToken?: string }> {
    if (token.p > partitions.length)
      throw new AuditPageTokenError('the page token is not one this query handed out (it is malformed)');
    const items: Record<string, unknown>[] = [];
    let index = token.p;
    let startKey = token.k;
    const next = (p: number, k: Record<string, unknown> | undefined) =>
      encodeToken({ q: token.q, p, k, s: window.since?.toISOString(), u: window.until?.toISOString() });
    while (index < partitions.length && items.length < limit) {
      const partition = partitions[index]!;
      const output = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          ...queryOf(partition, filter, window),
          Limit: filter.expression ? FILTERED_PAGE_SIZE : limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      const found = (output.Items ?? []) as Record<string, unknown>[];
      for (const [position, item] of found.entries()) {
        if (filter.keep && !filter.keep(item)) continue;
        items.push(item);
        if (items.length < limit) continue;
        const restOfPage = position < found.length - 1;
        if (restOfPage) return { items, nextToken: next(index, keyOf(item, partition)) };
        break;
      }
      if (output.LastEvaluatedKey) startKey = output.LastEvaluatedKey;
      else {
        index += 1;
        startKey = undefined;
      }
    }
    return { items, nextToken: index < partitions.length ? next(index, startKey) : undefined };
  }
}

/** The partitions that hold the records a filter asks for, best index first: run, identity, endpoint, policy, days. */
function recordPartitions(filter: AuditRecordFilter): Partition[] {
  if (filter.runId !== undefined)
    return [{ keyName: AUDIT_TABLE.partitionKey.name, keyValue: runPk(filter.runId), sortedByTime: false }];
  const identity = identityOf(filter.identity);
  if (identity !== undefined) return [onIndex(AuditIndex.BY_IDENTITY, 'identityKey', identity)];
  if (filter.endpointId !== undefined) return [onIndex(AuditIndex.BY_ENDPOINT, 'endpointId', filter.endpointId)];
  if (filter.policyId !== undefined) return [onIndex(AuditIndex.BY_POLICY, 'policyId', filter.policyId)];
  const accountIds = listOf(filter.accountIds);
  if (accountIds !== undefined) return accountIds.map(byAccount);
  if (filter.since === undefined || filter.until === undefined) {
    throw new RangeError(
      'an audit query without run, identity, endpoint or policy needs since and until (the days to read)',
    );
  }
  return days(filter.since, filter.until).map((day) => byTime(dayTimeKey(day)));
}

/** The criteria the partition's key does not already apply, as a filter expression. */
function recordFilter(filter: AuditRecordFilter, partition: Partition | undefined): Filter {
  const terms: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const equal = (name: string, value: string | undefined) => {
    if (value === undefined || partition?.keyName === name) return;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    terms.push(`#${name} = :${name}`);
  };
  equal('identityKey', identityOf(filter.identity));
  equal('endpointId', filter.endpointId);
  equal('policyId', filter.policyId);
  const accountIds = listOf(filter.accountIds);
  const regions = listOf(filter.regions);
  const placed = new FilterTerms();
  if (partition?.keyName !== ACCOUNT_KEY) placed.oneOf(ACCOUNT_KEY, accountIds);
  placed.oneOf('region', regions);
  // An account's partition also holds its run summaries and its spoke's heartbeat, which have no outcome.
  if (partition?.keyName === ACCOUNT_KEY && !(filter.outcomes && filter.outcomes.length > 0)) placed.exists('outcome');
  const placedFilter = placed.filter();
  if (placedFilter.expression !== undefined) {
    terms.push(placedFilter.expression);
    Object.assign(names, placedFilter.names);
    Object.assign(values, placedFilter.values);
  }
  if (filter.outcomes && filter.outcomes.length > 0) {
    names['#outcome'] = 'outcome';
    filter.outcomes.forEach((outcome, index) => (values[`:outcome${index}`] = outcome));
    terms.push(`#outcome IN (${filter.outcomes.map((_, index) => `:outcome${index}`).join(', ')})`);
  }
  if (filter.firstSightings) {
    // `at` is every index's sort key, which a filter may not name: DynamoDB keeps the records that have a
    // first sighting, and the read keeps those whose first sighting is their own time, before the page is cut.
    names['#firstSeenAt'] = 'firstSeenAt';
    terms.push('attribute_exists(#firstSeenAt)');
  }
  if (partition && !partition.sortedByTime) {
    // A run's partition also holds its summary, and is not sorted by time.
    names['#recordType'] = 'recordType';
    values[':summary'] = AuditRecordType.SUMMARY;
    terms.push('#recordType <> :summary');
    if (filter.since) {
      names['#at'] = SORT_ON;
      values[':since'] = filter.since.toISOString();
      terms.push('#at >= :since');
    }
    if (filter.until) {
      names['#at'] = SORT_ON;
      values[':until'] = filter.until.toISOString();
      terms.push('#at <= :until');
    }
  }
  return {
    expression: terms.length > 0 ? terms.join(' AND ') : undefined,
    names,
    values,
    ...(filter.firstSightings ? { keep: (item: Record<string, unknown>) => item.firstSeenAt === item[SORT_ON] } : {}),
  };
}

/** The key condition (partition, and the time window on indexes sorted by time) and the filter of one query. */
function queryOf(partition: Partition, filter: Filter, window: TimeWindow) {
  const names: Record<string, string> = { ...filter.names, '#pk': partition.keyName };
  const values: Record<string, unknown> = { ...filter.values, ':pk': partition.keyValue };
  let keyCondition = '#pk = :pk';
  if (partition.sortedByTime && (window.since || window.until)) {
    names['#at'] = SORT_ON;
    if (window.since) values[':since'] = window.since.toISOString();
    if (window.until) values[':until'] = window.until.toISOString();
    keyCondition +=
      window.since && window.until
        ? ' AND #at BETWEEN :since AND :until'
        : window.since
          ? ' AND #at >= :since'
          : ' AND #at <= :until';
  }
  return {
    ...(partition.indexName ? { IndexName: partition.indexName } : {}),
    KeyConditionExpression: keyCondition,
    ...(filter.expression ? { FilterExpression: filter.expression } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    // Newest first on the indexes; a run's records in key order (they share one time).
    ScanIndexForward: !partition.sortedByTime,
  };
}

function onIndex(indexName: string, keyName: string, keyValue: string): Partition {
  return { indexName, keyName, keyValue, sortedByTime: true };
}

function byTime(timeKey: string): Partition {
  return onIndex(AuditIndex.BY_TIME, 'timeKey', timeKey);
}

const ACCOUNT_KEY = 'accountId';

function byAccount(accountId: string): Partition {
  return onIndex(AuditIndex.BY_ACCOUNT, ACCOUNT_KEY, accountId);
}

/** A list that selects: its distinct values in order, or `undefined` for none (which selects everything). */
function listOf(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : [...new Set(values)];
}

/** Terms of a filter expression, joined by AND, each with its own names and values. */
class FilterTerms {
  private readonly terms: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};

  /** `name = value`. */
  public equal(name: string, value: string): void {
    this.names[`#${name}`] = name;
    this.values[`:${name}`] = value;
    this.terms.push(`#${name} = :${name}`);
  }

  /** `name IN (values…)`, when there are values. */
  public oneOf(name: string, values: readonly string[] | undefined): void {
    if (values === undefined) return;
    this.names[`#${name}`] = name;
    values.forEach((value, index) => (this.values[`:${name}${index}`] = value));
    this.terms.push(`#${name} IN (${values.map((_, index) => `:${name}${index}`).join(', ')})`);
  }

  /** `attribute_exists(name)`. */
  public exists(name: string): void {
    this.names[`#${name}`] = name;
    this.terms.push(`attribute_exists(#${name})`);
  }

  public filter(): Filter {
    return {
      ...(this.terms.length > 0 ? { expression: this.terms.join(' AND ') } : {}),
      names: { ...this.names },
      values: { ...this.values },
    };
  }
}

/** An identity as the table keys it (the same fold the run writes). */
function identityOf(identity: string | undefined): string | undefined {
  if (identity === undefined) return undefined;
  return identityKey({ username: identity } as Connection) ?? identity;
}

/** ISO times of each UTC day from `until`'s back to `since`'s, newest first. */
function days(since: Date, until: Date): string[] {
  const first = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  const list: string[] = [];
  for (
    let day = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate());
    day >= first;
    day -= DAY_MS
  ) {
    list.push(new Date(day).toISOString());
  }
  return list;
}

/** The key to go on from after `item`: the table's key and, on an index, the index's key. */
function keyOf(item: Record<string, unknown>, partition: Partition): Record<string, unknown> {
  const names = partition.indexName ? [...TABLE_KEYS, partition.keyName, SORT_ON] : TABLE_KEYS;
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

function fingerprintOf(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

/** Where to start: the first page of `window`, or where a token stopped, in the token's own window. */
function resume(
  text: string | undefined,
  fingerprint: string,
  window: TimeWindow,
): { token: PageToken; window: TimeWindow } {
  if (text === undefined) return { token: { q: fingerprint, p: 0 }, window };
  const token = decodeToken(text, fingerprint);
  return {
    token,
    window: { since: token.s ? new Date(token.s) : undefined, until: token.u ? new Date(token.u) : undefined },
  };
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, fingerprint: string): PageToken {
  let token: PageToken;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
  } catch (cause) {
    throw new AuditPageTokenError('the page token is not one this query handed out (it does not decode)', { cause });
  }
  const isTime = (value: unknown) =>
    value === undefined || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
  const keyValid =
    typeof token === 'object' &&
    token !== null &&
    (token.k === undefined || (typeof token.k === 'object' && token.k !== null && !Array.isArray(token.k)));
  if (!keyValid || !Number.isInteger(token.p) || token.p < 0 || !isTime(token.s) || !isTime(token.u)) {
    throw new AuditPageTokenError('the page token is not one this query handed out (it is malformed)');
  }
  if (token.q !== fingerprint) {
    throw new AuditPageTokenError(
      'the page token belongs to another query: give the same filters as the query that printed it',
    );
  }
  return token;
}
