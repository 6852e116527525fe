import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GetItemCommand, PutResourcePolicyCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients } from '../../../lambda/clients.js';
import { defaultValue, Setting, SpokeRole, spokeRoleName } from '../../../lambda/settings/index.js';
import { auditTablePolicy } from '../../../lib/hub-access.js';
import {
  type InstalledOrganization,
  installOrganization,
  type SpokeAnswer,
} from '../../../cli/sandbox/organization.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const SCENARIO = new URL('../../../examples/organization.json', import.meta.url).pathname;
const STACK = defaultValue(Setting.STACK_NAME);
const PROD_US = { accountId: '222222222222', region: 'us-east-1' } as const;
const PROD_EU = { accountId: '222222222222', region: 'eu-west-1' } as const;
const DEV_US = { accountId: '333333333333', region: 'us-east-1' } as const;
type Where = { readonly accountId: string; readonly region: string };

/** Longer than the hub watch's stale time (three schedule periods and a run's timeout). */
const PAST_STALE = '30m';

function activeUsers(sandbox: Sandbox, placement: Where): string[] {
  return sandbox
    .emulatorAt(placement)
    .listConnections()
    .filter((connection) => connection.status === 'active')
    .map((connection) => connection.username ?? '')
    .sort();
}

function everyActive(sandbox: Sandbox): Record<string, string[]> {
  return Object.fromEntries(
    [PROD_EU, PROD_US, DEV_US].map((where) => [`${where.accountId}/${where.region}`, activeUsers(sandbox, where)]),
  );
}

