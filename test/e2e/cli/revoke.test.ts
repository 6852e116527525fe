/**
 * `cvpn-guard revoke` against the sandbox with the product installed (the client connect handler attached, the
 * enforcer registered, no schedule): the row it writes, the refusals, and `--wait` ended by `cvpn-guard run`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoPolicyStore } from '../../../lambda/adapters/DynamoPolicyStore.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { POLICIES_TABLE } from '../../../lambda/tables.js';
import { installProduct, type InstalledProduct } from '../../../cli/sandbox/product.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { jsonOf, runCli, startCli } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e00000000000a1';
const ENG = 'cvpn-endpoint-0e2e00000000000b2';
const JDOE_CORP = 'cvpn-connection-0e2e000000000a001';
const JDOE_ENG = 'cvpn-connection-0e2e000000000b001';
const KIOSK = 'cvpn-connection-0e2e000000000a004';
const OFFBOARDED = 'left the company (HR-1)';

const SCENARIO = {
  endpoints: [{ id: CORP }, { id: ENG }],
  connections: [
    { endpoint: CORP, id: JDOE_CORP, username: 'jdoe', established: '-50m' },
    { endpoint: ENG, id: JDOE_ENG, username: 'jdoe', established: '-20m' },
    { endpoint: CORP, id: 'cvpn-connection-0e2e000000000a002', username: 'asmith', established: '-1h' },
    { endpoint: CORP, id: KIOSK, commonName: 'kiosk.corp.example.com', established: '-2h' },
    { endpoint: ENG, id: 'cvpn-connection-0e2e000000000b002', username: 'bob', established: '-3h' },
  ],
  policies: [
    {
      policyId: 'revoke-mallory',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['mallory'],
      reason: OFFBOARDED,
      version: 3,
    },
  ],
};

let sandbox: Sandbox;
let product: InstalledProduct | undefined;
let target: string[];
let clients: AwsClients;

const revoke = (...args: string[]) => runCli(['revoke', ...args, ...target]);
/** The policies table, read straight from the sandbox. */
const store = () => new DynamoPolicyStore(clients.dynamodb, POLICIES_TABLE.sandboxName);
const row = async (id: string) => (await store().get(id))?.item;
const policyIds = async () => (await store().list()).map((entry) => entry.policyId);
const statusOf = (connectionId: string) => sandbox.emulator.getConnection(connectionId).status;

/** One run now, as an operator starts it; the frozen clock moves a second first, so each run has an id of its own. */
async function runNow() {
  sandbox.clock.advance('1s');
  return runCli(['run', ...target]);
}

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    scenario: SCENARIO,
    clock: { start: '2026-11-26T10:00:00Z', frozen: true },
  });
  target = [`--sandbox=${sandbox.endpoint}`];
  clients = createAwsClients(sandbox.clientConfig());
});

beforeEach(async () => {
  await product?.stop();
  await sandbox.reset();
  // No schedule and no policies stream: `cvpn-guard run` is the only run here (offboarding.test.ts has the stream's).
  product = await installProduct(sandbox, { schedule: false, stream: false });
});

