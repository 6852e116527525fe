import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { createAwsClients } from '../../../lambda/clients.js';
import type { AdmissionRecord, RunSummary } from '../../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { jsonOf, runCli, runCliInTerminal } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e00000000000a1';
const ENG = 'cvpn-endpoint-0e2e00000000000b2';
const OURS = 'AWSClientVPN-CvpnGuard';
const OTHER = 'AWSClientVPN-someone-else';

interface StateJson {
  readonly endpointId: string;
  readonly enabled: boolean;
  readonly lambdaFunctionArn: string | null;
  readonly status: { code: string | null; message: string | null };
  readonly ours: boolean | null;
}

let sandbox: Sandbox;
let sandboxFlag: string[];
let oursArn: string;
let otherArn: string;

const answer = {
  allow: true,
  'error-msg-on-denied-connection': '',
  'posture-compliance-statuses': [],
  'schema-version': 'v2',
};

/** The endpoint's ClientConnectOptions as EC2 describes them, read straight from the sandbox. */
async function attached(endpointId: string): Promise<StateJson> {
  return jsonOf<StateJson>(
    await runCli(['gate', 'status', '--endpoint', endpointId, '--output', 'json', ...sandboxFlag]),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    scenario: { endpoints: [{ id: CORP }, { id: ENG }] },
    clock: { start: '2026-11-26T10:00:00Z', frozen: true },
  });
  sandboxFlag = [`--sandbox=${sandbox.endpoint}`];
  oursArn = sandbox.lambda.arn(OURS);
  otherArn = sandbox.lambda.arn(OTHER);
});

