/**
 * `cvpn-guard sandbox` runs the product as the stack wires it: the client connect handler attached to every
 * endpoint, the enforcer on its schedule on the simulated clock. Each case starts the command as a user does, in
 * its own process group, and drives it from outside: the admin API, DynamoDB, and Lambda Invoke as the SDK signs it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isSummaryItem } from '../../../lambda/adapters/audit-item.js';
import type { RunReport } from '../../../lambda/run/RunReport.js';
import type { Sandbox } from '../../../local/index.js';
import { invokeLambda } from '../../integration/sandbox/helpers.js';
import { CLI_BIN, cleanEnv } from './support/cli-process.js';

const DEMO = 'examples/demo.json';
const CORP = 'cvpn-endpoint-0c0ffee0000000001';
const ENG = 'cvpn-endpoint-0c0ffee0000000002';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';
const revokeRow = (
  JSON.parse(readFileSync(DEMO, 'utf8')) as { policies: { policyId: string; message?: string }[] }
).policies.find((row) => row.policyId === 'revoke-mallory');

interface ConnectionJson {
  readonly username?: string;
  readonly status: string;
}

/** `cvpn-guard sandbox …` in its own process group, up once it printed its banner. */
class SandboxProcess {
  public stdout = '';
  public stderr = '';
  public endpoint = '';
  private readonly child: ChildProcess;
  private readonly closed: Promise<number | null>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [CLI_BIN, 'sandbox', '--port', '0', ...args], {
      env: cleanEnv({ NO_COLOR: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.closed = new Promise((resolve) => this.child.on('close', resolve));
  }

  /** Resolves once the banner is printed; rejects naming what was printed when it exits first. */
  public async up(): Promise<void> {
    await this.until(() => this.stdout.includes('Press Ctrl-C to stop.'), 30_000);
    this.endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(this.stdout)?.[1] ?? '';
  }

  /** Ctrl-C, then the whole group if it has not exited within 10 s. */
  public async stop(): Promise<number | null> {
    if (this.child.pid === undefined || this.child.exitCode !== null) return this.closed;
    this.child.kill('SIGINT');
    const kill = setTimeout(() => this.child.pid && process.kill(-this.child.pid, 'SIGKILL'), 10_000);
    const code = await this.closed;
    clearTimeout(kill);
    return code;
  }

  public async admin<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const response = await fetch(`${this.endpoint}/_sandbox${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  }

  public connectionsOf(username: string): Promise<string[]> {
    return this.admin<ConnectionJson[]>('/connections').then((all) =>
      all.filter((c) => c.username === username).map((c) => c.status),
    );
  }

  /** Every item of the audit table. */
  public async auditItems(): Promise<Record<string, unknown>[]> {
    const dynamodb = new DynamoDBClient({ endpoint: this.endpoint, region: REGION, credentials: CREDENTIALS });
    try {
      const scan = await DynamoDBDocumentClient.from(dynamodb).send(new ScanCommand({ TableName: 'cvpn-guard-audit' }));
      return scan.Items ?? [];
    } finally {
      dynamodb.destroy();
    }
  }

  /** Lambda Invoke as the SDK (and `aws lambda invoke`) signs it. */
  public invoke(functionName: string, payload: unknown) {
    const target = { endpoint: this.endpoint, credentials: CREDENTIALS, region: REGION } as unknown as Sandbox;
    return invokeLambda(target, functionName, JSON.stringify(payload));
  }

  public async until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`gave up waiting (exit ${this.child.exitCode}):\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('cvpn-guard sandbox, by default', () => {
  const sandbox = new SandboxProcess(['--scenario', DEMO]);

  beforeAll(() => sandbox.up(), 40_000);
  afterAll(() => sandbox.stop());

  it('says what runs: the two functions, the endpoints the gate is attached to, and the schedule', () => {
    expect(sandbox.stdout).toContain(`client connect handler AWSClientVPN-CvpnGuard: attached to ${CORP}, ${ENG}`);
    expect(sandbox.stdout).toContain('enforcer cvpn-guard-enforcer: runs rate(5 minutes) on the simulated clock');
  });

  it('refuses a revoked user who connects, with the message of the row', async () => {
    // Act
    const answer = await sandbox.admin<{ admitted: boolean; message?: string; failureReason?: string }>(
      '/connect',
      'POST',
      { endpoint: CORP, username: 'mallory' },
    );

    // Assert
    expect(revokeRow?.message).toBeDefined();
    expect(answer).toEqual({ admitted: false, message: revokeRow?.message, failureReason: 'client-connect-failed' });
  });

  it('runs the enforcer once simulated time passes 5 minutes: a summary in the audit table, mallory ended', async () => {
    // Arrange
    const summariesBefore = (await sandbox.auditItems()).filter(isSummaryItem);
    const mallory = await sandbox.connectionsOf('mallory');

    // Act
    await sandbox.admin('/clock', 'POST', { advance: '5m1s' });
    await sandbox.until(async () => (await sandbox.auditItems()).some(isSummaryItem));

    // Assert
    const summaries = (await sandbox.auditItems()).filter(isSummaryItem);
    expect(summariesBefore).toEqual([]);
    expect(mallory).toEqual(['active', 'active']);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ runId: expect.stringMatching(/^run-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect((await sandbox.connectionsOf('mallory')).every((status) => status !== 'active')).toBe(true);
  });
});

describe('cvpn-guard sandbox --no-schedule --no-gate', () => {
  const sandbox = new SandboxProcess(['--scenario', DEMO, '--no-schedule', '--no-gate']);

  beforeAll(() => sandbox.up(), 40_000);
  afterAll(() => sandbox.stop());

  it('says the enforcer is not scheduled and the gate not attached', () => {
    expect(sandbox.stdout).toContain('client connect handler AWSClientVPN-CvpnGuard: registered, not attached');
    expect(sandbox.stdout).toContain('enforcer cvpn-guard-enforcer: not scheduled (--no-schedule)');
  });

  it('runs nothing when simulated time passes 5 minutes', async () => {
    // Act
    await sandbox.admin('/clock', 'POST', { advance: '11m' });
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assert
    expect((await sandbox.auditItems()).filter(isSummaryItem)).toEqual([]);
    expect(await sandbox.connectionsOf('mallory')).toEqual(['active', 'active']);
  });

  it('admits the revoked user at connect: no handler is attached', async () => {
    const answer = await sandbox.admin<{ admitted: boolean }>('/connect', 'POST', {
      endpoint: CORP,
      username: 'mallory',
    });

    expect(answer.admitted).toBe(true);
  });

  it('runs the enforcer when Lambda Invoke is called with the Scheduler payload', async () => {
    // Arrange
    const { now } = await sandbox.admin<{ now: string }>('/clock');
    const scheduledTime = now.replace(/\.\d{3}Z$/, 'Z');

    // Act
    const response = await sandbox.invoke('cvpn-guard-enforcer', { scheduledTime, source: 'schedule' });

    // Assert
    expect(response.status).toBe(200);
    const report = JSON.parse(response.body) as RunReport;
    expect(report.runId).toBe(`run-${scheduledTime}`);
    expect(report.counts.terminated).toBeGreaterThanOrEqual(3);
    expect((await sandbox.auditItems()).filter(isSummaryItem)).toHaveLength(1);
    expect((await sandbox.connectionsOf('mallory')).every((status) => status !== 'active')).toBe(true);
  });
});

describe('cvpn-guard sandbox --scenario examples/organization.json', () => {
  const sandbox = new SandboxProcess(['--scenario', 'examples/organization.json']);
  const spokes = ['222222222222/eu-west-1', '222222222222/us-east-1', '333333333333/us-east-1'];

  beforeAll(() => sandbox.up(), 40_000);
  afterAll(() => sandbox.stop());

  it('installs the hub and a spoke in every account and Region, each gate attached', () => {
    expect(sandbox.stdout).toMatch(/hub 111111111111\/us-east-1: relay \S+ \(fed the policies table's stream\)/);
    for (const spoke of spokes) {
      expect(sandbox.stdout).toMatch(
        new RegExp(
          `spoke ${spoke}: enforcer CvpnGuard-enforcer, client connect handler \\S+ attached to cvpn-endpoint-`,
        ),
      );
    }
  });

  it("runs every spoke's enforcer on the schedule: each spoke's summary lands in the hub's audit table", async () => {
    // Act
    await sandbox.admin('/clock', 'POST', { advance: '5m1s' });
    const placed = async () =>
      new Set(
        (await sandbox.auditItems())
          .filter(isSummaryItem)
          .map((item) => `${String(item.accountId)}/${String(item.region)}`),
      );
    await sandbox.until(async () => (await placed()).size === spokes.length);

    // Assert
    expect([...(await placed())].sort()).toEqual(spokes);
  });
});
