import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EnvVar } from '../../../lambda/environment.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { decisionItems, type SandboxEnforcer, sandboxEnforcer, scanAll } from '../../support/sandbox-enforcer.js';

const DEMO = new URL('../../../examples/demo.json', import.meta.url).pathname;
const OTHER_ACCOUNT = '999988887777';

describe('rows by placement, in one account of the sandbox', () => {
  let sandbox: Sandbox;
  let enforcer: SandboxEnforcer;
  const statusOf = (username: string) =>
    sandbox.emulator
      .listConnections()
      .filter((connection) => connection.username === username)
      .map((connection) => connection.status);
  const putRows = async (...rows: Record<string, unknown>[]) => {
    for (const item of await scanAll(enforcer.clients, sandbox.tables.policies))
      await enforcer.clients.documents.send(
        new DeleteCommand({ TableName: sandbox.tables.policies, Key: { policyId: item.policyId } }),
      );
    for (const row of rows)
      await enforcer.clients.documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: row }));
  };
  const revokeMallory = (policyId: string, accounts: string[]) => ({
    policyId,
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    accounts,
    reason: 'left the company',
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: DEMO, clock: { start: '2026-11-26T17:30:00Z', frozen: true } });
    enforcer = sandboxEnforcer(sandbox, { [EnvVar.ACCOUNT_ID]: sandbox.accountId });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('ends nothing for a row that names another account: no decision, no finding', async () => {
    // Arrange
    await putRows(revokeMallory('elsewhere', [OTHER_ACCOUNT]));

    // Act
    const report = await enforcer.tick();

    // Assert
    expect(statusOf('mallory').every((status) => status === 'active')).toBe(true);
    expect(report.records.filter((record) => record.policyId === 'elsewhere')).toEqual([]);
    expect(report.findings).toEqual([]);
  });

  it('ends the sessions a row naming this account selects, each record carrying the account and Region', async () => {
    // Arrange
    await putRows(revokeMallory('here', [sandbox.accountId]), revokeMallory('elsewhere', [OTHER_ACCOUNT]));
    sandbox.clock.advance('5m');

    // Act
    const report = await enforcer.tick();

    // Assert
    expect(statusOf('mallory').length).toBeGreaterThan(0);
    expect(statusOf('mallory').filter((status) => status === 'active')).toEqual([]);
    expect(report.counts.terminated).toBe(statusOf('mallory').length);
    const decisions = (await decisionItems(sandbox, enforcer.clients)).filter((item) => item.runId === report.runId);
    expect(decisions.map((item) => item.policyId)).toEqual(decisions.map(() => 'here'));
    for (const item of decisions) expect(item).toMatchObject({ accountId: sandbox.accountId, region: sandbox.region });
    const summary = (await scanAll(enforcer.clients, sandbox.tables.audit)).find(
      (item) => item.runId === report.runId && item.recordType === 'summary',
    );
    expect(summary).toMatchObject({ accountId: sandbox.accountId, region: sandbox.region });
  });
});
