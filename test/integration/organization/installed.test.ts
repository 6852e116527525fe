import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoSpokeDirectory } from '../../../lambda/adapters/DynamoSpokeDirectory.js';
import { createAwsClients } from '../../../lambda/clients.js';
import { type InstalledOrganization, installOrganization } from '../../../cli/sandbox/organization.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const SCENARIO = new URL('../../../examples/organization.json', import.meta.url).pathname;
const PROD_US = { accountId: '222222222222', region: 'us-east-1' } as const;
const PROD_EU = { accountId: '222222222222', region: 'eu-west-1' } as const;
const DEV_US = { accountId: '333333333333', region: 'us-east-1' } as const;

function activeUsers(sandbox: Sandbox, placement: { accountId: string; region: string }): string[] {
  return sandbox
    .emulatorAt(placement)
    .listConnections()
    .filter((connection) => connection.status === 'active')
    .map((connection) => connection.username ?? '')
    .sort();
}

describe('an organization on the sandbox (installOrganization)', () => {
  let sandbox: Sandbox;
  let organization: InstalledOrganization;

  beforeEach(async () => {
    sandbox = await startSandbox({ scenario: SCENARIO, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
    organization = await installOrganization(sandbox, { schedule: false, watch: false });
  });

  afterEach(async () => {
    await organization.stop();
    await sandbox.stop();
  });

  it('installs a spoke in every account and Region with endpoints, the hub in the default one', () => {
    // Assert
    expect(organization.hub).toMatchObject({ accountId: '111111111111', region: 'us-east-1' });
    expect(organization.spokes.map((spoke) => spoke.placement)).toEqual([PROD_EU, PROD_US, DEV_US]);
    expect(organization.spokes.every((spoke) => spoke.attachedEndpoints.length === 1)).toBe(true);
  });

  it('each spoke ends what the hub rows select there, and writes its placed records and heartbeat to the hub', async () => {
    // Act
    const answers = await Promise.all(organization.spokes.map((spoke) => organization.invokeSpoke(spoke.placement)));

    // Assert: mallory is revoked everywhere; the lockdown names an account that is no spoke and ends nothing.
    expect(answers.map((answer) => answer.status)).toEqual(['completed', 'completed', 'completed']);
    expect(answers.map((answer) => answer.runId)).toEqual([
      '222222222222.eu-west-1/run-2026-11-26T10:00:00Z',
      '222222222222.us-east-1/run-2026-11-26T10:00:00Z',
      '333333333333.us-east-1/run-2026-11-26T10:00:00Z',
    ]);
    expect(answers.map((answer) => answer.counts)).toEqual([{ terminated: 1 }, { terminated: 1 }, {}]);
    expect(activeUsers(sandbox, PROD_US)).toEqual(['alice']);
    expect(activeUsers(sandbox, PROD_EU)).toEqual(['bob', 'erin']);
    expect(activeUsers(sandbox, DEV_US)).toEqual(['carol', 'dave']);
    const clients = createAwsClients(sandbox.clientConfig());
    try {
      const directory = new DynamoSpokeDirectory(clients.documents, sandbox.tables.audit, 30);
      const spokes = await directory.list();
      expect(spokes.map(({ accountId, region, status }) => ({ accountId, region, status }))).toEqual([
        { ...PROD_EU, status: 'completed' },
        { ...PROD_US, status: 'completed' },
        { ...DEV_US, status: 'completed' },
      ]);
    } finally {
      clients.dynamodb.destroy();
    }
  });

  it('a row written in the hub reaches the spokes it selects within seconds, through the relay', async () => {
    // Arrange
    await Promise.all(organization.spokes.map((spoke) => organization.invokeSpoke(spoke.placement)));
    const clients = createAwsClients(sandbox.clientConfig());

    // Act: alice leaves; only production is named.
    try {
      await clients.documents.send(
        new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
          TableName: sandbox.tables.policies,
          Item: {
            policyId: 'revoke-alice',
            kind: 'revoked-user',
            mode: 'enforce',
            endpoints: ['*'],
            usernames: ['alice', 'dave'],
            accounts: ['222222222222'],
            reason: 'left (HR-1)',
          },
        }),
      );
    } finally {
      clients.dynamodb.destroy();
    }
    sandbox.clock.advance('5s');
    await sandbox.lambda.settled();
    sandbox.clock.advance('10s');
    await sandbox.lambda.settled();

    // Assert: alice is gone from production; dave, in the development account, is not selected.
    expect(activeUsers(sandbox, PROD_US)).toEqual([]);
    expect(activeUsers(sandbox, DEV_US)).toEqual(['carol', 'dave']);
  });
});
