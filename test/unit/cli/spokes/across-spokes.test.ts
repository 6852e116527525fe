import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeClientVpnConnectionsCommand, DescribeClientVpnEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionCommand, InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { buildProgram } from '../../../../cli/program.js';
import { OPERATOR_SESSION_NAME } from '../../../../cli/spokes/spoke-session.js';
import { StackOutput } from '../../../../lib/outputs.js';

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const SPOKE_STACK = 'CvpnGuard';
const heartbeat = (accountId: string, region: string) => ({
  pk: `SPOKE#${accountId}.${region}`,
  sk: 'HEARTBEAT',
  timeKey: 'SPOKES',
  accountId,
  region,
  at: '2026-12-01T10:00:00.000Z',
  runId: `${accountId}.${region}/run-2026-12-01T10:00:00Z`,
  status: 'completed',
  functionArn: `arn:aws:lambda:${region}:${accountId}:function:${SPOKE_STACK}-enforcer`,
});
const roleArn = (accountId: string, region: string) =>
  `arn:aws:iam::${accountId}:role/${SPOKE_STACK}-operator-${region}`;
const summary = (accountId: string, region: string) => ({
  pk: `RUN#${accountId}.${region}/run-2026-12-01T10:00:00Z`,
  sk: 'SUMMARY',
  recordType: 'summary',
  runId: `${accountId}.${region}/run-2026-12-01T10:00:00Z`,
  at: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:02.000Z',
  durationMs: 2000,
  status: 'completed',
  dryRun: false,
  endpoints: 1,
  connectionsSeen: 3,
  counts: { terminated: 1 },
  invalidPolicies: 0,
  terminateCalls: 1,
  throttledCalls: 0,
  reconciled: 0,
  endpointErrors: [],
});

const cloudformation = mockClient(CloudFormationClient);
const documents = mockClient(DynamoDBDocumentClient);
const sts = mockClient(STSClient);
const lambda = mockClient(LambdaClient);
const ec2 = mockClient(EC2Client);
// No call of these tests may reach AWS: the tables' own checks answer nothing.
const dynamodb = mockClient(DynamoDBClient);
let stdout: string;
let stderr: string;

function hubOutputs(deployment = 'hub') {
  cloudformation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Hub',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [
          { OutputKey: StackOutput.DEPLOYMENT, OutputValue: deployment },
          { OutputKey: StackOutput.SPOKE_STACK_NAME, OutputValue: SPOKE_STACK },
          { OutputKey: StackOutput.AUDIT_TABLE_NAME, OutputValue: 'hub-audit' },
          { OutputKey: StackOutput.POLICIES_TABLE_NAME, OutputValue: 'hub-policies' },
        ],
      },
    ],
  });
}