/** A spoke's answer, or the error its invocation ended with, as text. */
async function outcomeOf(organization: InstalledOrganization, where: Where): Promise<SpokeAnswer | string> {
  try {
    return await organization.invokeSpoke(where);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function statusOf(outcome: SpokeAnswer | string | undefined): string {
  return typeof outcome === 'object' ? outcome.status : `error: ${outcome ?? 'no answer'}`;
}

/** The hub digests the relay published, newest last. */
function relayDigests(sandbox: Sandbox): string[] {
  return sandbox.sns.messages
    .filter((message) => message.subject?.startsWith('cvpn-guard relay') === true)
    .map((message) => message.message);
}

describe('an organization on the sandbox, under bad input and faults', () => {
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

  async function putHubRow(row: Record<string, unknown>): Promise<void> {
    const clients = createAwsClients(sandbox.clientConfig());
    try {
      await clients.documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: row }));
    } finally {
      clients.dynamodb.destroy();
    }
    sandbox.clock.advance('5s');
    await sandbox.lambda.settled();
    sandbox.clock.advance('10s');
    await sandbox.lambda.settled();
  }

  async function runEverySpoke(): Promise<(SpokeAnswer | string)[]> {
    return Promise.all(organization.spokes.map((spoke) => outcomeOf(organization, spoke.placement)));
  }

  it('Fault 1: a row naming an account or a Region that is no spoke ends nothing, and the watch and the relay name it', async () => {
    // Arrange
    await runEverySpoke();
    const before = everyActive(sandbox);

    // Act: two rows that would end everyone, each naming a placement where no spoke runs.
    await putHubRow({
      policyId: 'revoke-ghost-account',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['alice', 'bob', 'carol', 'dave', 'erin'],
      accounts: ['999999999999'],
      reason: 'mistyped account (HR-1)',
    });
    await putHubRow({
      policyId: 'revoke-ghost-region',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['alice', 'bob', 'carol', 'dave', 'erin'],
      regions: ['ap-south-1'],
      reason: 'no spoke there (HR-2)',
    });
    await runEverySpoke();
    const report = await organization.watch();

    // Assert: nothing ended anywhere; the relay's digests and the watch name both rows.
    expect(everyActive(sandbox)).toEqual(before);
    const digests = relayDigests(sandbox).join('\n');
    expect(digests).toContain('row revoke-ghost-account names account 999999999999 which is not a spoke');
    expect(digests).toContain('row revoke-ghost-region names Region ap-south-1 where no spoke runs');
    expect(report.unplaced).toEqual(
      expect.arrayContaining([
        {
          policyId: 'lockdown-old-account',
          why: 'row lockdown-old-account names account 999999999999 which is not a spoke',
        },
        {
          policyId: 'revoke-ghost-account',
          why: 'row revoke-ghost-account names account 999999999999 which is not a spoke',
        },
        { policyId: 'revoke-ghost-region', why: 'row revoke-ghost-region names Region ap-south-1 where no spoke runs' },
      ]),
    );
    expect(report.unreachable).toEqual([]);
  });

  it('Fault 2: a spoke whose enforcer role was deleted ends nothing, the others are unchanged, the watch names it', async () => {
    // Arrange: a first round, then the role of production in Europe is deleted.
    await runEverySpoke();
    expect(sandbox.deleteRole(PROD_EU.accountId, spokeRoleName(STACK, SpokeRole.ENFORCER, PROD_EU.region))).toBe(true);
    const euBefore = activeUsers(sandbox, PROD_EU);

    // Act
    sandbox.clock.advance(PAST_STALE);
    const [eu, us, dev] = await runEverySpoke();
    const report = await organization.watch();

    // Assert: the Europe run cannot reach anything and ends nobody; the others complete as before.
    expect(statusOf(eu)).toMatch(/AccessDenied|not authorized|InvalidClientTokenId|UnrecognizedClient|failed/);
    expect(activeUsers(sandbox, PROD_EU)).toEqual(euBefore);
    expect([us, dev].map(statusOf)).toEqual(['completed', 'completed']);
    expect(activeUsers(sandbox, PROD_US)).toEqual(['alice']);
    expect(activeUsers(sandbox, DEV_US)).toEqual(['carol', 'dave']);
    expect(report.unreachable).toEqual([
      expect.objectContaining({ ...PROD_EU, why: expect.stringMatching(/^no heartbeat since 2026-11-26T10:00:00/) }),
    ]);
    expect(report.reporting).toBe(2);
  });
  it('Fault 2, relayed: a change still reaches the spoke whose role was deleted, and its run there ends nothing', async () => {
    // Arrange
    await runEverySpoke();
    sandbox.deleteRole(PROD_EU.accountId, spokeRoleName(STACK, SpokeRole.ENFORCER, PROD_EU.region));
    const euBefore = activeUsers(sandbox, PROD_EU);

    // Act: erin is revoked everywhere.
    await putHubRow({
      policyId: 'revoke-erin',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['erin', 'dave'],
      reason: 'left (HR-3)',
    });

    // Assert: the function itself can still be invoked (Lambda takes the event); its run fails and ends nobody,
    // the development spoke ends dave; no relay failure is reported, as Lambda reported none.
    const changeRuns = sandbox.lambda
      .asyncInvocations()
      .filter((invocation) => invocation.payload.includes('"change"'))
      .map((invocation) => ({ status: invocation.status }));
    // Lambda names the function without its placement: which run failed shows in what each spoke ended; Lambda
    // retries the failed event later, on the simulated clock.
    expect(changeRuns.map((run) => run.status).sort()).toEqual(['succeeded', 'succeeded', 'waiting-retry']);
    expect(activeUsers(sandbox, PROD_EU)).toEqual(euBefore);
    expect(activeUsers(sandbox, DEV_US)).toEqual(['carol']);
    expect(relayDigests(sandbox)).toEqual([]);
  });

  it('Fault 3: a hub audit table that denies one spoke refuses its run with AccessDeniedException; it ends nothing', async () => {
    // Arrange: the hub's audit table policy gains a deny of production's enforcer role in us-east-1.
    const hubArn = organization.hub.auditTableArn;
    const document = auditTablePolicy({ organizationId: 'o-a1b2c3d4e5', stackName: STACK }, hubArn).toJSON() as {
      Statement: unknown[];
    };
    document.Statement.push({
      Sid: 'DenyProductionNorthAmerica',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'dynamodb:*',
      Resource: [hubArn, `${hubArn}/index/*`],
      Condition: {
        ArnLike: {
          'aws:PrincipalArn': `arn:aws:iam::${PROD_US.accountId}:role/${spokeRoleName(STACK, SpokeRole.ENFORCER, PROD_US.region)}`,
        },
      },
    });
    const clients = createAwsClients(sandbox.clientConfig());
    try {
      await clients.dynamodb.send(
        new PutResourcePolicyCommand({ ResourceArn: hubArn, Policy: JSON.stringify(document) }),
      );
    } finally {
      clients.dynamodb.destroy();
    }

    // Act
    const [eu, us, dev] = await runEverySpoke();

    // Assert: mallory stays in North America, no record of that spoke exists; the others end what they did before.
    expect(statusOf(us)).toContain('AccessDeniedException');
    expect(activeUsers(sandbox, PROD_US)).toEqual(['alice', 'mallory']);
    expect([eu, dev].map(statusOf)).toEqual(['completed', 'completed']);
    // Europe ended mallory and completed its intent in the hub (the completion's UpdateItem is admitted).
    expect(eu).toMatchObject({ terminateCalls: 1, auditFailures: 0 });
    expect(activeUsers(sandbox, PROD_EU)).toEqual(['bob', 'erin']);
    expect(activeUsers(sandbox, DEV_US)).toEqual(['carol', 'dave']);
    const hub = createAwsClients(sandbox.clientConfig());
    try {
      const items = (await hub.dynamodb.send(new ScanCommand({ TableName: sandbox.tables.audit }))).Items ?? [];
      const keys = items.map((item) => item['pk']?.S ?? '');
      expect(keys.filter((key) => key.includes(`${PROD_US.accountId}.${PROD_US.region}`))).toEqual([]);
      expect(keys.filter((key) => key.includes(`${PROD_EU.accountId}.${PROD_EU.region}`)).length).toBeGreaterThan(0);
    } finally {
      hub.dynamodb.destroy();
    }
  });

  it('Fault 4: a Region down: its spoke is named by the hub watch after the stale time, the others are unaffected', async () => {
    // Arrange
    await runEverySpoke();
    sandbox.setRegionDown(PROD_EU.region, true);

    // Act
    sandbox.clock.advance(PAST_STALE);
    const [eu, us, dev] = await runEverySpoke();
    const report = await organization.watch();

    // Assert
    expect(statusOf(eu)).not.toBe('completed');
    expect([us, dev].map(statusOf)).toEqual(['completed', 'completed']);
    expect(report.unreachable).toEqual([
      expect.objectContaining({ ...PROD_EU, why: expect.stringMatching(/^no heartbeat since 2026-11-26T10:00:00/) }),
    ]);
    expect(report.reporting).toBe(2);
    const digest = sandbox.sns.messages.filter((message) => message.subject?.startsWith('cvpn-guard hub watch'));
    expect(digest.at(-1)?.message).toContain(`${PROD_EU.accountId}/${PROD_EU.region}: no heartbeat since`);
  });

  it('Isolation: a spoke reads no other spoke state table and writes no record keyed for another account', async () => {
    // Arrange: production's enforcer in us-east-1, with its own credentials.
    const own = createAwsClients(
      sandbox.clientConfig({ ...PROD_US, roleName: spokeRoleName(STACK, SpokeRole.ENFORCER, PROD_US.region) }),
      { hubRegion: organization.hub.region },
    );
    const otherState = `arn:aws:dynamodb:${DEV_US.region}:${DEV_US.accountId}:table/${sandbox.tables.state}`;
    try {
      // Act / Assert: another spoke's state table, by ARN.
      await expect(
        own.dynamodb.send(
          new GetItemCommand({ TableName: otherState, Key: { pk: { S: 'LEASE' }, sk: { S: 'enforcement' } } }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(own.dynamodb.send(new ScanCommand({ TableName: otherState }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
      // A record keyed for the development account in the hub's audit table; its own key is taken.
      const put = (accountId: string) =>
        own.hub.documents.send(
          new PutCommand({
            TableName: organization.hub.auditTableArn,
            Item: { pk: `RUN#${accountId}.us-east-1/run-forged`, sk: 'SUMMARY', at: '2026-11-26T10:00:00Z' },
          }),
        );
      await expect(put(DEV_US.accountId)).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(put(PROD_US.accountId)).resolves.toBeDefined();
    } finally {
      for (const client of new Set([...Object.values(own), ...Object.values(own.hub)] as { destroy?: () => void }[]))
        client.destroy?.();
    }
  });
});