beforeEach(async () => {
  await sandbox.reset();
  sandbox.lambda.register(OURS, () => answer);
  sandbox.lambda.register(OTHER, () => answer);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('cvpn-guard gate', () => {
  it('attaches the function to the endpoint, after which Client VPN asks it about each connection', async () => {
    // Act
    const run = await runCli(['gate', 'attach', '--endpoint', CORP, '--function', oursArn, '--yes', ...sandboxFlag]);

    // Assert
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`attached ${oursArn} to ${CORP}`);
    expect(run.stdout).toMatch(/this deployment's +yes \(--function\)/);
    expect(await attached(CORP)).toMatchObject({
      enabled: true,
      lambdaFunctionArn: oursArn,
      status: { code: 'applied' },
    });
    expect(await attached(ENG)).toMatchObject({ enabled: false });
    await sandbox.connect({ endpoint: CORP, username: 'zoe' });
    expect(sandbox.lambda.get(OURS).stats.invocations).toBe(1);
  });

  it('changes nothing when the function is attached already, and says so', async () => {
    // Arrange
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', oursArn, '--yes', ...sandboxFlag]);

    // Act
    const run = await runCli([
      'gate',
      'attach',
      '--endpoint',
      CORP,
      '--function',
      oursArn,
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(0);
    expect(jsonOf<{ action: string }>(run).action).toBe('unchanged');
  });

  it('asks before attaching, and attaches nothing when the answer is no', async () => {
    // Act
    const declined = await runCliInTerminal(
      ['gate', 'attach', '--endpoint', CORP, '--function', oursArn, ...sandboxFlag],
      'n\n',
    );
    const accepted = await runCliInTerminal(
      ['gate', 'attach', '--endpoint', ENG, '--function', oursArn, ...sandboxFlag],
      'y\n',
    );

    // Assert
    expect(declined.stdout).toContain(`Attach ${oursArn} to ${CORP}?`);
    expect(declined.stdout).toContain(`not attached: ${CORP} is unchanged`);
    expect(declined.code).toBe(1);
    expect(accepted.code).toBe(0);
    expect(await attached(CORP)).toMatchObject({ enabled: false });
    expect(await attached(ENG)).toMatchObject({ enabled: true });
  });

  it('refuses to change an endpoint without --yes when there is no terminal to ask on', async () => {
    // Act
    const run = await runCli(['gate', 'attach', '--endpoint', CORP, '--function', oursArn, ...sandboxFlag]);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs confirmation and there is no terminal to ask on: pass --yes');
    expect(await attached(CORP)).toMatchObject({ enabled: false });
  });

  it("detaches the deployment's own handler, and only with --force another one", async () => {
    // Arrange
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', otherArn, '--yes', ...sandboxFlag]);

    // Act
    const refused = await runCli([
      'gate',
      'detach',
      '--endpoint',
      CORP,
      '--function',
      oursArn,
      '--yes',
      ...sandboxFlag,
    ]);
    const unknown = await runCli(['gate', 'detach', '--endpoint', CORP, '--yes', ...sandboxFlag]);
    const stillThere = await attached(CORP);
    const forced = await runCli([
      'gate',
      'detach',
      '--endpoint',
      CORP,
      '--function',
      oursArn,
      '--force',
      '--yes',
      ...sandboxFlag,
    ]);

    // Assert
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `handler is ${otherArn}, not this deployment's (${oursArn}, from --function): pass --force`,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cannot tell whether');
    expect(stillThere).toMatchObject({ enabled: true, lambdaFunctionArn: otherArn, ours: null });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`detached ${otherArn} from ${CORP}`);
    expect(await attached(CORP)).toMatchObject({ enabled: false, lambdaFunctionArn: null });
  });

  it("detaches its own handler, recognised by any qualifier of the function's ARN", async () => {
    // Arrange
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', `${oursArn}:$LATEST`, '--yes', ...sandboxFlag]);

    // Act
    const status = await runCli(['gate', 'status', '--endpoint', CORP, '--function', oursArn, ...sandboxFlag]);
    const run = await runCli([
      'gate',
      'detach',
      '--endpoint',
      CORP,
      '--function',
      oursArn,
      '--yes',
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(status.stdout).toMatch(/client connect handler +enabled/);
    expect(status.stdout).toMatch(/status +applied/);
    expect(status.stdout).toMatch(/this deployment's +yes/);
    expect(run.code).toBe(0);
    expect(jsonOf<{ action: string; after: StateJson }>(run)).toMatchObject({
      action: 'detached',
      after: { enabled: false },
    });
  });

  it('names a wrong endpoint or function and what is accepted, and exits 2', async () => {
    // Act
    const noEndpoint = await runCli([
      'gate',
      'status',
      '--endpoint',
      'cvpn-endpoint-0e2e0000000000fff',
      ...sandboxFlag,
    ]);
    const badEndpoint = await runCli(['gate', 'status', '--endpoint', 'corp', ...sandboxFlag]);
    const badArn = await runCli([
      'gate',
      'attach',
      '--endpoint',
      CORP,
      '--function',
      'CvpnGuard',
      '--yes',
      ...sandboxFlag,
    ]);
    const badName = await runCli([
      'gate',
      'attach',
      '--endpoint',
      CORP,
      '--function',
      sandbox.lambda.arn('CvpnGuardGate'),
      '--yes',
      ...sandboxFlag,
    ]);
    const noFunction = await runCli(['gate', 'attach', '--endpoint', CORP, '--yes', ...sandboxFlag]);

    // Assert
    expect([noEndpoint.code, badEndpoint.code, badArn.code, badName.code, noFunction.code]).toEqual([2, 2, 2, 2, 2]);
    expect(noEndpoint.stderr).toContain(
      'no Client VPN endpoint cvpn-endpoint-0e2e0000000000fff in this account and region',
    );
    expect(badEndpoint.stderr).toContain('--endpoint "corp": expected a Client VPN endpoint id');
    expect(badArn.stderr).toContain('--function "CvpnGuard": expected a Lambda function ARN');
    expect(badName.stderr).toContain('whose name begins with AWSClientVPN-');
    expect(noFunction.stderr).toContain('which function to attach? pass --stack NAME');
  });

  it("passes on Client VPN's refusal of a function that does not exist", async () => {
    // Act
    const run = await runCli([
      'gate',
      'attach',
      '--endpoint',
      CORP,
      '--function',
      sandbox.lambda.arn('AWSClientVPN-gone'),
      '--yes',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('InvalidParameterValue');
    expect(await attached(CORP)).toMatchObject({ enabled: false });
  });
});

interface DoctorJson {
  readonly ok: boolean;
  readonly checks: { check: string; status: string; detail: string; fix?: string }[];
}

describe('cvpn-guard doctor, on the client connect handler', () => {
  const handlerChecks = (run: DoctorJson) =>
    run.checks.filter((check) => check.check.includes('client connect handler'));

  it("passes an attached handler of this deployment's that answers the canary, with its answer and latency", async () => {
    // Arrange
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', oursArn, '--yes', ...sandboxFlag]);

    // Act
    const run = await runCli([
      'doctor',
      '--endpoint-ids',
      CORP,
      '--function',
      oursArn,
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(0);
    expect(handlerChecks(jsonOf<DoctorJson>(run))).toEqual([
      {
        check: `${CORP} client connect handler`,
        status: 'pass',
        detail: `this deployment's, enabled, status applied: ${oursArn}`,
      },
      {
        check: `${CORP} client connect handler canary`,
        status: 'pass',
        detail: expect.stringMatching(
          /^answered in \d+ ms: allowed a synthetic attempt \(cvpn-guard-canary-[0-9a-f-]+\)$/,
        ),
      },
    ]);
    expect(sandbox.lambda.get(OURS).stats.invocations).toBe(1);
  });

  it('warns when the handler is not attached, saying how to attach it, and still sends our function the canary', async () => {
    // Act
    const run = await runCli([
      'doctor',
      '--endpoint-ids',
      ENG,
      '--function',
      oursArn,
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(0);
    expect(handlerChecks(jsonOf<DoctorJson>(run))).toEqual([
      expect.objectContaining({
        status: 'warn',
        detail: expect.stringContaining('not attached'),
        fix: `attach it: cvpn-guard gate attach --endpoint ${ENG} --function ${oursArn}`,
      }),
      expect.objectContaining({ check: `${ENG} client connect handler canary`, status: 'pass' }),
    ]);
  });

  it('warns when another function is attached, and fails a canary that gets no well-formed answer', async () => {
    // Arrange
    sandbox.lambda.register(OTHER, () => ({ allow: 'yes' }));
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', otherArn, '--yes', ...sandboxFlag]);

    // Act
    const run = await runCli([
      'doctor',
      '--endpoint-ids',
      CORP,
      '--function',
      oursArn,
      '--output',
      'json',
      ...sandboxFlag,
    ]);

    // Assert
    expect(run.code).toBe(1);
    expect(handlerChecks(jsonOf<DoctorJson>(run))).toEqual([
      expect.objectContaining({ status: 'warn', detail: expect.stringContaining(`another function: ${otherArn}`) }),
      expect.objectContaining({
        status: 'fail',
        detail: expect.stringContaining('malformed-answer: the answer is not one Client VPN accepts'),
        fix: expect.stringContaining('cvpn-guard gate attach --stack NAME'),
      }),
    ]);
  });

  it('fails a canary the attached handler throttles, with the fix', async () => {
    // Arrange
    await runCli(['gate', 'attach', '--endpoint', CORP, '--function', oursArn, '--yes', ...sandboxFlag]);
    sandbox.lambda.functionFaults.set([{ function: OURS, kind: 'throttle' }]);

    // Act
    const run = await runCli(['doctor', '--endpoint-ids', CORP, '--function', oursArn, ...sandboxFlag]);

    // Assert
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `FAIL  ${CORP} client connect handler canary: throttled: Invoke ${oursArn}: TooManyRequestsException`,
    );
    expect(run.stdout).toContain('fix: give the function reserved (or provisioned) concurrency');
  });
});

describe("cvpn-guard audit list, with the client connect handler's admission records", () => {
  const refused: AdmissionRecord = {
    recordType: 'admission',
    outcome: 'refused',
    runId: 'gate-2026-11-26',
    at: '2026-11-26T09:30:00.000Z',
    endpointId: CORP,
    connectionId: 'cvpn-connection-0e2e0000000000d01',
    username: 'mallory',
    clientIp: '198.51.100.7',
    platform: 'mac',
    policyId: 'revoke-mallory',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['revoke-mallory (revoked-user, enforce)'],
    reason: 'user mallory is revoked',
    message: 'Your access was removed.',
  };
  const failedClosed: AdmissionRecord = {
    recordType: 'admission',
    outcome: 'refused-fail-closed',
    runId: 'gate-2026-11-26',
    at: '2026-11-26T09:45:00.000Z',
    endpointId: ENG,
    connectionId: 'cvpn-connection-0e2e0000000000d02',
    username: 'bob',
    firedPolicies: [],
    reason: 'the decision was not ready within the connect deadline: refused (connectFailMode refuse)',
    message: 'Your VPN connection was not allowed. Contact your IT support if you need access.',
    failMode: 'deadline',
  };

  beforeEach(async () => {
    const clients = createAwsClients(sandbox.clientConfig());
    try {
      const log = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365);
      for (const record of [refused, failedClosed]) await log.record(record);
    } finally {
      clients.dynamodb.destroy();
    }
  });

  it('lists them with outcome, endpoint, identity, policy and the message shown, in the table and in JSON', async () => {
    // Act
    const [table, json] = await Promise.all([
      runCli(['audit', 'list', '--since', '2026-11-26', '--wide', ...sandboxFlag]),
      runCli(['audit', 'list', '--since', '2026-11-26', '--output', 'json', ...sandboxFlag]),
    ]);

    // Assert
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(
        `^2026-11-26T09:45:00Z +refused-fail-closed +${ENG} +cvpn-connection-0e2e0000000000d02 +bob +gate-2026-11-26 +the decision was not ready`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `refused +revoke-mallory +${CORP} +cvpn-connection-0e2e0000000000d01 +mallory +gate-2026-11-26 +user mallory is revoked; shown: "Your access was removed\\."$`,
      ),
    );
    expect(jsonOf<{ records: AdmissionRecord[] }>(json).records).toEqual([failedClosed, refused]);
  });

  it('applies the filters to them: identity, endpoint, policy, outcome, the day bucket', async () => {
    // Act
    const outcomesOf = async (...filter: string[]) =>
      jsonOf<{ records: AdmissionRecord[] }>(
        await runCli(['audit', 'list', ...filter, '--output', 'json', ...sandboxFlag]),
      ).records.map((record) => record.outcome);
    const [byUser, byEndpoint, byPolicy, byOutcome, byDay] = await Promise.all([
      outcomesOf('--user', 'Mallory'),
      outcomesOf('--endpoint', ENG),
      outcomesOf('--policy', 'revoke-mallory'),
      outcomesOf('--since', '2026-11-26', '--outcome', 'refused'),
      outcomesOf('--run', 'gate-2026-11-26'),
    ]);

    // Assert
    expect(byUser).toEqual(['refused']);
    expect(byEndpoint).toEqual(['refused-fail-closed']);
    expect(byPolicy).toEqual(['refused']);
    expect(byOutcome).toEqual(['refused']);
    expect(byDay.sort()).toEqual(['refused', 'refused-fail-closed']);
  });
});

describe("cvpn-guard audit show, with the run's canary", () => {
  it('shows what the client connect handler answered the run, or why it failed', async () => {
    // Arrange
    const summary = (runId: string, canary: RunSummary['canary']): RunSummary => ({
      recordType: 'summary',
      runId,
      at: '2026-11-26T10:00:00.000Z',
      finishedAt: '2026-11-26T10:00:02.000Z',
      durationMs: 2000,
      status: 'completed',
      dryRun: false,
      endpoints: 2,
      endpointErrors: [],
      connectionsSeen: 0,
      counts: {},
      invalidPolicies: 0,
      terminateCalls: 0,
      throttledCalls: 0,
      reconciled: 0,
      canary,
    });
    const clients = createAwsClients(sandbox.clientConfig());
    try {
      const log = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 365);
      await log.putSummary(summary('run-answered', { ok: true, endpointId: CORP, allow: true, latencyMs: 41 }));
      await log.putSummary(
        summary('run-failed', {
          ok: false,
          endpointId: CORP,
          reason: 'timeout: no answer within 3000 ms',
          latencyMs: 3000,
        }),
      );
    } finally {
      clients.dynamodb.destroy();
    }

    // Act
    const [answered, failed] = await Promise.all([
      runCli(['audit', 'show', 'run-answered', ...sandboxFlag]),
      runCli(['audit', 'show', 'run-failed', ...sandboxFlag]),
    ]);

    // Assert
    expect(answered.stdout).toMatch(new RegExp(`connect handler canary +answered on ${CORP}, 41 ms: allowed\\n`));
    expect(failed.stdout).toMatch(
      new RegExp(`connect handler canary +FAILED on ${CORP}, 3000 ms: timeout: no answer within 3000 ms\\n`),
    );
  });
});
