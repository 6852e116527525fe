import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAwsClients, type AwsClients } from '../../../lambda/clients.js';
import type { RunRecord, RunSummary } from '../../../lambda/ports/index.js';
import type { RunReport } from '../../../lambda/run/RunReport.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { enforceOnce } from './support/enforce.js';
import { jsonOf, runCli } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e00000000000a1';
const ENG = 'cvpn-endpoint-0e2e00000000000b2';
const RUN_ID = 'run-2026-11-26T10:00:00Z';

/** Two endpoints: a revoked user on both, a session past its limit, an exempt admin, a rule in observe mode, an idle rule. */
const SCENARIO = {
  endpoints: [{ id: CORP }, { id: ENG }],
  connections: [
    { endpoint: CORP, id: 'cvpn-connection-0e2e000000000a001', username: 'mallory', established: '-50m' },
    { endpoint: ENG, id: 'cvpn-connection-0e2e000000000b001', username: 'mallory', established: '-20m' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e000000000a002', username: 'grace', established: '-9h' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e000000000a003', username: 'alice', established: '-1h' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e000000000a004', username: 'breakglass', established: '-10h' },
    { endpoint: ENG, id: 'cvpn-connection-0e2e000000000b002', username: 'bob', established: '-3h' },
  ],
  policies: [
    {
      policyId: 'revoke-mallory',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['Mallory'],
      reason: 'offboarded',
      version: 1,
    },
    {
      policyId: 'max-session-8h',
      kind: 'max-session',
      mode: 'enforce',
      endpoints: ['*'],
      maxSessionMinutes: 480,
      reason: 'reconnect daily',
      version: 1,
    },
    {
      policyId: 'eng-2h',
      kind: 'max-session',
      mode: 'observe',
      endpoints: [ENG],
      maxSessionMinutes: 120,
      reason: 'trying a shorter limit',
      version: 1,
    },
    {
      policyId: 'exempt-breakglass',
      kind: 'exempt',
      usernames: ['breakglass'],
      reason: 'incident response',
      version: 1,
    },
    {
      policyId: 'idle-30m',
      kind: 'idle',
      mode: 'enforce',
      endpoints: ['*'],
      idleMinutes: 30,
      reason: 'free idle seats',
      version: 1,
    },
  ],
};

interface PlanJson {
  readonly decisions: { connectionId: string; verdict: string; policyId: string; reason: string }[];
  readonly calls: { endpointId: string; by: string; username?: string; connectionId?: string }[];
  readonly connectionsSeen: number;
}

let sandbox: Sandbox;
let clients: AwsClients;
let sandboxFlag: string[];

async function itemCount(table: string): Promise<number> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  return (await clients.dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: SCENARIO, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
  clients = createAwsClients(sandbox.clientConfig());
  sandboxFlag = [`--sandbox=${sandbox.endpoint}`];
});

