import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { DynamoPolicyStore } from '../../../lambda/adapters/DynamoPolicyStore.js';
import { createAwsClients, type AwsClients } from '../../../lambda/clients.js';
import { resourceEnvironment } from '../../../lambda/resource-environment.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { jsonOf, runCli, runCliInTerminal } from './support/cli-process.js';

const ENDPOINT = 'cvpn-endpoint-0e2e0000000000001';

/** A policies table with two rows, as an operator finds it on day one. */
const SCENARIO = {
  endpoints: [{ id: ENDPOINT }],
  connections: [{ endpoint: ENDPOINT, username: 'alice', established: '-1h' }],
  policies: [
    {
      policyId: 'max-session-8h',
      kind: 'max-session',
      mode: 'enforce',
      endpoints: ['*'],
      maxSessionMinutes: 480,
      reason: 'reconnect daily',
      version: 1,
    },
    { policyId: 'exempt-robot', kind: 'exempt', usernames: ['robot'], reason: 'keeps its session', version: 4 },
  ],
};

interface ListedRow {
  readonly policyId: string;
  readonly valid: boolean;
  readonly issues?: { field: string; message: string }[];
  readonly row: Record<string, unknown>;
}

let sandbox: Sandbox;
let clients: AwsClients;
let store: DynamoPolicyStore;
let dir: string;
/** The sandbox found as a person would find it with `--sandbox=URL`. */
let viaFlag: string[];
/** The sandbox found through the environment only: AWS_ENDPOINT_URL, dummy keys, the enforcer's table variables. */
let viaEnv: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: SCENARIO, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
  clients = createAwsClients(sandbox.clientConfig());
  store = new DynamoPolicyStore(clients.dynamodb, sandbox.tables.policies);
  dir = await mkdtemp(join(tmpdir(), 'cvpn-guard-cli-e2e-'));
  viaFlag = [`--sandbox=${sandbox.endpoint}`];
  viaEnv = { ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) };
});