async function cli(...args: string[]): Promise<number> {
  process.exitCode = 0;
  await buildProgram().parseAsync(['node', 'cvpn-guard', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return code;
}

beforeEach(() => {
  for (const mock of [cloudformation, documents, sts, lambda, ec2, dynamodb]) mock.reset();
  dynamodb.onAnyCommand().resolves({});
  process.env.AWS_REGION = 'us-east-1';
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((text) => ((stdout += String(text)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((text) => ((stderr += String(text)), true));
  hubOutputs();
  documents.on(QueryCommand).resolves({ Items: [summary(ACCOUNT_A, 'eu-west-1'), summary(ACCOUNT_B, 'eu-west-1')] });
  documents
    .on(QueryCommand, { ExpressionAttributeValues: { ':spokes': 'SPOKES' } })
    .resolves({ Items: [heartbeat(ACCOUNT_A, 'eu-west-1'), heartbeat(ACCOUNT_B, 'eu-west-1')] });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::999988887777:user/ops' });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date() },
  });
  lambda.on(InvokeCommand).resolves({
    // The SDK wraps the bytes in a blob adapter; the CLI reads only the bytes.
    Payload: new TextEncoder().encode(
      JSON.stringify({ runId: 'manual-2026-12-01T10:00:00.000Z', status: 'completed' }),
    ) as InvokeCommandOutput['Payload'],
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.AWS_REGION;
});

describe('run against a hub', () => {
  it("invokes each spoke's enforcer with its operator role, grouped per spoke", async () => {
    // Act
    const code = await cli('run', '--stack', 'Hub', '--region', 'all');

    // Assert
    expect(code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: roleArn(ACCOUNT_A, 'eu-west-1'), RoleSessionName: OPERATOR_SESSION_NAME },
      { RoleArn: roleArn(ACCOUNT_B, 'eu-west-1'), RoleSessionName: OPERATOR_SESSION_NAME },
    ]);
    expect(lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input.FunctionName)).toEqual([
      `${SPOKE_STACK}-enforcer`,
      `${SPOKE_STACK}-enforcer`,
    ]);
    expect(stdout).toContain(`== spoke ${ACCOUNT_A}/eu-west-1 ==\nRun manual-2026-12-01T10:00:00.000Z: completed`);
    expect(stdout).toContain(`== spoke ${ACCOUNT_B}/eu-west-1 ==`);
  });

  it('names the spoke whose role cannot be assumed, still runs the others, and exits 1', async () => {
    // Arrange
    sts
      .on(AssumeRoleCommand, { RoleArn: roleArn(ACCOUNT_B, 'eu-west-1') })
      .rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));

    // Act
    const code = await cli('run', '--stack', 'Hub', '--output', 'json');

    // Assert
    expect(code).toBe(1);
    const answer = JSON.parse(stdout) as { spokes: { accountId: string; status?: string; error?: string }[] };
    expect(answer.spokes[0]).toMatchObject({ accountId: ACCOUNT_A, status: 'completed' });
    expect(answer.spokes[1]!.accountId).toBe(ACCOUNT_B);
    expect(answer.spokes[1]!.error).toContain(
      `spoke ${ACCOUNT_B}/eu-west-1: cannot assume ${roleArn(ACCOUNT_B, 'eu-west-1')}`,
    );
    expect(stderr).toContain(`1 of 2 spokes failed: ${ACCOUNT_B}/eu-west-1`);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('refuses an account that is not a spoke, naming the spokes, before invoking anything', async () => {
    // Act
    const code = await cli('run', '--stack', 'Hub', '--account', '999999999999');

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain(
      `--account 999999999999: account 999999999999 has no spoke of this hub; the spokes are ${ACCOUNT_A}/eu-west-1, ${ACCOUNT_B}/eu-west-1`,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('a single deployment', () => {
  it('refuses --account: it selects spokes of a hub', async () => {
    // Arrange
    hubOutputs('single');

    // Act
    const code = await cli('run', '--stack', 'Hub', '--account', ACCOUNT_A);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain(
      'stack Hub is a single deployment (output Deployment single): --account select spokes of a hub',
    );
  });
});

describe('audit runs against a hub', () => {
  const window = ['--since', '2026-12-01T09:00:00Z', '--until', '2026-12-01T11:00:00Z'];

  it('shows the account and Region of each run in the table, in CSV and in JSON', async () => {
    // Act
    await cli('audit', 'runs', '--stack', 'Hub', ...window);
    const table = stdout;
    stdout = '';
    await cli('audit', 'runs', '--stack', 'Hub', ...window, '--output', 'csv');
    const csv = stdout;
    stdout = '';
    await cli('audit', 'runs', '--stack', 'Hub', ...window, '--output', 'json');

    // Assert
    expect(table.split('\n')[0]).toMatch(/^ACCOUNT +REGION +TIME +RUN /);
    expect(table).toMatch(new RegExp(`${ACCOUNT_B} +eu-west-1 +`));
    expect(csv.split('\n')[0]).toMatch(/^accountId,region,at,runId,/);
    expect(csv).toContain(`${ACCOUNT_A},eu-west-1,2026-12-01T10:00:00.000Z`);
    const runs = (JSON.parse(stdout) as { runs: { accountId: string; region: string }[] }).runs;
    expect(runs.map((run) => `${run.accountId}/${run.region}`)).toEqual([
      `${ACCOUNT_A}/eu-west-1`,
      `${ACCOUNT_B}/eu-west-1`,
    ]);
  });

  it('keeps only the runs of the spokes --account selects', async () => {
    // Act
    await cli('audit', 'runs', '--stack', 'Hub', ...window, '--account', ACCOUNT_B, '--output', 'json');

    // Assert
    const runs = (JSON.parse(stdout) as { runs: { accountId: string }[] }).runs;
    expect(runs.map((run) => run.accountId)).toEqual([ACCOUNT_B]);
  });

  it('reads only the selected accounts, through the byAccount index, and only the selected Regions', async () => {
    // Act
    await cli('audit', 'runs', '--stack', 'Hub', ...window, '--account', ACCOUNT_B, '--region', 'eu-west-1');
    await cli('audit', 'list', '--stack', 'Hub', ...window, '--account', ACCOUNT_B, '--output', 'json');

    // Assert
    const reads = documents
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.IndexName === 'byAccount');
    expect(reads).toHaveLength(2);
    for (const input of reads) expect(input.ExpressionAttributeValues?.[':pk']).toBe(ACCOUNT_B);
    expect(reads[0]?.FilterExpression).toContain('#region IN (:region0)');
    expect(reads[0]?.ExpressionAttributeValues?.[':region0']).toBe('eu-west-1');
  });

  it('shows no placement columns for a single deployment', async () => {
    // Arrange
    hubOutputs('single');

    // Act
    await cli('audit', 'runs', '--stack', 'Hub', ...window);

    // Assert
    expect(stdout.split('\n')[0]).toMatch(/^TIME +RUN /);
  });
});

describe('doctor against a hub', () => {
  it("checks each spoke: its heartbeat, its role, and its enforcer; a missing role fails that spoke's check only", async () => {
    // Arrange
    sts
      .on(AssumeRoleCommand, { RoleArn: roleArn(ACCOUNT_B, 'eu-west-1') })
      .rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({ ClientVpnEndpoints: [] });

    // Act
    const code = await cli('doctor', '--stack', 'Hub', '--stale-after', '999999999', '--output', 'json');

    // Assert
    expect(code).toBe(1);
    const checks = (JSON.parse(stdout) as { checks: { check: string; status: string }[] }).checks;
    const statusOf = (check: string) => checks.find((result) => result.check === check)?.status;
    expect(statusOf(`${ACCOUNT_A}/eu-west-1 heartbeat`)).toBe('pass');
    expect(statusOf(`${ACCOUNT_A}/eu-west-1 operator role`)).toBe('pass');
    expect(statusOf(`${ACCOUNT_A}/eu-west-1 enforcer`)).toBe('pass');
    expect(statusOf(`${ACCOUNT_B}/eu-west-1 heartbeat`)).toBe('pass');
    expect(statusOf(`${ACCOUNT_B}/eu-west-1 operator role`)).toBe('fail');
    expect(checks.some((result) => result.check === 'state table')).toBe(false);
  });
});

describe('gate status against a hub', () => {
  it("shows each spoke's endpoints, judged against the spoke's own gate", async () => {
    // Arrange
    const gate = `arn:aws:lambda:eu-west-1:${ACCOUNT_A}:function:AWSClientVPN-${SPOKE_STACK}`;
    documents
      .on(QueryCommand, { ExpressionAttributeValues: { ':spokes': 'SPOKES' } })
      .resolves({ Items: [{ ...heartbeat(ACCOUNT_A, 'eu-west-1'), gateFunctionArn: gate }] });
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [
        {
          ClientVpnEndpointId: 'cvpn-endpoint-0123456789abcdef0',
          ClientConnectOptions: { Enabled: true, LambdaFunctionArn: gate, Status: { Code: 'applied' } },
        },
      ],
    });

    // Act
    const code = await cli('gate', 'status', '--stack', 'Hub', '--output', 'json');

    // Assert
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as { spokes: { accountId: string; endpoints: { ours: boolean }[] }[] };
    expect(answer.spokes).toHaveLength(1);
    expect(answer.spokes[0]).toMatchObject({
      accountId: ACCOUNT_A,
      endpoints: [{ ours: true, lambdaFunctionArn: gate }],
    });
  });
});

describe('plan against a hub', () => {
  it('reads the rows and pending terminations from the hub, the endpoints and idle memory from each spoke', async () => {
    // Arrange
    documents.on(QueryCommand).resolves({ Items: [] });
    documents
      .on(QueryCommand, { ExpressionAttributeValues: { ':spokes': 'SPOKES' } })
      .resolves({ Items: [heartbeat(ACCOUNT_A, 'eu-west-1')] });
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [{ ClientVpnEndpointId: 'cvpn-endpoint-0123456789abcdef0' }],
    });
    ec2.on(DescribeClientVpnConnectionsCommand).resolves({ Connections: [] });

    // Act
    const code = await cli('plan', '--stack', 'Hub', '--account', ACCOUNT_A, '--output', 'json');

    // Assert
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as { spokes: { accountId: string; region: string; endpoints: string[] }[] };
    expect(answer.spokes).toEqual([
      expect.objectContaining({
        accountId: ACCOUNT_A,
        region: 'eu-west-1',
        endpoints: ['cvpn-endpoint-0123456789abcdef0'],
      }),
    ]);
    const tables = new Set(documents.commandCalls(QueryCommand).map((call) => call.args[0].input.TableName));
    expect(tables).toEqual(new Set(['hub-audit', `${SPOKE_STACK}-state`]));
    const policyReads = dynamodb.calls().map((call) => (call.args[0].input as { TableName?: string }).TableName);
    expect(new Set(policyReads)).toEqual(new Set(['hub-policies']));
  });
});
