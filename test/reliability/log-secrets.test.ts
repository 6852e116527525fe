/**
 * A run's output holds no credentials: the handler runs with fake credentials in its environment,
 * as Lambda gives a function its role's keys and session token, through the SDK's own credential
 * chain, at debug level, while EC2 and DynamoDB fail (so the error paths log too). Nothing it
 * prints, records in the audit table or publishes to SNS carries the secret key or the token.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsClients } from '../../lambda/clients.js';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { resourceEnvironment } from '../../lambda/resource-environment.js';
import { createRuntime } from '../../lambda/runtime.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { SandboxLambda } from './support/harness.js';
import { ENDPOINT_B, POLICIES, scenario, SELECTED_ENV, START } from './support/scenario.js';

const ACCESS_KEY_ID = 'ASIAFAKEFAKEFAKE7777';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETSECRET';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEFAKESESSIONTOKENFAKESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ';
const SECRETS = [SECRET_ACCESS_KEY, SESSION_TOKEN, SESSION_TOKEN.slice(0, 24)];

describe('the output of a run', () => {
  let sandbox: Sandbox;
  const saved = { ...process.env };
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      scenario: scenario([
        ...POLICIES,
        {
          policyId: 'bad-zone',
          kind: 'off-hours',
          mode: 'enforce',
          endpoints: ['*'],
          days: ['mon'],
          start: '08:00',
          end: '18:00',
          timezone: 'Mars/Olympus_Mons',
          reason: 'x',
        },
      ]),
      clock: { start: START, frozen: true },
      faults: [
        { service: 'ec2', kind: 'error', rate: 0.3 },
        { service: 'ec2', actions: ['@mutating'], kind: 'drop', rate: 0.2 },
        { service: 'dynamodb', actions: ['@write'], kind: 'error', rate: 0.2 },
      ],
      faultSeed: 5,
    });
    // As Lambda sets them for the function's role: the SDK's chain reads them from here.
    process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = SECRET_ACCESS_KEY;
    process.env.AWS_SESSION_TOKEN = SESSION_TOKEN;
    process.env.AWS_REGION = sandbox.region;
  });
  afterAll(async () => {
    process.env = saved;
    await sandbox?.stop();
  });

  it('holds no secret key nor session token: logs at debug level, audit records, digests', async () => {
    // Arrange: the real Powertools logger, at debug level, printing as in Lambda (its own Console on stdout and stderr).
    const printed: string[] = [];
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = new Logger({ serviceName: 'cvpn-guard', logLevel: 'DEBUG' });
    const env = { ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox), ...SELECTED_ENV };
    // The clients as the function builds them: no credentials given, so the SDK takes them from the environment.
    const clients = createAwsClients({ endpoint: sandbox.endpoint, region: sandbox.region });
    const lambda = new SandboxLambda(sandbox, {
      env: SELECTED_ENV,
      logger,
      wrap: () => createRuntime(loadEnforcerConfig(env), clients, sandbox.clock),
    });

    // Act: a few ticks through the faults (one endpoint cannot be listed at all), then a healthy one.
    sandbox.emulator.permissions.deny('DescribeClientVpnConnections', ENDPOINT_B);
    const outcomes: string[] = [];
    try {
      for (let tick = 0; tick < 3; tick += 1) {
        const { attempts } = await lambda.tickWithRetries();
        outcomes.push(...attempts.map((attempt) => (attempt.ok ? attempt.report.status : 'threw')));
        sandbox.clock.advance('5m');
      }
      sandbox.faults.clear();
      sandbox.emulator.permissions.clear();
      const last = await lambda.invoke();
      outcomes.push(last.ok ? last.report.status : 'threw');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    // Assert: the run signed its calls with the secrets, and logged (errors included)…
    expect(await clients.ec2.config.credentials()).toMatchObject({
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken: SESSION_TOKEN,
    });
    expect(await clients.dynamodb.config.credentials()).toMatchObject({
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken: SESSION_TOKEN,
    });
    const logs = printed.join('');
    expect(outcomes).toContain('completed');
    expect(logs).toContain('"level":"ERROR","message":"listing connections failed"');
    expect(logs).toContain('invalid policy row');
    expect(logs).toContain('run finished');
    // …and nothing it printed, recorded or published holds the secrets.
    const audit = JSON.stringify(await scanAll(lambda.clients, sandbox.tables.audit));
    const state = JSON.stringify(await scanAll(lambda.clients, sandbox.tables.state));
    const digests = JSON.stringify(sandbox.sns.messages);
    expect(audit).toContain('terminated');
    for (const secret of SECRETS) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
      expect(state).not.toContain(secret);
      expect(digests).not.toContain(secret);
    }
  });
});