afterAll(async () => {
  clients?.dynamodb.destroy();
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cvpn-guard policy add and list', () => {
  it('adds a row in observe mode with who and when, and lists it back as JSON', async () => {
    // Act
    const added = await runCli(
      [
        'policy',
        'add',
        'revoked-user',
        '--id',
        'offboard-jdoe',
        '--users',
        'jdoe',
        '--reason',
        'left the company (HR-1234)',
        '--by',
        'alice',
      ],
      { env: viaEnv },
    );
    const listed = await runCli(['policy', 'list', '--output', 'json'], { env: viaEnv });

    // Assert
    expect(added).toMatchObject({
      code: 0,
      stdout: 'added policy row offboard-jdoe (revoked-user, observe, version 1)\n',
    });
    expect(added.stderr).toContain('cvpn-guard audit list --policy offboard-jdoe --outcome would-terminate');
    expect(listed.code).toBe(0);
    const row = jsonOf<ListedRow[]>(listed).find((entry) => entry.policyId === 'offboard-jdoe');
    expect(row).toMatchObject({
      valid: true,
      row: {
        kind: 'revoked-user',
        mode: 'observe',
        enabled: true,
        endpoints: ['*'],
        usernames: ['jdoe'],
        version: 1,
        updatedBy: 'alice (arn:aws:iam::000000000000:user/sandbox)',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
  }, 60_000);

  it('refuses an id that exists (exit 2) and says how to replace it', async () => {
    // Act
    const again = await runCli([
      'policy',
      'add',
      'max-session',
      '--id',
      'max-session-8h',
      '--max-session-minutes',
      '60',
      '--reason',
      'x',
      ...viaFlag,
    ]);

    // Assert
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'cvpn-guard: policy row "max-session-8h" already exists (version 1): pass --replace to overwrite it, or edit it (cvpn-guard policy export, edit, put --file keeps its version)\n',
    );
    expect((await store.get('max-session-8h'))?.item.maxSessionMinutes).toBe(480);
  }, 60_000);

  it('names the field, the flag and the value when a flag is wrong, and writes nothing (exit 2)', async () => {
    // Act
    const run = await runCli([
      'policy',
      'add',
      'idle',
      '--id',
      'idle-bad',
      '--idle-minutes',
      'thirty',
      '--reason',
      'x',
      ...viaFlag,
    ]);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('policy row "idle-bad" is invalid; nothing was written:');
    expect(run.stderr).toContain(
      'idleMinutes (--idle-minutes): expected a whole number from 1 to 10080 (DynamoDB type N), got the string "thirty"',
    );
    expect(await store.get('idle-bad')).toBeUndefined();
  }, 60_000);

  it('treats a missing required flag or an unknown output format as bad usage (exit 2)', async () => {
    // Act
    const [missing, badFormat] = await Promise.all([
      runCli(['policy', 'add', 'idle', '--id', 'x', '--idle-minutes', '30', ...viaFlag]),
      runCli(['policy', 'list', '--output', 'csv', ...viaFlag]),
    ]);

    // Assert
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--reason <text>' not specified");
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("argument 'csv' is invalid. Allowed choices are table, json.");
  }, 60_000);

  it('lists rows that sit in the table invalid (a hand edit) with their errors, and deletes one with --yes', async () => {
    // Arrange
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
    const listed = await runCli(['policy', 'list', ...viaFlag]);
    const deleted = await runCli(['policy', 'delete', 'idle-typo', '--yes', ...viaFlag]);

    // Assert
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^POLICY ID +KIND +STATE +MODE/);
    expect(listed.stdout).toMatch(
      /max-session-8h +max-session +enabled +enforce +all +everyone +sessions longer than 8 h/,
    );
    expect(listed.stdout).toContain('1 invalid row matches nothing until fixed');
    expect(listed.stdout).toContain(
      'policy row "idle-typo" is invalid:\n  - idleMinutes: expected a whole number from 1 to 10080 (DynamoDB type N), the attribute is missing\n  - idleMinute: expected one of the attributes of an idle row (did you mean idleMinutes?)',
    );
    expect(deleted).toMatchObject({
      code: 0,
      stdout: 'deleted idle-typo (was no version (a row written without one))\n',
    });
    expect(await store.get('idle-typo')).toBeUndefined();
  }, 60_000);
});

describe('cvpn-guard policy edits', () => {
  it('bumps the version on every change and records who made it', async () => {
    // Act
    const enforced = await runCli(['policy', 'enforce', 'offboard-jdoe', '--by', 'bob', ...viaFlag]);
    const again = await runCli(['policy', 'enforce', 'offboard-jdoe', '--output', 'json', ...viaFlag]);

    // Assert
    expect(enforced).toMatchObject({ code: 0, stdout: 'offboard-jdoe now in enforce mode (version 1 → version 2)\n' });
    expect(jsonOf(again)).toEqual({ policyId: 'offboard-jdoe', action: 'unchanged', version: 2 });
    // Against --sandbox, time is the sandbox's simulated clock.
    expect((await store.get('offboard-jdoe'))?.item).toMatchObject({
      mode: 'enforce',
      version: 2,
      updatedBy: 'bob (arn:aws:iam::000000000000:user/sandbox)',
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
  }, 60_000);

  it('refuses the edit of an operator whose copy is stale: the loser gets a conflict naming the row and both versions (exit 1)', async () => {
    // Arrange: operator A exports the rows (offboard-jdoe at version 2) and edits the reason…
    const exported = await runCli(['policy', 'export', ...viaFlag]);
    expect(exported.code).toBe(0);
    const file = join(dir, 'operator-a.yaml');
    await writeFile(
      file,
      exported.stdout.replace('left the company (HR-1234)', 'left the company (HR-1234, laptop returned)'),
    );
    // …meanwhile operator B disables the row (version 3).
    const disabled = await runCli(['policy', 'disable', 'offboard-jdoe', '--by', 'operator-b', ...viaFlag]);
    expect(disabled).toMatchObject({ code: 0, stdout: 'disabled offboard-jdoe (version 2 → version 3)\n' });

    // Act: A puts the stale copy.
    const put = await runCli(['policy', 'put', '--file', file, '--by', 'operator-a', ...viaFlag]);

    // Assert
    expect(put.code).toBe(1);
    expect(put.stderr).toContain(
      'cvpn-guard: conflict: policy row "offboard-jdoe" changed since it was read: you had version 2, the table has version 3; nothing was written. Read it again (cvpn-guard policy show offboard-jdoe)',
    );
    expect(put.stdout).toContain('unchanged max-session-8h (version 1)');
    expect((await store.get('offboard-jdoe'))?.item).toMatchObject({
      enabled: false,
      reason: 'left the company (HR-1234)',
      version: 3,
      updatedBy: 'operator-b (arn:aws:iam::000000000000:user/sandbox)',
    });
  }, 90_000);

  it('round-trips export through put: nothing changes, no version moves', async () => {
    // Arrange
    const exported = await runCli(['policy', 'export', '--output', 'json', ...viaFlag]);
    const file = join(dir, 'export.json');
    await writeFile(file, exported.stdout);

    // Act
    const put = await runCli(['policy', 'put', '--file', file, '--output', 'json', ...viaFlag]);

    // Assert
    expect(put.code).toBe(0);
    expect(jsonOf(put)).toEqual([
      { policyId: 'exempt-robot', action: 'unchanged', version: 4 },
      { policyId: 'max-session-8h', action: 'unchanged', version: 1 },
      { policyId: 'offboard-jdoe', action: 'unchanged', version: 3 },
    ]);
  }, 60_000);

  it('prints a skeleton that put --file takes as it is', async () => {
    // Arrange
    const skeleton = await runCli(['policy', 'skeleton', 'off-hours']);
    const file = join(dir, 'off-hours.yaml');
    await writeFile(file, skeleton.stdout);

    // Act
    const put = await runCli(['policy', 'put', '--file', file, ...viaFlag]);

    // Assert
    expect(skeleton.code).toBe(0);
    expect(put).toMatchObject({ code: 0, stdout: 'created contractors-office-hours (version 1)\n' });
    expect((await store.get('contractors-office-hours'))?.item).toMatchObject({
      kind: 'off-hours',
      mode: 'observe',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '07:00',
      version: 1,
    });
  }, 60_000);
});

describe('cvpn-guard policy validate', () => {
  it('names each bad row, field and value, and exits 2; a file that does not parse names the line', async () => {
    // Arrange
    const rows = join(dir, 'bad-rows.yaml');
    await writeFile(
      rows,
      [
        '- policyId: idle-ok',
        '  kind: idle',
        '  mode: observe',
        '  endpoints: ["*"]',
        '  idleMinutes: 30',
        '  reason: fine',
        '- policyId: idle-text',
        '  kind: idle',
        '  mode: observe',
        '  endpoints: ["*"]',
        '  idleMinutes: "30"',
        '  reason: quoted number',
        '',
      ].join('\n'),
    );
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'policyId: a\nkind: [idle\n');

    // Act
    const [invalid, unparsable] = await Promise.all([
      runCli(['policy', 'validate', '--file', rows]),
      runCli(['policy', 'validate', '--file', broken]),
    ]);

    // Assert
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      `policy row "idle-text" (${rows} row 2) is invalid:\n  - idleMinutes: expected a whole number from 1 to 10080 (DynamoDB type N), got the string "30"\n${rows}: 1 of 2 rows are invalid.\n`,
    );
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr).toMatch(
      new RegExp(
        `^cvpn-guard: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON or YAML at line \\d+, column \\d+`,
      ),
    );
  }, 60_000);
});

