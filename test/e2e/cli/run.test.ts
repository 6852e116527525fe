/**
 * `cvpn-guard run` against the sandbox with the product installed (no schedule): it invokes the enforcer through
 * the sandbox's Lambda API as it would the deployed one, prints its report, and agrees with `plan`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoRunLease } from '../../../lambda/adapters/DynamoRunLease.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { STATE_TABLE } from '../../../lambda/tables.js';
import { installProduct, type InstalledProduct } from '../../../cli/sandbox/product.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { jsonOf, runCli } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e00000000000a1';
const ENG = 'cvpn-endpoint-0e2e00000000000b2';
const GRACE = 'cvpn-connection-0e2e000000000a002';
const MALLORY = 'cvpn-connection-0e2e000000000b001';
const BREAKGLASS = 'cvpn-connection-0e2e000000000a004';
const ALICE = 'cvpn-connection-0e2e000000000a003';

/** A revoked user, a session past its limit, an exempt admin past it too, and a user breaking nothing. */
const SCENARIO = {
  endpoints: [{ id: CORP }, { id: ENG }],
  connections: [
    { endpoint: ENG, id: MALLORY, username: 'mallory', established: '-20m' },
    { endpoint: CORP, id: GRACE, username: 'grace', established: '-9h' },
    { endpoint: CORP, id: ALICE, username: 'alice', established: '-1h' },
    { endpoint: CORP, id: BREAKGLASS, username: 'breakglass', established: '-10h' },
  ],
  policies: [
    {
      policyId: 'revoke-mallory',
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['mallory'],
      reason: 'offboarded',
      version: 1,
    },
    {
      policyId: 'max-session-8h',
      kind: 'max-session',
      mode: 'enforce',
      endpoints: ['*'],
      maxSessionMinutes: 480,
      reason: 'reconnect daily',
      version: 1,
    },
    {
      policyId: 'exempt-breakglass',
      kind: 'exempt',
      usernames: ['breakglass'],
      reason: 'incident response',
      version: 1,
    },
    { policyId: 'broken', kind: 'idle', mode: 'enforce', endpoints: ['*'], reason: 'no idleMinutes', version: 1 },
  ],
};

/** A decision as both `plan -o json` and `run -o json` print it. */
interface DecisionJson {
  readonly connectionId: string;
  readonly endpointId: string;
  readonly verdict: string;
  readonly policyId: string;
  readonly kind: string;
  readonly mode: string;
  readonly reason: string;
  readonly fired: { policyId: string; kind: string; mode: string }[];
  readonly outcome?: string;
}

interface RunJson {
  readonly runId: string;
  readonly status: string;
  readonly dryRun: boolean;
  readonly decisions: DecisionJson[];
  readonly findings: { policyId: string }[];
  readonly counts: Record<string, number>;
  readonly endpointErrors: string[];
  readonly recordsOmitted: number;
}

let sandbox: Sandbox;
let product: InstalledProduct | undefined;
let clients: AwsClients;
let target: string[];

/** The frozen clock moves a second before each run, so each manual run has an id of its own. */
async function run(...args: string[]) {
  sandbox.clock.advance('1s');
  return runCli(['run', ...args, ...target]);
}

