import { describe, expect, it } from '@jest/globals';
import { readPeriod } from '../../../cli/report/read-period.js';
import { ReportProgress } from '../../../cli/report/progress.js';
import { Outcome, parsePolicyRow, RunStatus } from '../../../lambda/domain/index.js';
import {
  type AuditPage,
  type AuditQuery,
  type AuditRecordFilter,
  AuditRecordType,
  type DecisionRecord,
  type ListedRecord,
  type PageRequest,
  type RunSummary,
  type RunWindow,
} from '../../../lambda/ports/index.js';

const SINCE = new Date('2026-11-01T00:00:00Z');
const UNTIL = new Date('2026-11-08T00:00:00Z');

/** An audit table in memory, newest first, paged as DynamoDB pages it; every request is kept. */
class PagedAuditQuery implements AuditQuery {
  public readonly recordRequests: { filter: AuditRecordFilter; page: PageRequest }[] = [];
  public readonly runRequests: { window: RunWindow; page: PageRequest }[] = [];

  constructor(
    private readonly stored: readonly ListedRecord[],
    private readonly summaries: readonly RunSummary[],
  ) {}

  public async records(filter: AuditRecordFilter, page: PageRequest): Promise<AuditPage<ListedRecord>> {
    this.recordRequests.push({ filter, page });
    const selected = this.stored.filter(
      (record) => filter.policyId === undefined || record.policyId === filter.policyId,
    );
    return pageOf(selected, page);
  }

  public async runs(window: RunWindow, page: PageRequest): Promise<AuditPage<RunSummary>> {
    this.runRequests.push({ window, page });
    return pageOf(this.summaries, page);
  }

  public async run(): Promise<{ records: never[] }> {
    throw new Error('a report never reads one run');
  }
}

function pageOf<T>(items: readonly T[], page: PageRequest): AuditPage<T> {
  const start = Number(page.nextToken ?? 0);
  const end = start + page.limit;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}

function ended(policyId: string, at: string, placement: { accountId?: string; region?: string } = {}): DecisionRecord {
  return {
    recordType: AuditRecordType.DECISION,
    outcome: Outcome.TERMINATED,
    runId: `run-${at}`,
    at,
    policyId,
    policyKind: 'revoked-user',
    mode: 'enforce',
    endpointId: 'cvpn-endpoint-0123456789abcdef0',
    connectionId: `cvpn-connection-${at.replace(/\D/g, '').slice(0, 17)}`,
    firedPolicies: [policyId],
    reason: 'offboarded',
    ...placement,
  };
}

function summary(at: string): RunSummary {
  return {
    recordType: AuditRecordType.SUMMARY,
    runId: `run-${at}`,
    at,
    finishedAt: at,
    durationMs: 1000,
    status: RunStatus.COMPLETED,
    dryRun: false,
    endpoints: 1,
    endpointErrors: [],
    connectionsSeen: 3,
    counts: {},
    invalidPolicies: 0,
    terminateCalls: 0,
    throttledCalls: 0,
    reconciled: 0,
  };
}

const quiet = () => new ReportProgress({ write: () => true }, { quiet: true });
const options = { since: SINCE, until: UNTIL, generatedAt: UNTIL, prices: new Map<string, number>(), pageSize: 2 };

