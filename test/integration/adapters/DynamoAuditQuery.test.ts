import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { DynamoAuditQuery } from '../../../lambda/adapters/DynamoAuditQuery.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import {
  AuditPageTokenError,
  type DecisionRecord,
  type ListedRecord,
  type RunSummary,
} from '../../../lambda/ports/index.js';
import { SpokeHeartbeat } from '../../../lambda/tables.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const ENDPOINT = 'cvpn-endpoint-0e2e0000000000001';
/** Thirty days: the day walk would read thirty-one partitions. */
const MONTH = { since: new Date('2026-10-28T00:00:00Z'), until: new Date('2026-11-26T23:59:59Z') };

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

function record(runId: string, at: string, connectionId: string, overrides: Partial<DecisionRecord> = {}) {
  return {
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
  } satisfies DecisionRecord;
}

function summary(runId: string, at: string): RunSummary {
  return {
    recordType: 'summary',
    runId,
    at,
    finishedAt: at,
    durationMs: 1200,
    status: 'completed',
    dryRun: false,
    endpoints: 1,
    endpointErrors: [],
    connectionsSeen: 4,
    counts: { terminated: 1 },
    invalidPolicies: 0,
    terminateCalls: 1,
    throttledCalls: 0,
    reconciled: 0,
  };
}

/**
 * Three spokes' records in one hub table, newest first a3, b2, a2, c1, a1 (A and B in eu-west-1, A also in
 * us-east-1 as c1), each spoke's run summaries, and A's heartbeat.
 */
async function seedSpokes(): Promise<DynamoAuditQuery> {
  const spokes = {
    a: new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365, { accountId: ACCOUNT_A, region: 'eu-west-1' }),
    b: new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365, { accountId: ACCOUNT_B, region: 'eu-west-1' }),
    c: new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365, { accountId: ACCOUNT_A, region: 'us-east-1' }),
  };
  await spokes.a.record(record('a-run-1', '2026-11-01T09:00:00.000Z', 'cvpn-connection-00000000000000a1'));
  await spokes.c.record(record('c-run-1', '2026-11-10T09:00:00.000Z', 'cvpn-connection-00000000000000c1'));
  await spokes.a.record(record('a-run-2', '2026-11-20T09:00:00.000Z', 'cvpn-connection-00000000000000a2'));
  await spokes.b.record(
    record('b-run-2', '2026-11-25T09:00:00.000Z', 'cvpn-connection-00000000000000b2', { username: 'bob' }),
  );
  await spokes.a.record(record('a-run-3', '2026-11-26T09:00:00.000Z', 'cvpn-connection-00000000000000a3'));
  await spokes.a.putSummary(summary('a-run-2', '2026-11-20T09:00:00.000Z'));
  await spokes.a.putSummary(summary('a-run-3', '2026-11-26T09:00:00.000Z'));
  await spokes.b.putSummary(summary('b-run-2', '2026-11-25T09:00:00.000Z'));
  await spokes.c.putSummary(summary('c-run-1', '2026-11-10T09:00:00.000Z'));
  await clients.documents.send(
    new PutCommand({
      TableName: sandbox.tables.audit,
      Item: {
        pk: `${SpokeHeartbeat.PK_PREFIX}${ACCOUNT_A}.eu-west-1`,
        sk: SpokeHeartbeat.SK,
        timeKey: SpokeHeartbeat.TIME_KEY,
        accountId: ACCOUNT_A,
        region: 'eu-west-1',
        at: '2026-11-26T09:00:00.000Z',
        runId: 'a-run-3',
        status: 'completed',
      },
    }),
  );
  return new DynamoAuditQuery(clients.documents, sandbox.tables.audit);
}

const idsOf = (records: readonly ListedRecord[]) => records.map((entry) => entry.connectionId?.slice(-2));
const queries = () => sandbox.counters.snapshot().dynamodb?.Query?.calls ?? 0;

