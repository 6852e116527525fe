import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { buildProgram } from '../../../cli/program.js';
import { EnvVar } from '../../../lambda/environment.js';
import type { EvidenceReport } from '../../../lambda/report/index.js';
import { StackOutput } from '../../../lib/outputs.js';

const ACCOUNT_A = '111122223333';
const ACCOUNT_B = '444455556666';
const DAY = '2026-12-01';
const WINDOW = ['--since', `${DAY}T09:00:00Z`, '--until', `${DAY}T11:00:00Z`];

const heartbeat = (accountId: string) => ({
  pk: `SPOKE#${accountId}.eu-west-1`,
  sk: 'HEARTBEAT',
  timeKey: 'SPOKES',
  accountId,
  region: 'eu-west-1',
  at: `${DAY}T10:00:00.000Z`,
  runId: `${accountId}.eu-west-1/run-${DAY}T10:00:00Z`,
  status: 'completed',
  functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:CvpnGuard-enforcer`,
});
const summary = (accountId: string) => ({
  pk: `RUN#${accountId}.eu-west-1/run-${DAY}T10:00:00Z`,
  sk: 'SUMMARY',
  recordType: 'summary',
  runId: `${accountId}.eu-west-1/run-${DAY}T10:00:00Z`,
  at: `${DAY}T10:00:00.000Z`,
  finishedAt: `${DAY}T10:00:02.000Z`,
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
// The policies table answers an empty scan; nothing reaches AWS.
const dynamodb = mockClient(DynamoDBClient);
let stdout: string;
let stderr: string;

/** The hub's template: one enforcer function, with these variables. */
function enforcerTemplate(variables: Record<string, string>): void {
  cloudformation.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({
      Resources: {
        Enforcer: {
          Type: 'AWS::Lambda::Function',
          Properties: { Environment: { Variables: { [EnvVar.POLICIES_TABLE]: 'hub-policies', ...variables } } },
        },
      },
    }),
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
  for (const mock of [cloudformation, documents, dynamodb]) mock.reset();
  dynamodb.onAnyCommand().resolves({});
  process.env.AWS_REGION = 'us-east-1';
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((text) => ((stdout += String(text)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((text) => ((stderr += String(text)), true));
  cloudformation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Hub',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [
          { OutputKey: StackOutput.DEPLOYMENT, OutputValue: 'hub' },
          { OutputKey: StackOutput.SPOKE_STACK_NAME, OutputValue: 'CvpnGuard' },
          { OutputKey: StackOutput.AUDIT_TABLE_NAME, OutputValue: 'hub-audit' },
          { OutputKey: StackOutput.POLICIES_TABLE_NAME, OutputValue: 'hub-policies' },
        ],
      },
    ],
  });
  enforcerTemplate({});
  documents.on(QueryCommand).resolves({ Items: [] });
  documents
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `RUNS#${DAY}` } })
    .resolves({ Items: [summary(ACCOUNT_A), summary(ACCOUNT_B)] });
  documents
    .on(QueryCommand, { ExpressionAttributeValues: { ':spokes': 'SPOKES' } })
    .resolves({ Items: [heartbeat(ACCOUNT_A), heartbeat(ACCOUNT_B)] });
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.AWS_REGION;
});

describe('report against a hub', () => {
  it('reports the spokes --account selects, and says so in its scope', async () => {
    // Act
    const code = await cli('report', '--stack', 'Hub', ...WINDOW, '--account', ACCOUNT_B, '-o', 'json', '--quiet');

    // Assert
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as EvidenceReport;
    expect(report.scope).toEqual({ accounts: [ACCOUNT_B], regions: [], policyIds: [] });
    expect(report.read.summaries).toBe(1);
    const runsRead = documents
      .commandCalls(QueryCommand)
      .filter((call) => call.args[0].input.ExpressionAttributeValues?.[':pk'] === `RUNS#${DAY}`);
    expect(runsRead).toHaveLength(1);
  });

  it('reports every spoke without --account or --region', async () => {
    // Act
    const code = await cli('report', '--stack', 'Hub', ...WINDOW, '-o', 'json', '--quiet');

    // Assert
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as EvidenceReport;
    expect(report.scope).toEqual({ accounts: [], regions: [], policyIds: [] });
    expect(report.read.summaries).toBe(2);
  });

  it("reads the audit retention from the deployed enforcer's environment", async () => {
    // Arrange
    enforcerTemplate({ [EnvVar.AUDIT_RETENTION_DAYS]: '1' });

    // Act
    const code = await cli('report', '--stack', 'Hub', '--since', '3d', '-o', 'json', '--quiet');

    // Assert
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: the period starts .*before the audit retention \(auditRetentionDays 1\)/);
  });

  it("refuses the deployed enforcer's prices when they do not parse, naming the variable (exit 2)", async () => {
    // Arrange
    enforcerTemplate({ CVPN_GUARD_CONNECTION_HOUR_PRICES: 'eu-west-1=cheap' });

    // Act
    const code = await cli('report', '--stack', 'Hub', ...WINDOW, '-o', 'json');

    // Assert
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cvpn-guard: CVPN_GUARD_CONNECTION_HOUR_PRICES "eu-west-1=cheap": .*eu-west-1=cheap/);
    expect(stdout).toBe('');
  });

  it('takes --price over the deployed prices', async () => {
    // Arrange
    enforcerTemplate({ CVPN_GUARD_CONNECTION_HOUR_PRICES: 'eu-west-1=cheap' });

    // Act
    const code = await cli('report', '--stack', 'Hub', ...WINDOW, '--price', 'eu-west-1=0.06', '-o', 'json', '--quiet');

    // Assert
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
