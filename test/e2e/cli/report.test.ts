import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { EvidenceReport } from '../../../lambda/report/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { enforceOnce } from './support/enforce.js';
import { jsonOf, runCli } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e0000000000c01';
const NOW = '2026-11-26T10:00:00Z';

/** A leaver on the endpoint, a session past its limit, and a row that fails validation (its limit is text). */
const SCENARIO = {
  endpoints: [{ id: CORP }],
  connections: [
    { endpoint: CORP, id: 'cvpn-connection-0e2e00000000c0001', username: 'mallory', established: '-50m' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e00000000c0002', username: 'grace', established: '-9h' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e00000000c0003', username: 'alice', established: '-1h' },
  ],
  policies: [
    {
      policyId: 'revoke-mallory',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['mallory'],
      reason: 'offboarded',
    },
    {
      policyId: 'max-session-8h',
      kind: 'max-session',
      mode: 'enforce',
      endpoints: ['*'],
      maxSessionMinutes: 480,
      reason: 'reconnect daily',
    },
    {
      policyId: 'broken-idle',
      kind: 'idle',
      mode: 'enforce',
      endpoints: ['*'],
      idleMinutes: '30',
      reason: 'free idle seats',
    },
  ],
};

let sandbox: Sandbox;
let sandboxFlag: string;
let scratch: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: SCENARIO, clock: { start: NOW, frozen: true } });
  sandboxFlag = `--sandbox=${sandbox.endpoint}`;
  scratch = await mkdtemp(join(tmpdir(), 'cvpn-guard-report-'));
  await enforceOnce(sandbox, 'run-2026-11-26T10:00:00Z');
  // The period ends now, not included: a minute on, the run's records are in it.
  sandbox.clock.advance('1m');
});

afterEach(() => sandbox?.faults.clear());

afterAll(async () => {
  await sandbox?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('cvpn-guard report', () => {
  it('prints the report model as JSON on stdout, read through the indexes, progress on stderr only', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    const report = jsonOf<EvidenceReport>(run);
    expect(report.period).toEqual({ since: '2026-10-27T10:01:00.000Z', until: '2026-11-26T10:01:00.000Z' });
    expect(report.generatedAt).toBe('2026-11-26T10:01:00.000Z');
    expect(report.scope).toEqual({ accounts: [], regions: [], policyIds: [] });
    expect(report.read.summaries).toBe(1);
    // Two sessions ended and the invalid row's finding: at least three records, on at least one page each read.
    expect(report.read.records).toBeGreaterThanOrEqual(3);
    expect(report.read.pages).toBeGreaterThanOrEqual(2);
    expect(report.policies.map((policy) => policy.policyId)).toEqual(
      expect.arrayContaining(['broken-idle', 'max-session-8h', 'revoke-mallory']),
    );
    expect(run.stderr).toMatch(/read \d+ pages, \d+ records, 1 run summary/);
    expect(run.stderr).toMatch(/3 policy rows, \d+ records, 1 run summaries from 2026-10-27T10:01:00Z/);
  });

  it('reads one policy index per --policy and reports those rows only', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', '--policy', 'revoke-mallory', '--quiet', sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    const report = jsonOf<EvidenceReport>(run);
    expect(report.scope.policyIds).toEqual(['revoke-mallory']);
    expect(report.policies.map((policy) => policy.policyId)).toEqual(['revoke-mallory']);
    expect(report.policies[0]!.ended).toBe(1);
    expect(report.read.records).toBe(1);
    expect(run.stderr).toBe('');
  });

  it('reports a row that was only ever invalid, by its id', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', '--policy', 'broken-idle', '--quiet', sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    const report = jsonOf<EvidenceReport>(run);
    expect(report.policies.map((policy) => policy.policyId)).toEqual(['broken-idle']);
    expect(report.read.records).toBe(1);
  });

  it('writes the HTML page whole to --out, leaving no temporary file', async () => {
    // Arrange
    const directory = await mkdtemp(join(scratch, 'html-'));
    const out = join(directory, 'november.html');

    // Act
    const run = await runCli(['report', '--out', out, '--quiet', sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(await readdir(directory)).toEqual(['november.html']);
  });

  it('says an empty period is empty, and still writes a report (exit 0)', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', '--since', '2026-01-01', '--until', '2026-01-02', sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    expect(jsonOf<EvidenceReport>(run).read).toEqual(expect.objectContaining({ records: 0, summaries: 0 }));
    expect(run.stderr).toContain(
      'no audit record and no run summary from 2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z: the report says so',
    );
  });

  it('warns when the period starts before the audit retention, and reports what is left', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', '--since', '10d', '--quiet', sandboxFlag], {
      env: { CVPN_GUARD_AUDIT_RETENTION_DAYS: '7' },
    });

    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: the period starts 2026-11-16T10:01:00Z, before the audit retention (auditRetentionDays 7): records older than 7 days (before 2026-11-19T10:01:00Z) are gone',
    );
    expect(jsonOf<EvidenceReport>(run).read.summaries).toBe(1);
  });

  it('prices at --price, refusing a bad entry by name', async () => {
    // Act
    const run = await runCli(['report', '-o', 'json', '--price', 'us-east-1=abc', sandboxFlag]);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^cvpn-guard: --price "us-east-1=abc": .*us-east-1=abc/);
    expect(run.stdout).toBe('');
  });

  describe('bad input: exit 2, a message naming the option and what is accepted, no file', () => {
    it.each([
      [
        '--since after --until',
        ['--since', '2026-11-20', '--until', '2026-11-10'],
        '--since 2026-11-20T00:00:00Z is not before --until 2026-11-10T00:00:00Z: the period would be empty; swap them',
      ],
      ['an unparsable --since', ['--since', 'last week'], '--since "last week" is not a time: expected a duration'],
      ['an unparsable --until', ['--until', '2026-13-45'], '--until "2026-13-45" is not a time'],
      [
        'an unknown --policy',
        ['--policy', 'revoke-mallory,no-such-row'],
        '--policy no-such-row: no such policy row, and no record of it in the period; the rows are broken-idle, max-session-8h, revoke-mallory (cvpn-guard policy list)',
      ],
      ['an unknown -o', ['-o', 'pdf'], "argument 'pdf' is invalid. Allowed choices are html, csv, json."],
    ])('%s', async (_case, args, message) => {
      // Arrange
      const directory = await mkdtemp(join(scratch, 'bad-'));

      // Act
      const run = await runCli(['report', ...args, '--out', join(directory, 'report.html'), sandboxFlag]);

      // Assert
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
      expect(await readdir(directory)).toEqual([]);
    });

    it('--out in a directory that does not exist', async () => {
      // Arrange
      const out = join(scratch, 'missing', 'report.html');

      // Act
      const run = await runCli(['report', '--out', out, sandboxFlag]);

      // Assert
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `--out ${out}: the directory ${join(scratch, 'missing')} does not exist: create it first, or write elsewhere`,
      );
    });
  });

  it('names the table and the way out when DynamoDB keeps throttling, and writes no file (exit 1)', async () => {
    // Arrange
    const directory = await mkdtemp(join(scratch, 'throttled-'));
    sandbox.faults.add({ service: 'dynamodb', actions: ['Query'], kind: 'throttle' });

    // Act
    const run = await runCli(['report', '--out', join(directory, 'report.html'), '--quiet', sandboxFlag]);

    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cvpn-guard: the audit table \S+ throttled the report's reads \(ProvisionedThroughputExceededException\) after the SDK's retries: try a shorter period or later; no report was written\n$/,
    );
    expect(await readdir(directory)).toEqual([]);
  });
});