describe('DynamoAuditQuery by account and Region', () => {
  it("reads an account's records through its byAccount partition, not day by day", async () => {
    // Arrange
    const query = await seedSpokes();
    const before = queries();

    // Act
    const page = await query.records({ ...MONTH, accountIds: [ACCOUNT_A] }, { limit: 10 });

    // Assert: its decisions only (not its summaries, nor its heartbeat), in one query.
    expect(idsOf(page.items)).toEqual(['a3', 'a2', 'c1', 'a1']);
    expect(page.nextToken).toBeUndefined();
    expect(queries() - before).toBe(1);
  });

  it('reads several accounts one after the other, and pages on across them', async () => {
    // Arrange
    const query = await seedSpokes();

    // Act
    const pages: (string | undefined)[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await query.records({ ...MONTH, accountIds: [ACCOUNT_B, ACCOUNT_A] }, { limit: 2, nextToken });
      pages.push(idsOf(page.items));
      nextToken = page.nextToken;
    } while (nextToken);

    // Assert
    expect(pages.flat()).toEqual(['b2', 'a3', 'a2', 'c1', 'a1']);
    expect(pages[0]).toHaveLength(2);
  });

  it('keeps to the Regions asked for, on the day walk and within an account', async () => {
    // Arrange
    const query = await seedSpokes();

    // Act
    const inUsEast = await query.records({ ...MONTH, regions: ['us-east-1'] }, { limit: 10 });
    const aInEu = await query.records({ ...MONTH, accountIds: [ACCOUNT_A], regions: ['eu-west-1'] }, { limit: 10 });

    // Assert
    expect(idsOf(inUsEast.items)).toEqual(['c1']);
    expect(idsOf(aInEu.items)).toEqual(['a3', 'a2', 'a1']);
  });

  it('filters by account when a better index applies (identity, policy, run)', async () => {
    // Arrange
    const query = await seedSpokes();

    // Act
    const mallory = await query.records({ identity: 'mallory', accountIds: [ACCOUNT_B] }, { limit: 10 });
    const bob = await query.records({ identity: 'bob', accountIds: [ACCOUNT_B] }, { limit: 10 });
    const policy = await query.records({ policyId: 'revoke-mallory', accountIds: [ACCOUNT_A] }, { limit: 10 });
    const run = await query.records({ runId: 'a-run-3', regions: ['us-east-1'] }, { limit: 10 });

    // Assert
    expect(idsOf(mallory.items)).toEqual([]);
    expect(idsOf(bob.items)).toEqual(['b2']);
    expect(idsOf(policy.items)).toEqual(['a3', 'a2', 'c1', 'a1']);
    expect(idsOf(run.items)).toEqual([]);
  });

  it('refuses a page token of the same query for other accounts', async () => {
    // Arrange
    const query = await seedSpokes();
    const { nextToken } = await query.records({ ...MONTH, accountIds: [ACCOUNT_A] }, { limit: 1 });

    // Act and assert
    await expect(query.records({ ...MONTH, accountIds: [ACCOUNT_B] }, { limit: 1, nextToken })).rejects.toThrow(
      AuditPageTokenError,
    );
    await expect(query.records(MONTH, { limit: 1, nextToken })).rejects.toThrow(
      'the page token belongs to another query',
    );
  });

  it("lists an account's run summaries through byAccount (not its records, nor its heartbeat), and by Region", async () => {
    // Arrange
    const query = await seedSpokes();
    const before = queries();

    // Act
    const ofA = await query.runs({ ...MONTH, accountIds: [ACCOUNT_A] }, { limit: 10 });
    const queriesOfA = queries() - before;
    const inEu = await query.runs({ ...MONTH, regions: ['eu-west-1'] }, { limit: 10 });
    const first = await query.runs({ ...MONTH, accountIds: [ACCOUNT_A] }, { limit: 1 });
    const rest = await query.runs({ ...MONTH, accountIds: [ACCOUNT_A] }, { limit: 10, nextToken: first.nextToken });

    // Assert
    expect(ofA.items.map((run) => run.runId)).toEqual(['a-run-3', 'a-run-2', 'c-run-1']);
    expect(queriesOfA).toBe(1);
    expect(inEu.items.map((run) => run.runId)).toEqual(['a-run-3', 'b-run-2', 'a-run-2']);
    expect([...first.items, ...rest.items].map((run) => run.runId)).toEqual(['a-run-3', 'a-run-2', 'c-run-1']);
    await expect(query.runs(MONTH, { limit: 1, nextToken: first.nextToken })).rejects.toThrow(AuditPageTokenError);
  });
});