/** What a decision says, keyed by connection: what plan and run must agree on. */
function byConnection(decisions: readonly DecisionJson[]) {
  return Object.fromEntries(
    decisions.map((decision) => [
      decision.connectionId,
      {
        endpointId: decision.endpointId,
        verdict: decision.verdict,
        policyId: decision.policyId,
        kind: decision.kind,
        mode: decision.mode,
        reason: decision.reason,
        fired: decision.fired.map(({ policyId, kind, mode }) => ({ policyId, kind, mode })),
      },
    ]),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: SCENARIO, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
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

describe('cvpn-guard run', () => {
  it('runs the enforcer now and prints its report: each decision, the counts, the calls, the invalid rows', async () => {
    // Act
    const answered = await run();

    // Assert
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain('Run manual-2026-11-26T10:00:01.000Z (manual): completed');
    expect(answered.stdout).toContain('2 endpoints read, 4 connections seen; 1 invalid policy rows');
    expect(answered.stdout).toMatch(
      new RegExp(`${GRACE} +grace +terminated +max-session-8h +enforce +session 9 h old`),
    );
    expect(answered.stdout).toMatch(new RegExp(`${MALLORY} +mallory +terminated +revoke-mallory`));
    expect(answered.stdout).toMatch(new RegExp(`${BREAKGLASS} +breakglass +exempted +max-session-8h`));
    expect(answered.stdout).toContain('2 terminated, 1 exempted');
    expect(answered.stdout).toContain('2 TerminateClientVpnConnections calls (0 throttled)');
    expect(answered.stdout).toContain('policy row "broken" is invalid:');
    expect(sandbox.emulator.getConnection(GRACE).status).not.toBe('active');
    expect(sandbox.emulator.getConnection(ALICE).status).toBe('active');
  }, 60_000);

  it('agrees with plan decision by decision, dry run and not, and then ends what plan said', async () => {
    // Arrange: both read the same sandbox state at the same simulated time.
    sandbox.clock.advance('1s');
    const planDry = jsonOf<{ decisions: DecisionJson[] }>(await runCli(['plan', '--dry-run', '-o', 'json', ...target]));
    const planned = jsonOf<{ decisions: DecisionJson[] }>(await runCli(['plan', '-o', 'json', ...target]));

    // Act
    const dry = await runCli(['run', '--dry-run', '-o', 'json', ...target]);
    const real = await run('-o', 'json');

    // Assert
    expect(dry.code).toBe(0);
    const dryRun = jsonOf<RunJson>(dry);
    expect(dryRun).toMatchObject({ dryRun: true, recordsOmitted: 0, findings: [{ policyId: 'broken' }] });
    expect(byConnection(dryRun.decisions)).toEqual(byConnection(planDry.decisions));
    expect(Object.keys(byConnection(planDry.decisions)).sort()).toEqual([BREAKGLASS, GRACE, MALLORY].sort());
    expect(real.code).toBe(0);
    const enforced = jsonOf<RunJson>(real);
    const { [GRACE]: graceThen, [MALLORY]: malloryThen, ...others } = byConnection(enforced.decisions);
    const { [GRACE]: gracePlanned, [MALLORY]: malloryPlanned, ...othersPlanned } = byConnection(planned.decisions);
    expect(gracePlanned).toMatchObject({ verdict: 'terminate' });
    expect(malloryPlanned).toMatchObject({ verdict: 'terminate' });
    // One second on, the evidence in the reasons is still the same.
    expect({ graceThen, malloryThen, others }).toEqual({
      graceThen: gracePlanned,
      malloryThen: malloryPlanned,
      others: othersPlanned,
    });
    const terminated = enforced.decisions
      .filter((decision) => decision.outcome === 'terminated')
      .map((d) => d.connectionId);
    expect(terminated.sort()).toEqual([GRACE, MALLORY].sort());
    for (const connectionId of terminated)
      expect(sandbox.emulator.getConnection(connectionId).status).not.toBe('active');
    expect(sandbox.emulator.getConnection(BREAKGLASS).status).toBe('active');
  }, 90_000);

  it('says another run is under way when the enforcer finds the lease held, and exits 3', async () => {
    // Arrange
    const now = sandbox.clock.now();
    const lease = new DynamoRunLease(clients.documents, STATE_TABLE.sandboxName);
    expect(await lease.acquire('run-held-elsewhere', now, new Date(now.getTime() + 600_000))).toBe(true);

    // Act
    const answered = await run();

    // Assert
    expect(answered.code).toBe(3);
    expect(answered.stdout).toMatch(/^Run manual-\S+: skipped\. Another run is under way \(it holds the run lease\)/);
    expect(sandbox.emulator.getConnection(GRACE).status).toBe('active');
  }, 60_000);

  it("prints a function error with the function's error type and message, and exits 2", async () => {
    // Arrange
    sandbox.lambda.register('broken-enforcer', () => {
      throw new TypeError('cannot read the configuration');
    });

    // Act
    const answered = await run('--function', 'broken-enforcer', '-o', 'json');

    // Assert
    expect(answered.code).toBe(2);
    expect(jsonOf(answered)).toEqual({
      functionName: 'broken-enforcer',
      functionError: 'Unhandled',
      errorType: 'TypeError',
      errorMessage: 'cannot read the configuration',
    });
    expect(answered.stderr).toBe(
      'cvpn-guard: broken-enforcer failed (Unhandled): TypeError: cannot read the configuration\n',
    );
  }, 60_000);

  it('names the function it cannot find, and the flags that name another (exit 2)', async () => {
    const answered = await run('--function', 'no-such-enforcer');

    expect(answered.code).toBe(2);
    expect(answered.stderr).toMatch(/^cvpn-guard: no function no-such-enforcer in region us-east-1: check --function/);
  }, 60_000);

  it('asks which enforcer without --stack, --sandbox or --function', async () => {
    const answered = await runCli(['run']);

    expect(answered.code).toBe(2);
    expect(answered.stderr).toBe(
      'cvpn-guard: run: which enforcer? Pass --stack NAME (the deployed stack), --sandbox for the local sandbox, or --function NAME\n',
    );
  });
});