describe('readPeriod', () => {
  it('pages through every record and run summary of the period, counting pages, and hands none back', async () => {
    // Arrange
    const records = ['07', '06', '05', '04', '03'].map((day) => ended('revoke-leaver', `2026-11-${day}T10:00:00.000Z`));
    const query = new PagedAuditQuery(records, [
      summary('2026-11-07T10:00:00.000Z'),
      summary('2026-11-06T10:00:00.000Z'),
    ]);

    // Act
    const report = await readPeriod(query, [], options, quiet());

    // Assert
    expect(report.read).toEqual({ records: 5, summaries: 2, pages: 4 });
    expect(query.recordRequests.map(({ page }) => page)).toEqual([
      { limit: 2 },
      { limit: 2, nextToken: '2' },
      { limit: 2, nextToken: '4' },
    ]);
    expect(query.recordRequests[0]!.filter).toEqual({ since: SINCE, until: UNTIL });
    expect(query.runRequests.map(({ window }) => window)).toEqual([{ since: SINCE, until: UNTIL }]);
    expect(report.period).toEqual({ since: SINCE.toISOString(), until: UNTIL.toISOString() });
  });

  it('reads one policy index per policy id, and the run summaries once', async () => {
    // Arrange
    const records = [
      ended('revoke-leaver', '2026-11-05T10:00:00.000Z'),
      ended('idle-30m', '2026-11-04T10:00:00.000Z'),
      ended('off-hours', '2026-11-03T10:00:00.000Z'),
    ];
    const query = new PagedAuditQuery(records, [summary('2026-11-05T10:00:00.000Z')]);
    const rows = [
      parsePolicyRow({ policyId: 'revoke-leaver', kind: 'revoked-user', usernames: ['leaver'], reason: 'offboarded' }),
    ];

    // Act
    const report = await readPeriod(query, rows, { ...options, policyIds: ['revoke-leaver', 'idle-30m'] }, quiet());

    // Assert
    expect(query.recordRequests.map(({ filter }) => filter.policyId)).toEqual(['revoke-leaver', 'idle-30m']);
    expect(query.runRequests).toHaveLength(1);
    expect(report.read).toEqual({ records: 2, summaries: 1, pages: 3 });
    expect(report.scope.policyIds).toEqual(['revoke-leaver', 'idle-30m']);
  });

  it('asks the index for the spokes selected, and counts no item of another spoke or at the period end', async () => {
    // Arrange
    const records = [
      ended('revoke-leaver', UNTIL.toISOString(), { accountId: '111122223333', region: 'eu-west-1' }),
      ended('revoke-leaver', '2026-11-05T10:00:00.000Z', { accountId: '111122223333', region: 'eu-west-1' }),
      ended('revoke-leaver', '2026-11-04T10:00:00.000Z', { accountId: '444455556666', region: 'eu-west-1' }),
      ended('revoke-leaver', '2026-11-03T10:00:00.000Z', { accountId: '111122223333', region: 'us-east-1' }),
    ];
    const query = new PagedAuditQuery(records, []);

    // Act
    const report = await readPeriod(
      query,
      [],
      { ...options, accountIds: ['111122223333'], regions: ['eu-west-1'] },
      quiet(),
    );

    // Assert
    expect(query.recordRequests[0]!.filter).toEqual({
      since: SINCE,
      until: UNTIL,
      accountIds: ['111122223333'],
      regions: ['eu-west-1'],
    });
    expect(query.runRequests[0]!.window).toEqual(expect.objectContaining({ accountIds: ['111122223333'] }));
    expect(report.read.records).toBe(1);
    expect(report.scope).toEqual({ accounts: ['111122223333'], regions: ['eu-west-1'], policyIds: [] });
  });

  it('tells the progress each page, with the day its oldest item is of', async () => {
    // Arrange
    const lines: string[] = [];
    const progress = new ReportProgress({ write: (text: string) => lines.push(text) }, { everyPages: 1 });
    const query = new PagedAuditQuery(
      ['05', '04', '03'].map((day) => ended('revoke-leaver', `2026-11-${day}T10:00:00.000Z`)),
      [summary('2026-11-05T10:00:00.000Z')],
    );

    // Act
    await readPeriod(query, [], options, progress);

    // Assert
    expect(lines).toEqual([
      'reading records 2026-11-04: 1 page, 2 records, 0 run summaries\n',
      'reading records 2026-11-03: 2 pages, 3 records, 0 run summaries\n',
      'reading run summaries 2026-11-05: 3 pages, 3 records, 1 run summary\n',
      'read 3 pages, 3 records, 1 run summary\n',
    ]);
  });

  it('lets a failed read through, after the pages read before it', async () => {
    // Arrange
    const query = new PagedAuditQuery([], []);
    query.runs = async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };

    // Act
    const reading = readPeriod(query, [], options, quiet());

    // Assert
    await expect(reading).rejects.toThrow('Throughput exceeds the current capacity');
    expect(query.recordRequests).toHaveLength(1);
  });
});