describe('cvpn-guard policy delete', () => {
  it('refuses without --yes when there is no terminal to ask on (exit 2), and keeps the row', async () => {
    // Act
    const run = await runCli(['policy', 'delete', 'exempt-robot', ...viaFlag]);

    // Assert
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      'cvpn-guard: policy delete exempt-robot needs confirmation and there is no terminal to ask on: pass --yes to delete it\n',
    );
    expect(await store.get('exempt-robot')).toMatchObject({ version: 4, item: { kind: 'exempt', version: 4 } });
  }, 60_000);

  it('asks at a terminal, and deletes on "y"', async () => {
    // Act
    const run = await runCliInTerminal(['policy', 'delete', 'exempt-robot', ...viaFlag], 'y\n');

    // Assert
    expect(run.stdout).toContain(
      'Delete policy row exempt-robot (exempt, version 4)? It stops applying at the next run. [y/N]',
    );
    expect(run.stdout).toContain('deleted exempt-robot (was version 4)');
    expect(run.code).toBe(0);
    expect(await store.get('exempt-robot')).toBeUndefined();
  }, 60_000);
});

describe('cvpn-guard exit codes', () => {
  it('exits 2 for an unknown row or no table to use, and 1 when nothing answers', async () => {
    // Act
    const [unknown, noTable, unreachable] = await Promise.all([
      runCli(['policy', 'show', 'no-such-row', ...viaFlag]),
      runCli(['policy', 'list']),
      runCli(['policy', 'list', '--sandbox=http://127.0.0.1:9']),
    ]);

    // Assert
    expect(unknown).toMatchObject({
      code: 2,
      stderr:
        'cvpn-guard: no policy row "no-such-row" in the policies table: see the ids with cvpn-guard policy list\n',
    });
    expect(noTable).toMatchObject({
      code: 2,
      stderr:
        'cvpn-guard: no policies table: pass --stack NAME (the deployed stack), --policies-table NAME, set CVPN_GUARD_POLICIES_TABLE, or pass --sandbox for the local sandbox\n',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(
      'cvpn-guard: nothing answers at http://127.0.0.1:9 (ECONNREFUSED): start the sandbox with `cvpn-guard sandbox`',
    );
  }, 60_000);

  it('never prints the credentials it used', async () => {
    // Arrange
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';

    // Act
    const run = await runCli(['policy', 'show', 'max-session-8h', '--output', 'json'], {
      env: { ...viaEnv, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: 'SESSIONTOKENSECRET' },
    });

    // Assert
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({ policyId: 'max-session-8h', valid: true });
    expect(run.stdout + run.stderr).not.toMatch(/SECRETKEY|SESSIONTOKENSECRET/);
  }, 60_000);
});
