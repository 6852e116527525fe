/**
 * The audit table of the report benchmark's fleet, as the audit query port reads it: the period's records made on
 * demand, a page of at most 1,000 at a time, one UTC day partition after another from the newest, each newest
 * first, as `DynamoAuditQuery` reads the `byTime` index. A page never crosses a day partition; a page token names
 * the day and the position to go on from. Only the current day's plan (counts, a few thousand blocks) is kept.
 */
import type { Outcome } from '../lambda/domain/constants.js';
import { identityKey } from '../lambda/domain/identity/identity-key.js';
import type { RunSummary } from '../lambda/ports/AuditLog.js';
import type {
  AuditPage,
  AuditQuery,
  AuditRecordFilter,
  ListedRecord,
  PageRequest,
  RunWindow,
} from '../lambda/ports/AuditQuery.js';
import type { RunRecord } from '../lambda/ports/AuditLog.js';
import { blockAt, type DayPlan, planDay } from './report-day.js';
import { partFacts, recordAt, summaryOf } from './report-records.js';
import { periodSinceMs, type ReportSpec } from './report-scenario.js';

/** Most items a page holds: what a DynamoDB query page of these records holds under its 1 MB limit. */
export const PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

/** What the query served, for the bench's figures. */
export interface ServedCounts {
  records: number;
  recordPages: number;
  summaries: number;
  summaryPages: number;
  /** Records made and tested against a filter, kept or not. */
  examined: number;
}

/** The audit records filter, with the account and Region narrowing every audit query takes. */
type Narrowing = AuditRecordFilter & { readonly accountIds?: readonly string[]; readonly regions?: readonly string[] };
type RunNarrowing = RunWindow & { readonly accountIds?: readonly string[]; readonly regions?: readonly string[] };

interface Position {
  /** Index into the query's days, newest first. */
  readonly d: number;
  /** Index into the day's partition. */
  readonly i: number;
}

/** The fleet's audit table, generated as it is read. */
export class SyntheticAuditQuery implements AuditQuery {
  public readonly served: ServedCounts = { records: 0, recordPages: 0, summaries: 0, summaryPages: 0, examined: 0 };
  private cached?: DayPlan;

  constructor(private readonly spec: ReportSpec) {}

  public async records(filter: AuditRecordFilter, page: PageRequest): Promise<AuditPage<ListedRecord>> {
    await nextTurn();
    const narrowing = filter as Narrowing;
    if (filter.since === undefined && filter.runId === undefined)
      throw new RangeError('the synthetic audit table is read by day: give since (and until)');
    const keep = matcher(narrowing);
    const result = this.walk(
      filter.since,
      filter.until,
      page,
      (plan) => plan.records,
      (plan, index) => {
        const skipTo = this.skipping(narrowing, plan, index);
        if (skipTo !== undefined) return { skipTo };
        this.served.examined += 1;
        const record = recordAt(this.spec, plan, index);
        return keep(record) ? { item: record } : {};
      },
    );
    this.served.records += result.items.length;
    this.served.recordPages += 1;
    return result;
  }

  public async runs(window: RunWindow, page: PageRequest): Promise<AuditPage<RunSummary>> {
    await nextTurn();
    const narrowing = window as RunNarrowing;
    const result = this.walk(
      window.since,
      window.until,
      page,
      (plan) => plan.runs.length,
      (plan, index) => {
        const summary = summaryOf(this.spec, plan, plan.runs[index]!);
        const at = Date.parse(summary.at);
        if (at < window.since.getTime() || at > window.until.getTime()) return {};
        if (!inPlacement(narrowing, summary.accountId, summary.region)) return {};
        return { item: summary };
      },
    );
    this.served.summaries += result.items.length;
    this.served.summaryPages += 1;
    return result;
  }

  public async run(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }> {
    for (let dayNumber = 0; dayNumber < this.spec.days; dayNumber += 1) {
      const plan = this.plan(dayNumber);
      const run = plan.runs.find((each) => each.runId === runId);
      if (!run) continue;
      const records: RunRecord[] = [];
      for (const block of plan.blocks.filter((each) => each.run === run))
        for (let index = block.offset; index < block.offset + block.count; index += 1)
          records.push(recordAt(this.spec, plan, index) as RunRecord);
      return { records, summary: summaryOf(this.spec, plan, run) };
    }
    return { records: [] };
  }

