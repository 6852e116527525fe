import { describe, expect, it } from '@jest/globals';
import { parsePolicyRow } from '../../../lambda/domain/index.js';
import type { ListedRecord } from '../../../lambda/ports/AuditQuery.js';
import { leaverWrites } from '../../../bench/report-day.js';
import { periodVolumes } from '../../../bench/report-figures.js';
import { PAGE_SIZE, SyntheticAuditQuery } from '../../../bench/report-query.js';
import { periodSinceMs, policyItems, QUICK_REPORT } from '../../../bench/report-scenario.js';

const SINCE = new Date(periodSinceMs(QUICK_REPORT));
const UNTIL = new Date(Date.parse(QUICK_REPORT.until) - 1);

/** Every page of a read, in order. */
async function readAll(
  query: SyntheticAuditQuery,
  filter: Parameters<SyntheticAuditQuery['records']>[0] = { since: SINCE, until: UNTIL },
): Promise<ListedRecord[][]> {
  const pages: ListedRecord[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await query.records(filter, { limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) });
    pages.push([...page.items]);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return pages;
}

describe('the report benchmark generator', () => {
  it('makes the same records every time, and the same from a page token as reading through', async () => {
    // Arrange
    const first = new SyntheticAuditQuery(QUICK_REPORT);
    const second = new SyntheticAuditQuery(QUICK_REPORT);
    const filter = { since: SINCE, until: UNTIL };
    const page1 = await first.records(filter, { limit: PAGE_SIZE });

    // Act
    const again = await second.records(filter, { limit: PAGE_SIZE });
    const resumed = await second.records(filter, { limit: PAGE_SIZE, nextToken: page1.nextToken });
    const through = await first.records(filter, { limit: PAGE_SIZE, nextToken: page1.nextToken });

    // Assert
    expect(again).toEqual(page1);
    expect(resumed).toEqual(through);
    expect(resumed.items[0]).not.toEqual(page1.items[0]);
  });

  it('serves every record of the period once, in pages of at most 1,000 of one day, newest first', async () => {
    // Arrange
    const volumes = periodVolumes(QUICK_REPORT);
    const query = new SyntheticAuditQuery(QUICK_REPORT);

    // Act
    const pages = await readAll(query);

    // Assert
    const records = pages.flat();
    expect(records).toHaveLength(volumes.records);
    expect(
      new Set(records.map((record) => `${record.runId}/${record.endpointId}/${record.connectionId}/${record.policyId}`))
        .size,
    ).toBe(volumes.records);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(PAGE_SIZE);
      expect(new Set(page.map((record) => record.at.slice(0, 10))).size).toBeLessThanOrEqual(1);
    }
    const times = records.map((record) => record.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('narrows by outcome and first sighting as the audit query does, to the counts the plans give', async () => {
    // Arrange
    const volumes = periodVolumes(QUICK_REPORT);
    const query = new SyntheticAuditQuery(QUICK_REPORT);

    // Act
    const ended = (await readAll(query, { since: SINCE, until: UNTIL, outcomes: ['terminated'] })).flat();
    const refused = (await readAll(query, { since: SINCE, until: UNTIL, outcomes: ['refused'] })).flat();
    const firstWouldEnd = (
      await readAll(query, { since: SINCE, until: UNTIL, outcomes: ['would-terminate'], firstSightings: true })
    ).flat();

    // Assert
    expect(ended).toHaveLength(volumes.expected.ended);
    expect(
      ended.every((record) => record.outcome === 'terminated' && 'conditionAt' in record && 'connectedAt' in record),
    ).toBe(true);
    expect(refused).toHaveLength(volumes.expected.refused);
    expect(firstWouldEnd).toHaveLength(volumes.expected.wouldEnd);
    expect(volumes.expected.ended).toBeGreaterThan(0);
    expect(volumes.expected.refused).toBeGreaterThan(0);
  });

  it('serves each run summary once, newest first, agreeing with its run records', async () => {
    // Arrange
    const volumes = periodVolumes(QUICK_REPORT);
    const query = new SyntheticAuditQuery(QUICK_REPORT);
    const summaries = [];
    let nextToken: string | undefined;

    // Act
    do {
      const page = await query.runs({ since: SINCE, until: UNTIL }, { limit: PAGE_SIZE, nextToken });
      summaries.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    const run = summaries.find((summary) => (summary.counts.terminated ?? 0) > 0)!;
    const { records } = await query.run(run.runId);

    // Assert
    expect(summaries).toHaveLength(volumes.summaries);
    expect(summaries.map((summary) => summary.at)).toEqual(
      summaries
        .map((summary) => summary.at)
        .sort()
        .reverse(),
    );
    expect(records.filter((record) => record.outcome === 'terminated')).toHaveLength(run.counts.terminated!);
  });

  it('names policy rows the product accepts', () => {
    // Act
    const parsed = policyItems(QUICK_REPORT, leaverWrites(QUICK_REPORT)).map((item) => parsePolicyRow(item));

    // Assert
    expect(parsed.filter((row) => !row.ok)).toEqual([]);
    expect(parsed.length).toBeGreaterThan(8);
  });
});
