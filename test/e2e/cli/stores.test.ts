import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { DynamoAuditQuery } from '../../../lambda/adapters/DynamoAuditQuery.js';
import { DynamoPolicyStore } from '../../../lambda/adapters/DynamoPolicyStore.js';
import { createAwsClients, type AwsClients } from '../../../lambda/clients.js';
import {
  type AdmissionRecord,
  AuditPageTokenError,
  type DecisionRecord,
  type ListedRecord,
  PolicyConflictError,
  PolicyExistsError,
  type RunSummary,
} from '../../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const ENDPOINT = 'cvpn-endpoint-0e2e0000000000001';
const OTHER_ENDPOINT = 'cvpn-endpoint-0e2e0000000000002';
const STAMP = { updatedBy: 'arn:aws:iam::000000000000:user/alice', updatedAt: '2026-11-26T10:00:00Z' };
const ROW = {
  policyId: 'idle-30m',
  kind: 'idle',
  mode: 'observe',
  endpoints: ['*'],
  idleMinutes: 30,
  reason: 'free seats',
};

let sandbox: Sandbox;
let clients: AwsClients;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  clients = createAwsClients(sandbox.clientConfig());
});

afterAll(async () => {
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

beforeEach(async () => {
  await sandbox.reset();
});

describe('DynamoPolicyStore', () => {
  it('creates a row at version 1 with its stamp, and refuses to create it twice', async () => {
    // Arrange
    const store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);

    // Act
    const version = await store.put(ROW, { expect: 'absent' }, STAMP);
    const again = store.put(ROW, { expect: 'absent' }, STAMP);

    // Assert
    expect(version).toBe(1);
    await expect(again).rejects.toThrow(PolicyExistsError);
    await expect(again).rejects.toMatchObject({ policyId: 'idle-30m', actualVersion: 1 });
    expect(await store.get('idle-30m')).toEqual({
      policyId: 'idle-30m',
      version: 1,
      item: { ...ROW, ...STAMP, version: 1 },
    });
  });

  it('lets the first of two operators who read the same version win; the second gets both versions', async () => {
    // Arrange: both read version 1.
    const store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);
    await store.put(ROW, { expect: 'absent' }, STAMP);
    const seenByA = await store.get('idle-30m');
    const seenByB = await store.get('idle-30m');

    // Act
    const written = await store.update('idle-30m', { enabled: false }, seenByA?.version, { ...STAMP, updatedBy: 'a' });
    const lost = store.put(
      { ...ROW, idleMinutes: 45 },
      { expect: 'version', version: seenByB?.version },
      { ...STAMP, updatedBy: 'b' },
    );

    // Assert
    expect(written).toBe(2);
    await expect(lost).rejects.toThrow(PolicyConflictError);
    await expect(lost).rejects.toThrow(
      'policy row "idle-30m" changed since it was read: you had version 1, the table has version 2',
    );
    expect((await store.get('idle-30m'))?.item).toMatchObject({
      enabled: false,
      idleMinutes: 30,
      updatedBy: 'a',
      version: 2,
    });
  });

  it('treats a row written by hand without a version as "no version", and a deleted row as a conflict', async () => {
    // Arrange
    const store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);
    await sandbox.putItems('policies', [ROW]);

    // Act
    const version = await store.update('idle-30m', { mode: 'enforce' }, undefined, STAMP);
    await store.delete('idle-30m', version);
    const late = store.update('idle-30m', { mode: 'observe' }, version, STAMP);

    // Assert
    expect(version).toBe(1);
    await expect(late).rejects.toMatchObject({
      name: 'PolicyConflictError',
      expectedVersion: 1,
      actualVersion: 'absent',
    });
    await expect(late).rejects.toThrow('the table has no row (it was deleted)');
    expect(await store.get('idle-30m')).toBeUndefined();
  });

  it('refuses a delete made on a stale version', async () => {
    // Arrange
    const store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);
    await store.put(ROW, { expect: 'absent' }, STAMP);
    await store.update('idle-30m', { enabled: false }, 1, STAMP);

    // Act
    const stale = store.delete('idle-30m', 1);

    // Assert
    await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(await store.get('idle-30m')).toMatchObject({ version: 2, item: { enabled: false, version: 2 } });
  });

  it('lists every item sorted by id, invalid ones and unsafe numbers included as they are', async () => {
    // Arrange
    const store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);
    await sandbox.putItems('policies', [{ policyId: 'b-typo', kind: 'idle', idleMinute: 5 }, ROW]);
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: sandbox.tables.policies,
        Item: { policyId: { S: 'c-huge' }, kind: { S: 'idle' }, idleMinutes: { N: '123456789012345678901234567890' } },
      }),
    );

    // Act
    const listed = await store.list();

    // Assert
    expect(listed.map((entry) => entry.policyId)).toEqual(['b-typo', 'c-huge', 'idle-30m']);
    expect(listed[0]?.item).toEqual({ policyId: 'b-typo', kind: 'idle', idleMinute: 5 });
    expect(listed[1]?.item.idleMinutes).toBe('123456789012345678901234567890');
  });
});