  /** Reads one page: from the token's day and position, at most `limit` (≤ {@link PAGE_SIZE}) items of one day. */
  private walk<T>(
    since: Date | undefined,
    until: Date | undefined,
    page: PageRequest,
    sizeOf: (plan: DayPlan) => number,
    /** The item at `index` if it is kept; or where to go on from, past items none of which can be kept. */
    itemAt: (plan: DayPlan, index: number) => { item?: T; skipTo?: number },
  ): AuditPage<T> {
    const days = this.daysBetween(since, until);
    const limit = Math.min(page.limit, PAGE_SIZE);
    let position = page.nextToken === undefined ? { d: 0, i: 0 } : decode(page.nextToken);
    const items: T[] = [];
    while (position.d < days.length) {
      const plan = this.plan(days[position.d]!);
      const size = sizeOf(plan);
      let index = position.i;
      while (index < size && items.length < limit) {
        const { item, skipTo } = itemAt(plan, index);
        if (item !== undefined) items.push(item);
        index = skipTo ?? index + 1;
      }
      position = index < size ? { d: position.d, i: index } : { d: position.d + 1, i: 0 };
      // A page ends where its day partition ends, as a DynamoDB query of one partition does.
      if (items.length > 0 || index < size) break;
    }
    return { items, ...(position.d < days.length ? { nextToken: encode(position) } : {}) };
  }

  /** The period's day numbers from `until`'s back to `since`'s, newest first. */
  private daysBetween(since: Date | undefined, until: Date | undefined): number[] {
    const first = periodSinceMs(this.spec);
    const dayOf = (ms: number) => Math.floor((ms - first) / DAY_MS);
    const from = Math.max(0, since === undefined ? 0 : dayOf(since.getTime()));
    const to = Math.min(this.spec.days - 1, until === undefined ? this.spec.days - 1 : dayOf(until.getTime()));
    const list: number[] = [];
    for (let day = to; day >= from; day -= 1) list.push(day);
    return list;
  }

  /**
   * Where to go on from when no record of the part holding `index` can pass the filter (by its outcome, its row, its
   * placement or its time), as an index query skips what its key condition excludes; else undefined.
   */
  private skipping(filter: Narrowing, plan: DayPlan, index: number): number | undefined {
    const block = blockAt(plan, index);
    const placement = this.spec.placements[block.placement]!;
    const blockEnd = block.offset + block.count;
    if (!inPlacement(filter, placement.accountId, placement.region)) return blockEnd;
    // Records of a block are at most a few minutes apart: the time filter is left to each record but far outside.
    if (filter.since && block.toMs + 60_000 < filter.since.getTime()) return blockEnd;
    if (filter.until && block.fromMs - 60_000 > filter.until.getTime()) return blockEnd;
    if (filter.runId !== undefined && block.run?.runId !== filter.runId) return blockEnd;
    let start = block.offset;
    for (const part of block.parts) {
      if (index < start + part.count) {
        const facts = partFacts(this.spec, block, part);
        const excluded =
          (filter.outcomes?.length && !filter.outcomes.includes(facts.outcome as Outcome)) ||
          (filter.policyId !== undefined && facts.policyId !== filter.policyId);
        return excluded ? start + part.count : undefined;
      }
      start += part.count;
    }
    return undefined;
  }

  private plan(dayNumber: number): DayPlan {
    if (this.cached?.dayNumber !== dayNumber) this.cached = planDay(this.spec, dayNumber);
    return this.cached;
  }
}

/** Lets the event loop turn between pages, as a page read over the network does (timers, stderr, IPC). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function inPlacement(narrowing: RunNarrowing | Narrowing, accountId?: string, region?: string): boolean {
  if (narrowing.accountIds?.length && !narrowing.accountIds.includes(accountId ?? '')) return false;
  if (narrowing.regions?.length && !narrowing.regions.includes(region ?? '')) return false;
  return true;
}

/** The filter as `DynamoAuditQuery` applies it: every field narrows; times are inclusive. */
function matcher(filter: Narrowing): (record: ListedRecord) => boolean {
  const since = filter.since?.getTime();
  const until = filter.until?.getTime();
  const identity =
    filter.identity === undefined ? undefined : (identityKey({ username: filter.identity }) ?? filter.identity);
  return (record) => {
    const at = Date.parse(record.at);
    if (since !== undefined && at < since) return false;
    if (until !== undefined && at > until) return false;
    if (filter.runId !== undefined && record.runId !== filter.runId) return false;
    if (filter.policyId !== undefined && record.policyId !== filter.policyId) return false;
    if (filter.endpointId !== undefined && record.endpointId !== filter.endpointId) return false;
    if (filter.outcomes?.length && !filter.outcomes.includes(record.outcome)) return false;
    if (filter.firstSightings && !('firstSeenAt' in record && record.firstSeenAt === record.at)) return false;
    if (identity !== undefined && identityKey(record) !== identity) return false;
    return inPlacement(filter, record.accountId, record.region);
  };
}

function encode(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decode(token: string): Position {
  const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Position;
  if (!Number.isInteger(position.d) || !Number.isInteger(position.i))
    throw new RangeError(`the page token ${JSON.stringify(token)} is not one this query handed out`);
  return position;
}
