import type { ParsedPolicyRow } from '../../lambda/domain/index.js';
import type { AuditPage, AuditQuery, PageRequest } from '../../lambda/ports/index.js';
import { type EvidenceReport, ReportAccumulator } from '../../lambda/report/index.js';
import { inRequest } from '../spokes/placed-records.js';
import type { ReportProgress } from './progress.js';

/** Items asked for per page: DynamoDB returns at most 1 MB a page whatever the limit. */
export const REPORT_PAGE_SIZE = 1000;

/** What a report reads and how it prices. */
export interface PeriodOptions {
  /** The period's start (inclusive). */
  readonly since: Date;
  /** The period's end (exclusive: a record made at this instant belongs to the next period). */
  readonly until: Date;
  /** Only these policy rows' records, one index read per row. @default every record of the period */
  readonly policyIds?: readonly string[];
  /** A hub: only the spokes in these accounts. @default every account */
  readonly accountIds?: readonly string[];
  /** A hub: only the spokes in these Regions. @default every Region */
  readonly regions?: readonly string[];
  /** When the report is made. */
  readonly generatedAt: Date;
  /** Connection-hour prices by Region, US dollars; a Region not named costs the default price. */
  readonly prices: ReadonlyMap<string, number>;
  /** The Region of records that name none (a single deployment's own), for their price. @default none */
  readonly defaultRegion?: string;
  /** Items asked for per page. @default {@link REPORT_PAGE_SIZE} */
  readonly pageSize?: number;
}

/**
 * Reads a period of the audit table into the evidence report: the records (the whole period through the day
 * index, or one policy index read per `policyIds` entry) and the run summaries, page by page. Each page is folded
 * into the accumulator and dropped, so memory holds the report's figures, never the period's records. Items of a
 * spoke outside `accountIds`/`regions`, and items at or after `until`, are not counted, whatever the index returned.
 */
export async function readPeriod(
  query: AuditQuery,
  policyRows: readonly ParsedPolicyRow[],
  options: PeriodOptions,
  progress: ReportProgress,
): Promise<EvidenceReport> {
  const policyIds = options.policyIds ?? [];
  const accountIds = options.accountIds ?? [];
  const regions = options.regions ?? [];
  const accumulator = new ReportAccumulator({
    period: { since: options.since, until: options.until },
    scope: { accounts: accountIds, regions, policyIds },
    generatedAt: options.generatedAt,
    prices: options.prices,
    ...(options.defaultRegion !== undefined ? { defaultRegion: options.defaultRegion } : {}),
  });
  accumulator.addPolicyRows(policyRows);
  const placement = {
    ...(accountIds.length > 0 ? { accounts: accountIds } : {}),
    ...(regions.length > 0 ? { regions } : {}),
  };
  const narrowing = {
    since: options.since,
    until: options.until,
    ...(accountIds.length > 0 ? { accountIds } : {}),
    ...(regions.length > 0 ? { regions } : {}),
  };
  const until = options.until.toISOString();
  const inPeriod = (item: { readonly at: string }) => item.at < until && inRequest(item, placement);
  const pages = async <T extends { readonly at: string }>(
    what: string,
    read: (request: PageRequest) => Promise<AuditPage<T>>,
    add: (item: T) => void,
  ) => {
    let nextToken: string | undefined;
    do {
      const page = await read({ limit: options.pageSize ?? REPORT_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) });
      for (const item of page.items) if (inPeriod(item)) add(item);
      accumulator.notePage();
      progress.page(what, page.items.at(-1)?.at.slice(0, 10), accumulator.read);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  };

  const addRecord = (record: Parameters<ReportAccumulator['addRecord']>[0]) => accumulator.addRecord(record);
  if (policyIds.length === 0) await pages('records', (request) => query.records(narrowing, request), addRecord);
  for (const policyId of policyIds)
    await pages(`records of ${policyId}`, (request) => query.records({ ...narrowing, policyId }, request), addRecord);
  await pages(
    'run summaries',
    (request) => query.runs(narrowing, request),
    (summary) => accumulator.addSummary(summary),
  );
  progress.done(accumulator.read);
  return accumulator.finish();
}
