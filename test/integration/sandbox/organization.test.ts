import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeClientVpnEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type Sandbox, SandboxScenarioError, parseScenario, startSandbox } from '../../../local/index.js';
import type { SandboxClientConfig, SandboxIdentity } from '../../../local/sandbox.js';
import { T0, raw } from './helpers.js';

const SCENARIO = 'examples/organization.json';
const HUB = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const OPERATOR = 'CvpnGuard-operator-us-east-1';

/** What an SDK call rejected with: its error name, HTTP status and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('the call succeeded; a refusal was expected');
}

describe('the sandbox across accounts and Regions', () => {
  let sandbox: Sandbox;
  const clients: { destroy(): void }[] = [];
  const config = (identity: SandboxIdentity | SandboxClientConfig): SandboxClientConfig =>
    'endpoint' in identity ? identity : sandbox.clientConfig(identity);
  const ec2 = (identity: SandboxIdentity | SandboxClientConfig) =>
    track(new EC2Client({ ...config(identity), maxAttempts: 1 }));
  const sts = (identity: SandboxIdentity | SandboxClientConfig) =>
    track(new STSClient({ ...config(identity), maxAttempts: 1 }));
  const lambda = (identity: SandboxIdentity) => track(new LambdaClient({ ...config(identity), maxAttempts: 1 }));
  const sns = (identity: SandboxIdentity) => track(new SNSClient({ ...config(identity), maxAttempts: 1 }));
  function track<T extends { destroy(): void }>(client: T): T {
    clients.push(client);
    return client;
  }
  const endpointIds = async (identity: SandboxIdentity | SandboxClientConfig) =>
    ((await ec2(identity).send(new DescribeClientVpnEndpointsCommand({}))).ClientVpnEndpoints ?? []).map(
      (endpoint) => endpoint.ClientVpnEndpointId,
    );

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: SCENARIO, clock: { start: T0, frozen: true } });
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await sandbox.stop();
  });

  describe('accounts, Regions and EC2', () => {
    it('takes its default account and Region from the hub, and lists every declared placement', () => {
      expect({ accountId: sandbox.accountId, region: sandbox.region }).toEqual({ accountId: HUB, region: 'us-east-1' });
      expect(sandbox.placements()).toEqual([
        { accountId: HUB, region: 'us-east-1' },
        { accountId: PROD, region: 'us-east-1' },
        { accountId: PROD, region: 'eu-west-1' },
        { accountId: DEV, region: 'us-east-1' },
      ]);
    });

    it('shows each account in each Region only its own endpoints', async () => {
      expect(await endpointIds({ accountId: PROD, region: 'us-east-1' })).toEqual(['cvpn-endpoint-0a11ce0000000001']);
      expect(await endpointIds({ accountId: PROD, region: 'eu-west-1' })).toEqual(['cvpn-endpoint-0e0e0e0000000001']);
      expect(await endpointIds({ accountId: DEV, region: 'us-east-1' })).toEqual(['cvpn-endpoint-0dede00000000001']);
      expect(await endpointIds({})).toEqual([]);
      expect(await endpointIds({ accountId: DEV, region: 'eu-west-1' })).toEqual([]);
      expect(sandbox.emulatorAt({ accountId: PROD, region: 'eu-west-1' }).listConnections()).toHaveLength(3);
    });

    it('throttles each account and Region with its own buckets', async () => {
      const prod = sandbox.emulatorAt({ accountId: PROD, region: 'us-east-1' });
      prod.configureThrottling({ describe: { burst: 1, refillPerSecond: 0.001 } });
      sandbox.emulatorAt({ accountId: DEV, region: 'us-east-1' }).configureThrottling({
        describe: { burst: 1, refillPerSecond: 0.001 },
      });

      await endpointIds({ accountId: PROD, region: 'us-east-1' });
      const throttled = await failure(endpointIds({ accountId: PROD, region: 'us-east-1' }));

      expect(throttled.name).toBe('RequestLimitExceeded');
      expect(await endpointIds({ accountId: DEV, region: 'us-east-1' })).toEqual(['cvpn-endpoint-0dede00000000001']);
    });

    it("restores every account's endpoints and connections, and every Region up, on reset", async () => {
      const euProd = sandbox.emulatorAt({ accountId: PROD, region: 'eu-west-1' });
      const [first] = euProd.listConnections();
      euProd.disconnect(first?.connectionId ?? '');
      sandbox.setRegionDown('eu-west-1', true);

      await sandbox.reset();

      expect(sandbox.accounts.regionsDown()).toEqual([]);
      expect(euProd.listConnections().map((connection) => connection.status)).toEqual(['active', 'active', 'active']);
    });

    it('answers a Region no account has with an error naming it and the scenario Regions', async () => {
      const refused = await failure(endpointIds({ accountId: PROD, region: 'ap-south-1' }));

      expect(refused.name).toBe('SandboxUnknownRegion');
      expect(refused.message).toContain("'ap-south-1'");
      expect(refused.message).toContain('us-east-1, eu-west-1');
    });

    it('drops every request to a Region that is down, and answers again once it is up', async () => {
      sandbox.setRegionDown('eu-west-1', true);

      const down = await failure(endpointIds({ accountId: PROD, region: 'eu-west-1' }));
      const elsewhere = await endpointIds({ accountId: PROD, region: 'us-east-1' });
      sandbox.setRegionDown('eu-west-1', false);

      expect(down.status).toBeUndefined();
      expect(down.message).toMatch(/socket|ECONNRESET|closed/i);
      expect(elsewhere).toEqual(['cvpn-endpoint-0a11ce0000000001']);
      expect(await endpointIds({ accountId: PROD, region: 'eu-west-1' })).toEqual(['cvpn-endpoint-0e0e0e0000000001']);
    });
  });

  describe('STS', () => {
    it("answers GetCallerIdentity with the caller's account and principal", async () => {
      sandbox.createRole(PROD, 'cvpn-guard-enforcer-us-east-1');

      const hub = await sts({}).send(new GetCallerIdentityCommand({}));
      const dev = await sts({ accountId: DEV }).send(new GetCallerIdentityCommand({}));
      const enforcer = await sts({ accountId: PROD, roleName: 'cvpn-guard-enforcer-us-east-1' }).send(
        new GetCallerIdentityCommand({}),
      );

      expect([hub.Account, hub.Arn]).toEqual([HUB, `arn:aws:iam::${HUB}:user/sandbox`]);
      expect([dev.Account, dev.Arn]).toEqual([DEV, `arn:aws:iam::${DEV}:user/sandbox`]);
      expect([enforcer.Account, enforcer.Arn]).toEqual([
        PROD,
        `arn:aws:sts::${PROD}:assumed-role/cvpn-guard-enforcer-us-east-1/sandbox`,
      ]);
      expect(enforcer.UserId).toMatch(/^AROA[0-9A-F]+:sandbox$/);
    });

    it('assumes a role that trusts the caller, and its credentials act in the role account', async () => {
      const assumed = await sts({}).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD}:role/${OPERATOR}`, RoleSessionName: 'operator' }),
      );
      const credentials = {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      };
      const session = { endpoint: sandbox.endpoint, region: 'us-east-1', credentials };

      const identity = await sts(session).send(new GetCallerIdentityCommand({}));

      expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/${OPERATOR}/operator`);
      expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(assumed.Credentials?.Expiration?.toISOString()).toBe('2026-11-26T11:00:00.000Z');
      expect(identity.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/${OPERATOR}/operator`);
      expect(await endpointIds(session)).toEqual(['cvpn-endpoint-0a11ce0000000001']);
    });

    it('refuses a role that does not exist, or does not trust the caller, with AccessDenied', async () => {
      const missing = await failure(
        sts({}).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD}:role/nope`, RoleSessionName: 'x1' })),
      );
      const untrusted = await failure(
        sts({ accountId: DEV }).send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PROD}:role/${OPERATOR}`, RoleSessionName: 'x1' }),
        ),
      );

      expect(missing).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:iam::${HUB}:user/sandbox is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD}:role/nope`,
      });
      expect(untrusted).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(untrusted.message).toContain(`User: arn:aws:iam::${DEV}:user/sandbox`);
    });

    it("refuses a deleted role's credentials in every service, even once a role of that name exists again", async () => {
      sandbox.createRole(PROD, 'short-lived', { trustedAccounts: [HUB] });
      const keys = sandbox.credentialsFor(PROD, 'short-lived');
      const session = { endpoint: sandbox.endpoint, region: 'us-east-1', credentials: keys };
      expect((await sts(session).send(new GetCallerIdentityCommand({}))).Account).toBe(PROD);

      sandbox.deleteRole(PROD, 'short-lived');
      sandbox.createRole(PROD, 'short-lived', { trustedAccounts: [HUB] });
      const stsRefusal = await failure(sts(session).send(new GetCallerIdentityCommand({})));
      const ec2Refusal = await failure(endpointIds(session));

      expect(stsRefusal).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
      expect(ec2Refusal).toMatchObject({ name: 'AuthFailure', status: 401 });
      expect(sandbox.credentialsFor(PROD, 'short-lived').accessKeyId).not.toBe(keys.accessKeyId);
    });

    it("reads a presigned URL's X-Amz-Credential for the caller and the Region", async () => {
      const credential = `AKIA${DEV}SBXU/20261126/us-east-1/sts/aws4_request`;
      const query = new URLSearchParams({
        Action: 'GetCallerIdentity',
        Version: '2011-06-15',
        'X-Amz-Credential': credential,
      });

      const answer = await raw(sandbox, { method: 'GET', path: `/?${query.toString()}` });

      expect(answer.status).toBe(200);
      expect(answer.body).toContain(`<Account>${DEV}</Account>`);
    });

    it('keeps unknown access keys working as the default account', async () => {
      const session = {
        endpoint: sandbox.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' },
      };

      expect((await sts(session).send(new GetCallerIdentityCommand({}))).Account).toBe(HUB);
    });
  });

  describe('Lambda', () => {
    const RELAY_ROLE = 'cvpn-guard-relay-us-east-1';
    const ENFORCER = 'cvpn-guard-enforcer';
    let events: { placement: string; event: unknown }[];

    beforeEach(() => {
      events = [];
      sandbox.createRole(HUB, RELAY_ROLE);
      for (const placement of sandbox.placements().slice(1)) {
        sandbox.lambda.register(
          ENFORCER,
          (event: unknown) => {
            events.push({ placement: `${placement.accountId}/${placement.region}`, event });
            return { ran: placement };
          },
          { placement, invokers: { principals: [`arn:aws:iam::${HUB}:role/cvpn-guard-relay-*`] } },
        );
      }
    });

    it('names each function with the ARN of its account and Region, and resolves a name in the caller one', async () => {
      const answer = await lambda({ accountId: PROD, region: 'eu-west-1' }).send(
        new InvokeCommand({ FunctionName: ENFORCER, Payload: Buffer.from('{}') }),
      );

      expect(JSON.parse(Buffer.from(answer.Payload ?? []).toString())).toEqual({
        ran: { accountId: PROD, region: 'eu-west-1' },
      });
      expect(sandbox.lambda.get(`arn:aws:lambda:eu-west-1:${PROD}:function:${ENFORCER}`).placement).toEqual({
        accountId: PROD,
        region: 'eu-west-1',
      });
      const hubByName = await failure(
        lambda({}).send(new InvokeCommand({ FunctionName: ENFORCER, Payload: Buffer.from('{}') })),
      );
      expect(hubByName).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    });

    it('lets the principals a function allows invoke it across accounts, asynchronously too', async () => {
      const relay = lambda({ accountId: HUB, region: 'eu-west-1', roleName: RELAY_ROLE });

      const queued = await relay.send(
        new InvokeCommand({
          FunctionName: `arn:aws:lambda:eu-west-1:${PROD}:function:${ENFORCER}`,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ change: { runId: 'change-0123456789abcdef' } })),
        }),
      );
      await sandbox.lambda.settled();

      expect(queued.StatusCode).toBe(202);
      expect(events).toEqual([
        { placement: `${PROD}/eu-west-1`, event: { change: { runId: 'change-0123456789abcdef' } } },
      ]);
    });

    it("refuses another account's Invoke the function does not allow with AccessDeniedException", async () => {
      const arn = `arn:aws:lambda:us-east-1:${PROD}:function:${ENFORCER}`;

      const fromDev = await failure(
        lambda({ accountId: DEV }).send(new InvokeCommand({ FunctionName: arn, Payload: Buffer.from('{}') })),
      );
      const missing = await failure(
        lambda({ accountId: DEV }).send(
          new InvokeCommand({
            FunctionName: `arn:aws:lambda:us-east-1:${PROD}:function:nope`,
            Payload: Buffer.from('{}'),
          }),
        ),
      );

      expect(fromDev).toEqual({
        name: 'AccessDeniedException',
        status: 403,
        message:
          `User: arn:aws:iam::${DEV}:user/sandbox is not authorized to perform: lambda:InvokeFunction on resource: ` +
          `${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
      });
      expect(missing).toMatchObject({ name: 'AccessDeniedException', status: 403 });
      expect(events).toEqual([]);
    });
  });

  describe('SNS', () => {
    it('lets every account of the organization publish to the hub digest topic, signed for the hub Region', async () => {
      await sns({ accountId: DEV, region: 'us-east-1' }).send(
        new PublishCommand({ TopicArn: sandbox.topicArn, Message: 'spoke digest' }),
      );

      expect(sandbox.topicArn).toBe(`arn:aws:sns:us-east-1:${HUB}:cvpn-guard-digest`);
      expect(sandbox.sns.messages.map((message) => message.message)).toEqual(['spoke digest']);
    });

    it('refuses a topic of another account without a policy for the caller, and a topic of another Region', async () => {
      const privateTopic = sandbox.sns.createTopic('hub-private');
      const euTopic = sandbox.sns.createTopic('eu-alerts', {
        placement: { accountId: PROD, region: 'eu-west-1' },
        publishers: { accounts: [HUB] },
      });

      const denied = await failure(
        sns({ accountId: DEV }).send(new PublishCommand({ TopicArn: privateTopic, Message: 'x' })),
      );
      const otherRegion = await failure(sns({}).send(new PublishCommand({ TopicArn: euTopic, Message: 'x' })));
      await sns({ region: 'eu-west-1' }).send(new PublishCommand({ TopicArn: euTopic, Message: 'allowed' }));

      // The SDK names SNS's AuthorizationError code by its modelled exception.
      expect(denied).toEqual({
        name: 'AuthorizationErrorException',
        status: 403,
        message:
          `User: arn:aws:iam::${DEV}:user/sandbox is not authorized to perform: SNS:Publish on resource: ` +
          `${privateTopic} because no resource-based policy allows the SNS:Publish action`,
      });
      expect(otherRegion).toMatchObject({ name: 'InvalidParameterException', status: 400 });
      expect(sandbox.sns.messages.map((message) => message.message)).toEqual(['allowed']);
    });
  });

  describe('DynamoDB', () => {
    it("keeps the product's tables of the hub in the hub's account, reachable by their ARN there", async () => {
      await sandbox.putItems('policies', [{ policyId: 'p-hub' }]);
      const client = track(new DynamoDBClient({ ...config({}), maxAttempts: 1 }));

      const byArn = await client.send(
        new GetItemCommand({
          TableName: `arn:aws:dynamodb:us-east-1:${HUB}:table/${sandbox.tables.policies}`,
          Key: { policyId: { S: 'p-hub' } },
        }),
      );

      expect(sandbox.accountId).toBe(HUB);
      expect(byArn.Item).toEqual({ policyId: { S: 'p-hub' } });
    });
  });
});

describe('an organization in a scenario', () => {
  const organization = (accounts: unknown[], hub = { account: HUB, region: 'us-east-1' }) => ({
    organization: { id: 'o-a1b2c3d4e5', hub, accounts },
  });
  const issuesOf = (document: unknown) => {
    try {
      parseScenario(document, '(test)');
    } catch (error) {
      if (error instanceof SandboxScenarioError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      throw error;
    }
    throw new Error('the scenario was accepted');
  };

  it('names a hub that is not one of the accounts, or not one of its Regions', () => {
    expect(issuesOf(organization([{ id: PROD, regions: [{ region: 'us-east-1' }] }]))).toEqual([
      `organization.hub.account: no account of the organization has this id; accounts: ${PROD}`,
    ]);
    expect(issuesOf(organization([{ id: HUB, regions: [{ region: 'eu-west-1' }] }]))).toEqual([
      `organization.hub.region: account ${HUB} has no such Region; its Regions: eu-west-1`,
    ]);
  });

  it("names a connection to another placement's endpoint, a repeated account, and top-level endpoints", () => {
    const issues = issuesOf({
      endpoints: [{ id: 'cvpn-endpoint-0a0a0a0a0a0a0a0a1' }],
      ...organization([
        {
          id: HUB,
          regions: [
            { region: 'us-east-1', endpoints: [{ id: 'cvpn-endpoint-0a11ce0000000001' }] },
            {
              region: 'eu-west-1',
              connections: [{ endpoint: 'cvpn-endpoint-0a11ce0000000001', username: 'alice' }],
            },
          ],
        },
        { id: HUB, regions: [{ region: 'us-east-1' }] },
      ]),
    });

    expect(issues).toEqual([
      'organization.accounts[0].regions[1].connections[0].endpoint: no endpoint of 111111111111 in eu-west-1 has this id; its endpoints: (none)',
      'organization.accounts[1].id: two accounts have this id',
      expect.stringMatching(
        /^endpoints: a scenario with an organization keeps its Regions, endpoints and connections under/,
      ),
    ]);
  });

  it('refuses an account id that is not 12 digits and an organization id without "o-"', () => {
    const issues = issuesOf({
      organization: { id: 'org-1', hub: { account: '12345', region: 'us-east-1' }, accounts: [] },
    });

    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^organization\.id: expected an organization id/),
        expect.stringMatching(/^organization\.hub\.account: expected a 12-digit AWS account id/),
        'organization.accounts: an organization needs at least one account',
      ]),
    );
  });

  it('without an organization, keeps one account that answers whatever Region a request is signed for', async () => {
    const single = await startSandbox({
      scenario: { endpoints: [{ id: 'cvpn-endpoint-0a0a0a0a0a0a0a0a1' }] },
      clock: { start: T0, frozen: true },
    });
    try {
      const client = new EC2Client({ ...single.clientConfig({ region: 'eu-west-1' }), maxAttempts: 1 });
      const described = await client.send(new DescribeClientVpnEndpointsCommand({}));
      client.destroy();

      expect(described.ClientVpnEndpoints?.map((endpoint) => endpoint.ClientVpnEndpointId)).toEqual([
        'cvpn-endpoint-0a0a0a0a0a0a0a0a1',
      ]);
      expect(() => single.emulatorAt({ accountId: HUB, region: 'us-east-1' })).toThrow(/no Client VPN emulator/);
    } finally {
      await single.stop();
    }
  });
});