afterAll(async () => {
  await product?.stop();
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

describe('cvpn-guard revoke', () => {
  it('adds an enforcing revoked-user row on every endpoint, named after the reason', async () => {
    // Act
    const run = await revoke(
      'jdoe',
      'asmith',
      '--common-names',
      'kiosk.corp.example.com',
      '--reason',
      'Contract ended',
      '--yes',
    );

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'added revoked-user row revoked-contract-ended (enforce, every endpoint, version 1): jdoe, asmith, cn:kiosk.corp.example.com\n',
    );
    expect(await row('revoked-contract-ended')).toMatchObject({
      kind: 'revoked-user',
      enabled: true,
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['jdoe', 'asmith'],
      commonNames: ['kiosk.corp.example.com'],
      reason: 'Contract ended',
      version: 1,
    });
  });

  it('extends the enforcing row that has exactly this reason, on its version', async () => {
    // Act
    const run = await revoke('jdoe', '--reason', OFFBOARDED, '--yes', '-o', 'json');

    // Assert
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toEqual({
      action: 'extended',
      policyId: 'revoke-mallory',
      version: 4,
      previousVersion: 3,
      added: { usernames: ['jdoe'], commonNames: [] },
      alreadyRevoked: [],
    });
    expect(await row('revoke-mallory')).toMatchObject({ usernames: ['mallory', 'jdoe'], version: 4 });
  });

  it('adds only the users not yet revoked, and names the row that revokes the others', async () => {
    // Act
    const run = await revoke('Mallory', 'jdoe', '--reason', 'Contract ended', '--yes');

    // Assert
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('user Mallory is already revoked by the enforcing row revoke-mallory: left as it is');
    expect(await row('revoked-contract-ended')).toMatchObject({ usernames: ['jdoe'] });
  });

  it('writes nothing, and exits 0, when every user is revoked already', async () => {
    // Act
    const run = await revoke('mallory', '--reason', 'another reason', '--yes');

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Nothing written: every identity given is already revoked by an enforcing row.\n');
    expect(run.stderr).toContain('user mallory is already revoked by the enforcing row revoke-mallory');
    expect(await policyIds()).toEqual(['revoke-mallory']);
    expect(await row('revoke-mallory')).toMatchObject({ version: 3 });
  });

  it.each([
    ['a blank user name', ['jdoe', ' ', '--reason', 'x', '--yes'], 'user name #2 is blank'],
    ['a wildcard user name', ['j*', '--reason', 'x', '--yes'], 'user name "j*" holds a wildcard ("*" or "?")'],
    [
      'a wildcard common name',
      ['--common-names', 'kiosk?', '--reason', 'x', '--yes'],
      '--common-names entry "kiosk?" holds a wildcard',
    ],
    [
      'a blank common name',
      ['jdoe', '--common-names', 'a,,b', '--reason', 'x', '--yes'],
      '--common-names entry #2 is blank',
    ],
    ['a blank reason', ['jdoe', '--reason', '  ', '--yes'], '--reason is blank: say why the users are revoked'],
    ['no one to revoke', ['--reason', 'x', '--yes'], 'revoke: whom? Give one or more user names'],
    [
      'no terminal to confirm on, without --yes',
      ['jdoe', '--reason', 'x'],
      'revoke needs confirmation and there is no terminal to ask on: pass --yes to write the row',
    ],
  ])('refuses %s, naming the fix, and writes nothing (exit 2)', async (_case, args, message) => {
    // Act
    const run = await revoke(...args);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cvpn-guard: ${message}`);
    expect(await policyIds()).toEqual(['revoke-mallory']);
  });

  it('refuses a --timeout that is not a duration, as bad usage', async () => {
    const run = await revoke('jdoe', '--reason', 'x', '--wait', '--timeout', 'soon', '--yes');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--timeout <duration>' argument 'soon' is invalid. expected a duration");
  });
});

describe('cvpn-guard revoke --wait', () => {
  it("lists the user's active connections, prints each as a run ends it, and exits 0 once all have ended", async () => {
    // Arrange
    const waiting = startCli([
      'revoke',
      'jdoe',
      '--reason',
      OFFBOARDED,
      '--wait',
      '--timeout',
      '60s',
      '--yes',
      ...target,
    ]);
    await waiting.until((live) => live.stdout().includes('Waiting for 2 connections on every endpoint of the region'));

    // Act
    const run = await runNow();
    const waited = await waiting.done;

    // Assert
    expect(run.code).toBe(0);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`  ${JDOE_CORP} on ${CORP} (jdoe)\n  ${JDOE_ENG} on ${ENG} (jdoe)\n`);
    for (const [connection, endpoint] of [
      [JDOE_CORP, CORP],
      [JDOE_ENG, ENG],
    ])
      expect(waited.stdout).toContain(
        `ended: ${connection} on ${endpoint} (jdoe) at 2026-11-26T10:00:01Z, run manual-2026-11-26T10:00:01.000Z (terminated)`,
      );
    expect(waited.stdout).toMatch(/All 2 ended\.\n$/);
    expect(statusOf(JDOE_CORP)).not.toBe('active');
  }, 90_000);

  it('watches a certificate-only connection by its common name, and says so in JSON', async () => {
    // Arrange
    const waiting = startCli([
      'revoke',
      '--common-names',
      'KIOSK.corp.example.com',
      '--reason',
      'stolen',
      '--wait',
      '--yes',
      '-o',
      'json',
      ...target,
    ]);
    await waiting.until(async () => (await policyIds()).includes('revoked-stolen'));

    // Act
    await runNow();
    const waited = await waiting.done;

    // Assert
    expect(waited.code).toBe(0);
    expect(jsonOf(waited)).toMatchObject({
      action: 'created',
      policyId: 'revoked-stolen',
      wait: {
        watched: [{ endpointId: CORP, connectionId: KIOSK, commonName: 'kiosk.corp.example.com' }],
        ended: [{ connectionId: KIOSK, runId: 'manual-2026-11-26T10:00:01.000Z', how: 'terminated' }],
        stillUp: [],
        timedOut: false,
      },
    });
  }, 90_000);

  it('prints a refusal at connect of the same user after the write', async () => {
    // Arrange
    const waiting = startCli([
      'revoke',
      'jdoe',
      '--reason',
      OFFBOARDED,
      '--wait',
      '--timeout',
      '60s',
      '--yes',
      ...target,
    ]);
    await waiting.until((live) => live.stdout().includes('Waiting for 2 connections'));

    // Act
    const attempt = await sandbox.connect({ endpoint: CORP, username: 'jdoe' });
    await waiting.until((live) => live.stdout().includes('refused at connect: jdoe on'));
    await runNow();
    const waited = await waiting.done;

    // Assert
    expect(attempt.admitted).toBe(false);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(new RegExp(`refused at connect: jdoe on ${CORP} at \\S+ \\(revoke-mallory\\)`));
  }, 90_000);

  it('exits 1 after --timeout with what is still up when no run ends them', async () => {
    // Arrange: a run that starts anyway (the policies table's changes may start one) fails to terminate.
    sandbox.faults.add({ service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'error' });

    // Act
    const waited = await revoke('jdoe', '--reason', OFFBOARDED, '--wait', '--timeout', '5s', '--yes');

    // Assert
    expect(waited.code).toBe(1);
    expect(waited.stdout).toContain(
      `Timed out: 2 still up:\n  ${JDOE_CORP} on ${CORP} (jdoe)\n  ${JDOE_ENG} on ${ENG} (jdoe)\n`,
    );
    expect(statusOf(JDOE_CORP)).toBe('active');
  }, 60_000);

  it('backs off when EC2 throttles its looks, says so, and still exits 0 once the run has ended them', async () => {
    // Arrange
    const waiting = startCli([
      'revoke',
      'jdoe',
      '--reason',
      OFFBOARDED,
      '--wait',
      '--timeout',
      '60s',
      '--yes',
      ...target,
    ]);
    await waiting.until((live) => live.stdout().includes('Waiting for 2 connections'));
    sandbox.faults.add({ service: 'ec2', actions: ['DescribeClientVpnConnections'], kind: 'throttle', count: 3 });
    await waiting.until((live) => live.stderr().includes('EC2 throttled the wait (RequestLimitExceeded)'));
    await waiting.until(() => sandbox.faults.list().every((rule) => rule.fired >= (rule.count ?? Infinity)));

    // Act
    const run = await runNow();
    const waited = await waiting.done;

    // Assert
    expect(run.code).toBe(0);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/All 2 ended\.\n$/);
    expect(waited.stderr).toMatch(/EC2 throttled the wait \(RequestLimitExceeded\): looking again in 4\.0s/);
    expect(waited.stderr).toMatch(/1 look was throttled or failed for now; the wait backed off and went on/);
  }, 90_000);
});