afterAll(async () => {
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

describe('cvpn-guard plan', () => {
  it('prints what a run would do and why, and neither terminates nor writes anything', async () => {
    // Act
    const [asJson, asTable] = await Promise.all([
      runCli(['plan', '--output', 'json', ...sandboxFlag]),
      runCli(['plan', ...sandboxFlag]),
    ]);

    // Assert
    expect(asJson.code).toBe(0);
    const plan = jsonOf<PlanJson>(asJson);
    expect(plan.connectionsSeen).toBe(6);
    expect(
      plan.decisions.map(({ connectionId, verdict, policyId }) => [connectionId.slice(-4), verdict, policyId]),
    ).toEqual([
      ['a001', 'terminate', 'revoke-mallory'],
      ['a002', 'terminate', 'max-session-8h'],
      ['a004', 'exempted', 'max-session-8h'],
      ['b001', 'terminate', 'revoke-mallory'],
      ['b002', 'would-terminate', 'eng-2h'],
    ]);
    // Mallory holds one connection per endpoint: each goes by its id (a call by user name saves no call).
    expect(plan.calls).toEqual(
      ['a001', 'a002', 'b001'].map((suffix) => ({
        endpointId: suffix.startsWith('a') ? CORP : ENG,
        by: 'connection-id',
        connectionId: `cvpn-connection-0e2e000000000${suffix}`,
        connectionIds: [`cvpn-connection-0e2e000000000${suffix}`],
      })),
    );
    expect(asTable.code).toBe(0);
    expect(asTable.stdout).toContain(
      'Plan at 2026-11-26T10:00:00Z: a preview; nothing is terminated, nothing is written.',
    );
    expect(asTable.stdout).toMatch(
      /cvpn-connection-0e2e000000000b002 +bob +would-terminate +eng-2h +observe +session 3 h old, limit 2 h/,
    );
    expect(asTable.stdout).toContain('3 terminate, 1 would-terminate, 1 exempted');
    expect(asTable.stdout).toContain(`  ${ENG}  ConnectionId=cvpn-connection-0e2e000000000b001`);
    // Idle memory is read, never written: before the first run every connection is new to it.
    expect(asTable.stdout).toContain(
      '6 active connections have no idle memory yet (the enforcer has not seen them): idle rules count them as active now.',
    );
    expect(sandbox.counters.snapshot().ec2?.TerminateClientVpnConnections).toBeUndefined();
    expect(await itemCount(sandbox.tables.audit)).toBe(0);
    expect(await itemCount(sandbox.tables.state)).toBe(0);
  }, 60_000);
});

describe('cvpn-guard audit, after a real run', () => {
  let report: RunReport;

  beforeAll(async () => {
    report = await enforceOnce(sandbox, RUN_ID);
  }, 60_000);

  it('lists runs from their summaries, as a table and as JSON', async () => {
    // Act
    const [table, json] = await Promise.all([
      runCli(['audit', 'runs', ...sandboxFlag]),
      runCli(['audit', 'runs', '--output', 'json', ...sandboxFlag]),
    ]);

    // Assert
    expect(report.counts).toEqual({ terminated: 3, exempted: 1, 'would-terminate': 1 });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /^TIME +RUN +STATUS +SEEN +TERMINATED +WOULD-TERMINATE +FAILED +CAPPED +DEFERRED +INVALID +DURATION\n/,
    );
    expect(table.stdout).toMatch(/2026-11-26T10:00:00Z +run-2026-11-26T10:00:00Z +completed +6 +3 +1 +0 +0 +0 +0 /);
    const { runs } = jsonOf<{ runs: RunSummary[] }>(json);
    expect(runs).toEqual([
      expect.objectContaining({
        runId: RUN_ID,
        connectionsSeen: 6,
        counts: { terminated: 3, exempted: 1, 'would-terminate': 1 },
      }),
    ]);
  }, 60_000);

  it('finds everything that happened to a user, matched as the run matches (case-insensitive, exact)', async () => {
    // Act
    const run = await runCli([
      'audit',
      'list',
      '--user',
      'MALLORY',
      '--since',
      '7d',
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(0);
    const { records } = jsonOf<{ records: RunRecord[] }>(run);
    expect(
      records.map((record) => [record.connectionId, record.outcome, record.policyId, record.calledBy]).sort(),
    ).toEqual([
      ['cvpn-connection-0e2e000000000a001', 'terminated', 'revoke-mallory', 'connection-id'],
      ['cvpn-connection-0e2e000000000b001', 'terminated', 'revoke-mallory', 'connection-id'],
    ]);
    // The row's own reason, beside the generated one, and since when the decision held.
    expect(records.map((record) => [record.policyReason, record.firstSeenAt])).toEqual([
      ['offboarded', '2026-11-26T10:00:00.000Z'],
      ['offboarded', '2026-11-26T10:00:00.000Z'],
    ]);
  }, 60_000);

  it("filters a policy's records by outcome and writes CSV a spreadsheet opens", async () => {
    // Act
    const run = await runCli([
      'audit',
      'list',
      '--policy',
      'eng-2h',
      '--outcome',
      'would-terminate',
      '--output',
      'csv',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'at,runId,outcome,policyId,policyKind,mode,endpointId,connectionId,username,commonName,clientIp,firedPolicies,exemptedBy,calledBy,previousStatus,currentStatus,requestId,errorCode,errorMessage,completedAt,confirmedAt,firstSeenAt,reason,policyReason,recordType,message,platform,failMode',
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^2026-11-26T10:00:00.000Z,${RUN_ID},would-terminate,eng-2h,max-session,observe,${ENG},cvpn-connection-0e2e000000000b002,bob,`,
      ),
    );
    expect(lines).toHaveLength(3);
  }, 60_000);

  it("pages through the day's records newest first, a page token going on where the last page stopped", async () => {
    // Act
    const first = await runCli(['audit', 'list', '--limit', '3', '--output', 'json', ...sandboxFlag]);
    const { records: firstPage, nextToken } = jsonOf<{ records: RunRecord[]; nextToken?: string }>(first);
    const second = await runCli([
      'audit',
      'list',
      '--limit',
      '3',
      '--next-token',
      nextToken ?? '',
      '--output',
      'json',
      ...sandboxFlag,
    ]);
    const { records: secondPage, nextToken: after } = jsonOf<{ records: RunRecord[]; nextToken?: string }>(second);

    // Assert
    expect(firstPage).toHaveLength(3);
    expect(nextToken).toEqual(expect.any(String));
    expect(secondPage).toHaveLength(2);
    expect(after).toBeUndefined();
    const seen = [...firstPage, ...secondPage].map((record) => record.connectionId);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(report.records.map((record) => record.connectionId).sort());
  }, 60_000);

  it('shows one run: its summary and every record', async () => {
    // Act
    const [table, json] = await Promise.all([
      runCli(['audit', 'show', RUN_ID, ...sandboxFlag]),
      runCli(['audit', 'show', RUN_ID, '--output', 'json', ...sandboxFlag]),
    ]);

    // Assert
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^run +run-2026-11-26T10:00:00Z\n/);
    expect(table.stdout).toMatch(/outcomes +3 terminated, 1 exempted, 1 would-terminate|outcomes +.*3 terminated/);
    expect(table.stdout).toMatch(
      /exempted +max-session-8h +cvpn-endpoint-0e2e00000000000a1 +cvpn-connection-0e2e000000000a004 +breakglass/,
    );
    const shown = jsonOf<{ summary: RunSummary; records: RunRecord[] }>(json);
    expect(shown.summary).toMatchObject({ runId: RUN_ID, status: 'completed' });
    expect(shown.records).toHaveLength(5);
  }, 60_000);

  it('exits 2 for an unknown run or outcome, naming what is accepted', async () => {
    // Act
    const [unknownRun, badOutcome] = await Promise.all([
      runCli(['audit', 'show', 'run-1999-01-01T00:00:00Z', ...sandboxFlag]),
      runCli(['audit', 'list', '--outcome', 'killed', ...sandboxFlag]),
    ]);

    // Assert
    expect(unknownRun).toMatchObject({
      code: 2,
      stderr:
        'cvpn-guard: no run "run-1999-01-01T00:00:00Z" in the audit table: see the run ids with cvpn-guard audit runs --since 7d\n',
    });
    expect(badOutcome.code).toBe(2);
    expect(badOutcome.stderr).toContain(
      'cvpn-guard: --outcome killed: expected outcomes among pending, terminated, would-terminate, failed, capped, exempted, deferred, invalid-policy',
    );
  }, 60_000);
});

describe('cvpn-guard doctor', () => {
  it('passes every check of a healthy sandbox, one line each, and exits 0', async () => {
    // Act
    const run = await runCli(['doctor', ...sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => /^(PASS|WARN|FAIL) /.test(line))).toEqual([
      'PASS  caller identity: arn:aws:iam::000000000000:user/sandbox',
      'PASS  policies table: cvpn-guard-policies reachable, active, keys and indexes as expected',
      'PASS  audit table: cvpn-guard-audit reachable, active, keys and indexes as expected',
      'PASS  state table: cvpn-guard-state reachable, active, keys and indexes as expected',
      'PASS  policy rows: 5 rows, all valid',
      `PASS  endpoints: 2 selected: ${CORP}, ${ENG}`,
      `PASS  ${CORP} connections: listable: 4 connections (2 active)`,
      `PASS  ${CORP} terminate permission: allowed (DryRun answered DryRunOperation)`,
      `WARN  ${CORP} client connect handler: not attached: Client VPN admits every client that authenticates, and no policy row is asked at connect`,
      `PASS  ${ENG} connections: listable: 2 connections (1 active)`,
      `PASS  ${ENG} terminate permission: allowed (DryRun answered DryRunOperation)`,
      `WARN  ${ENG} client connect handler: not attached: Client VPN admits every client that authenticates, and no policy row is asked at connect`,
    ]);
    expect(lines.at(-1)).toBe('verdict: ready: 10 of 12 checks passed, 2 warnings');
  }, 60_000);

  it('fails on a missing terminate permission and an invalid row, says how to fix each, and exits 1', async () => {
    // Arrange
    sandbox.counters.reset();
    sandbox.emulator.permissions.deny('TerminateClientVpnConnections', ENG);
    await sandbox.putItems('policies', [
      {
        policyId: 'idle-typo',
        kind: 'idle',
        mode: 'enforce',
        endpoints: ['*'],
        idleMinute: 15,
        reason: 'console edit',
      },
    ]);

    // Act
    const run = await runCli(['doctor', '--output', 'json', ...sandboxFlag]);

    // Assert
    expect(run.code).toBe(1);
    const result = jsonOf<{
      ok: boolean;
      verdict: string;
      checks: { check: string; status: string; detail: string; fix?: string }[];
    }>(run);
    expect(result.ok).toBe(false);
    expect(result.verdict).toBe('NOT READY: 2 of 12 checks failed, 2 warnings');
    expect(result.checks.filter((check) => check.status === 'fail')).toEqual([
      {
        check: 'policy rows',
        status: 'fail',
        detail:
          '1 of 6 rows are invalid and match nothing: idle-typo (idleMinutes: expected a whole number from 1 to 10080 (DynamoDB type N), the attribute is missing)',
        fix: 'see every error with cvpn-guard policy list; fix with policy export, edit, policy put --file',
      },
      {
        check: `${ENG} terminate permission`,
        status: 'fail',
        detail: 'not allowed: TerminateClientVpnConnections answered UnauthorizedOperation (DryRun)',
        fix: `allow ec2:TerminateClientVpnConnections on arn:aws:ec2:us-east-1:000000000000:client-vpn-endpoint/${ENG} to the enforcer's role`,
      },
    ]);
    // Every terminate call was a DryRun: none ended a connection.
    expect(sandbox.counters.snapshot().ec2?.TerminateClientVpnConnections).toMatchObject({
      calls: 2,
      succeeded: 0,
      errors: { DryRunOperation: 1, UnauthorizedOperation: 1 },
    });
  }, 60_000);
});