describe('DynamoAuditQuery', () => {
  const record = (
    runId: string,
    at: string,
    connectionId: string,
    overrides: Partial<DecisionRecord> = {},
  ): DecisionRecord => ({
    recordType: 'decision',
    runId,
    at,
    outcome: 'terminated',
    policyId: 'revoke-mallory',
    policyKind: 'revoked-user',
    firedPolicies: ['revoke-mallory (revoked-user, enforce)'],
    mode: 'enforce',
    reason: 'user mallory is revoked',
    endpointId: ENDPOINT,
    connectionId,
    username: 'mallory',
    ...overrides,
  });
  const summary = (runId: string, at: string): RunSummary => ({
    recordType: 'summary',
    runId,
    at,
    finishedAt: at,
    durationMs: 1200,
    status: 'completed',
    dryRun: false,
    endpoints: 2,
    endpointErrors: [],
    connectionsSeen: 10,
    counts: { terminated: 1 },
    invalidPolicies: 0,
    terminateCalls: 1,
    throttledCalls: 0,
    reconciled: 0,
  });

  /** Records over three days: newest first they are c3, c2, o1, b1, a1. */
  async function seedThreeDays(): Promise<DynamoAuditQuery> {
    const log = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365);
    await log.record(record('run-1', '2026-11-24T09:00:00.000Z', 'cvpn-connection-0000000000000a1'));
    await log.record(
      record('run-2', '2026-11-25T09:00:00.000Z', 'cvpn-connection-0000000000000b1', {
        username: 'bob',
        outcome: 'would-terminate',
        policyId: 'idle-30m',
      }),
    );
    await log.record(
      record('run-2', '2026-11-25T09:00:00.000Z', 'cvpn-connection-0000000000000o1', { endpointId: OTHER_ENDPOINT }),
    );
    await log.record(
      record('run-3', '2026-11-26T09:00:00.000Z', 'cvpn-connection-0000000000000c2', { username: 'Mallory ' }),
    );
    await log.record(
      record('run-3', '2026-11-26T09:00:00.000Z', 'cvpn-connection-0000000000000c3', {
        outcome: 'failed',
        errorCode: 'InternalError',
      }),
    );
    for (const [runId, at] of [
      ['run-1', '2026-11-24T09:00:00.000Z'],
      ['run-2', '2026-11-25T09:00:00.000Z'],
      ['run-3', '2026-11-26T09:00:00.000Z'],
    ] as const) {
      await log.putSummary(summary(runId, at));
    }
    return new DynamoAuditQuery(clients.documents, sandbox.tables.audit);
  }

  const WINDOW = { since: new Date('2026-11-24T00:00:00Z'), until: new Date('2026-11-26T23:59:59Z') };
  const idsOf = (records: readonly ListedRecord[]) => records.map((entry) => entry.connectionId?.slice(-2));

  it('walks the days newest first, page by page, without a scan', async () => {
    // Arrange
    const query = await seedThreeDays();
    const scansBefore = sandbox.counters.snapshot().dynamodb?.Scan?.calls ?? 0;

    // Act
    const pages: (string | undefined)[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await query.records(WINDOW, { limit: 2, nextToken });
      pages.push(idsOf(page.items));
      nextToken = page.nextToken;
    } while (nextToken);

    // Assert
    expect(pages.flat()).toEqual(['c3', 'c2', 'o1', 'b1', 'a1']);
    expect(pages[0]).toHaveLength(2);
    expect(sandbox.counters.snapshot().dynamodb?.Scan?.calls ?? 0).toBe(scansBefore);
  });

  it('keeps to the time window', async () => {
    const query = await seedThreeDays();
    const page = await query.records(
      { since: new Date('2026-11-25T00:00:00Z'), until: new Date('2026-11-25T23:00:00Z') },
      { limit: 10 },
    );
    expect(idsOf(page.items)).toEqual(['o1', 'b1']);
  });

  it('reads one identity through its index, folded as the run writes it, with other criteria as filters', async () => {
    // Arrange
    const query = await seedThreeDays();

    // Act
    const all = await query.records({ identity: 'MALLORY' }, { limit: 10 });
    const failedOnly = await query.records({ identity: 'mallory', outcomes: ['failed'] }, { limit: 10 });
    const onOther = await query.records({ identity: 'mallory', endpointId: OTHER_ENDPOINT }, { limit: 10 });

    // Assert
    expect(idsOf(all.items)).toEqual(['c3', 'c2', 'o1', 'a1']);
    expect(idsOf(failedOnly.items)).toEqual(['c3']);
    expect(idsOf(onOther.items)).toEqual(['o1']);
  });

  it("reads a policy, an endpoint or a run through its own key; a run's summary is not a record", async () => {
    const query = await seedThreeDays();
    expect(idsOf((await query.records({ policyId: 'idle-30m' }, { limit: 10 })).items)).toEqual(['b1']);
    expect(idsOf((await query.records({ endpointId: OTHER_ENDPOINT }, { limit: 10 })).items)).toEqual(['o1']);
    expect(idsOf((await query.records({ runId: 'run-3' }, { limit: 10 })).items)).toEqual(['c2', 'c3']);
    expect(idsOf((await query.records({ runId: 'run-3', outcomes: ['failed'] }, { limit: 10 })).items)).toEqual(['c3']);
  });

  it('pages a filtered query correctly when the filter drops items', async () => {
    // Arrange
    const query = await seedThreeDays();

    // Act
    const first = await query.records({ ...WINDOW, outcomes: ['terminated', 'failed'] }, { limit: 1 });
    const second = await query.records(
      { ...WINDOW, outcomes: ['terminated', 'failed'] },
      { limit: 10, nextToken: first.nextToken },
    );

    // Assert
    expect([...idsOf(first.items), ...idsOf(second.items)]).toEqual(['c3', 'c2', 'o1', 'a1']);
    expect(second.nextToken).toBeUndefined();
  });

  it('reads only first sightings when asked, filtered before the page is cut', async () => {
    // Arrange: the same capped decision in three runs, first seen in the first; a new one in the last.
    const log = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365);
    const firstSeenAt = '2026-11-24T09:00:00.000Z';
    for (const [runId, at] of [
      ['run-1', '2026-11-24T09:00:00.000Z'],
      ['run-2', '2026-11-25T09:00:00.000Z'],
      ['run-3', '2026-11-26T09:00:00.000Z'],
    ] as const)
      await log.record(record(runId, at, 'cvpn-connection-0000000000000k1', { outcome: 'capped', firstSeenAt }));
    await log.record(
      record('run-3', '2026-11-26T09:00:00.000Z', 'cvpn-connection-0000000000000n1', {
        outcome: 'capped',
        firstSeenAt: '2026-11-26T09:00:00.000Z',
      }),
    );
    const query = new DynamoAuditQuery(clients.documents, sandbox.tables.audit);

    // Act: a page of one, as the CLI reads a small --limit.
    const first = await query.records({ ...WINDOW, firstSightings: true }, { limit: 1 });
    const rest = await query.records({ ...WINDOW, firstSightings: true }, { limit: 10, nextToken: first.nextToken });
    const all = await query.records(WINDOW, { limit: 10 });

    // Assert
    expect(idsOf(first.items)).toEqual(['n1']);
    expect(idsOf(rest.items)).toEqual(['k1']);
    expect(rest.items[0]?.at).toBe(firstSeenAt);
    expect(all.items).toHaveLength(4);
  });

  it('lists run summaries newest first across days', async () => {
    const query = await seedThreeDays();
    const page = await query.runs(WINDOW, { limit: 2 });
    expect(page.items.map((run) => run.runId)).toEqual(['run-3', 'run-2']);
    expect((await query.runs(WINDOW, { limit: 2, nextToken: page.nextToken })).items.map((run) => run.runId)).toEqual([
      'run-1',
    ]);
  });

  it('refuses a page token of another query or one that does not decode', async () => {
    // Arrange
    const query = await seedThreeDays();
    const { nextToken } = await query.records(WINDOW, { limit: 1 });

    // Act and assert
    await expect(query.records({ identity: 'bob' }, { limit: 1, nextToken })).rejects.toThrow(AuditPageTokenError);
    await expect(query.records({ identity: 'bob' }, { limit: 1, nextToken })).rejects.toThrow(
      'the page token belongs to another query',
    );
    await expect(query.records(WINDOW, { limit: 1, nextToken: 'not-a-token' })).rejects.toThrow(AuditPageTokenError);
  });

  describe("the client connect handler's admission records", () => {
    const admission = (
      at: string,
      connectionId: string,
      overrides: Partial<AdmissionRecord> = {},
    ): AdmissionRecord => ({
      recordType: 'admission',
      outcome: 'refused',
      runId: `gate-${at.slice(0, 10)}`,
      at,
      endpointId: ENDPOINT,
      connectionId,
      username: 'mallory',
      clientIp: '198.51.100.7',
      platform: 'mac',
      policyId: 'revoke-mallory',
      policyKind: 'revoked-user',
      mode: 'enforce',
      firedPolicies: ['revoke-mallory (revoked-user, enforce)'],
      reason: 'user mallory is revoked',
      message: 'Your access was removed.',
      ...overrides,
    });

    /** The three days of run records, and three attempts: refused (d1), fail-open (d2) on the other endpoint, admitted (d3). */
    async function seedWithAdmissions(): Promise<DynamoAuditQuery> {
      const query = await seedThreeDays();
      const log = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365);
      await log.record(admission('2026-11-26T09:30:00.000Z', 'cvpn-connection-0000000000000d1'));
      await log.record(
        admission('2026-11-26T09:40:00.000Z', 'cvpn-connection-0000000000000d2', {
          outcome: 'admitted-fail-open',
          endpointId: OTHER_ENDPOINT,
          username: 'bob',
          policyId: undefined,
          policyKind: undefined,
          mode: undefined,
          firedPolicies: [],
          reason: 'no policy rows have been read yet: admitted (connectFailMode admit)',
          message: undefined,
          failMode: 'no-policies',
        }),
      );
      await log.record(
        admission('2026-11-25T10:00:00.000Z', 'cvpn-connection-0000000000000d3', {
          outcome: 'admitted',
          policyId: 'exempt-mallory',
          policyKind: undefined,
          mode: undefined,
          exemptedBy: 'exempt-mallory',
          message: undefined,
        }),
      );
      return query;
    }

    it('lists them among the decisions, newest first, as admission records with what the client was shown', async () => {
      // Arrange
      const query = await seedWithAdmissions();

      // Act
      const page = await query.records(WINDOW, { limit: 20 });

      // Assert
      expect(idsOf(page.items)).toEqual(['d2', 'd1', 'c3', 'c2', 'd3', 'o1', 'b1', 'a1']);
      expect(page.items.find((item) => item.connectionId?.endsWith('d1'))).toEqual(
        admission('2026-11-26T09:30:00.000Z', 'cvpn-connection-0000000000000d1'),
      );
      expect(page.items.find((item) => item.connectionId?.endsWith('d2'))).toMatchObject({
        recordType: 'admission',
        outcome: 'admitted-fail-open',
        failMode: 'no-policies',
      });
    });

    it('filters them by identity, endpoint, policy, outcome, day bucket and time, as decisions are', async () => {
      // Arrange
      const query = await seedWithAdmissions();
      const ids = async (filter: Parameters<DynamoAuditQuery['records']>[0]) =>
        idsOf((await query.records(filter, { limit: 20 })).items);

      // Act and assert
      expect(await ids({ identity: 'Mallory' })).toEqual(['d1', 'c3', 'c2', 'd3', 'o1', 'a1']);
      expect(await ids({ endpointId: OTHER_ENDPOINT })).toEqual(['d2', 'o1']);
      expect(await ids({ policyId: 'revoke-mallory', outcomes: ['refused'] })).toEqual(['d1']);
      expect(await ids({ ...WINDOW, outcomes: ['refused', 'admitted-fail-open', 'admitted'] })).toEqual([
        'd2',
        'd1',
        'd3',
      ]);
      expect(await ids({ runId: 'gate-2026-11-26' })).toEqual(['d1', 'd2']);
      expect(
        await ids({
          since: new Date('2026-11-25T00:00:00Z'),
          until: new Date('2026-11-25T23:59:59Z'),
          identity: 'mallory',
        }),
      ).toEqual(['d3', 'o1']);
    });
  });
});
