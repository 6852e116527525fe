/**
 * The client connect handler and the run, together on the sandbox: the gate keeps the groups of the
 * connections it admits, so that a `groups` row ends a connection it admitted with that group at the next
 * run, and leaves alone one it never saw (its groups are unknown: EC2 does not list them). `plan` says how
 * many connections have unknown groups.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ModifyClientVpnEndpointCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { loadGateConfig } from '../../../lambda/config.js';
import { createGateHandler, createGateRuntime } from '../../../lambda/gate-handler.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../lambda/metrics.js';
import type { Clock } from '../../../lambda/ports/index.js';
import { resourceEnvironment } from '../../../lambda/resource-environment.js';
import type { ClientConnectRequest, Sandbox } from '../../../local/index.js';
import { runCliInProcess } from '../../reliability/support/cli.js';
import { sandboxEnforcer, scanAll } from '../../support/sandbox-enforcer.js';
import { ENDPOINT_A, ENDPOINT_B, startTestSandbox } from '../sandbox/helpers.js';

const GATE = 'AWSClientVPN-gate';

const CONTRACTORS_OUT = {
  policyId: 'contractors-out',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  groups: ['Contractors'],
  reason: 'the contractor agreement ended',
};

interface PlanGroups {
  readonly decisions: readonly { connectionId: string; policyId: string }[];
  readonly groups: {
    connectionsWithUnknownGroups: number;
    factsOfAnotherIdentity: number;
    rowsSelectingGroups: string[];
  };
}

describe('the gate keeps the groups a run then decides on', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ port: 0 });
    clients = createAwsClients(sandbox.clientConfig());
  });

  beforeEach(async () => {
    await sandbox.reset();
    await sandbox.putItems('policies', []);
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    clients?.ec2.destroy();
    clients?.ec2Terminate.destroy();
    await sandbox?.stop();
  });

  /**
   * The real handler on the sandbox's clients, attached to endpoint A. Its clock reads the sandbox's time but
   * sleeps in real time: on the frozen sandbox clock a sleep would move time to the deadline at once.
   */
  async function attachGate(): Promise<void> {
    const clock: Clock = {
      now: () => sandbox.clock.now(),
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
    };
    const config = loadGateConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) });
    const handler = createGateHandler(() => createGateRuntime(config, clients, clock), {
      logger: new Logger({ serviceName: SERVICE_NAME, logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    });
    sandbox.lambda.register<ClientConnectRequest, unknown>(GATE, (request, context) =>
      handler(request, context as unknown as Context),
    );
    await clients.ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: ENDPOINT_A,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: sandbox.lambda.arn(GATE) },
      }),
    );
  }

  it('ends the connection the gate admitted with a revoked group, and leaves the one it never saw', async () => {
    // Arrange: erin connects through the gate, frank on an endpoint without it; both in Contractors.
    await attachGate();
    const seen = await sandbox.connect({
      endpoint: ENDPOINT_A,
      username: 'erin',
      groups: ['contractors', 'staff'],
      platform: 'windows',
      platformVersion: '10.0.22631',
      clientOpenVpnVersion: '2.6.12',
    });
    const unseen = await sandbox.connect({ endpoint: ENDPOINT_B, username: 'frank', groups: ['contractors'] });
    expect([seen.admitted, unseen.admitted]).toEqual([true, true]);
    await sandbox.putItems('policies', [CONTRACTORS_OUT]);
    const enforcer = sandboxEnforcer(sandbox);

    try {
      // Act
      const shown = await runCliInProcess(['plan', '--output', 'json', `--sandbox=${sandbox.endpoint}`], {});
      const doctor = await runCliInProcess(['doctor', '--output', 'json', `--sandbox=${sandbox.endpoint}`], {});
      const report = await enforcer.tick();

      // Assert: the gate kept erin's facts, and nothing of frank's.
      const facts = (await scanAll(clients, sandbox.tables.state)).filter((item) =>
        String(item.pk).startsWith('CONN#'),
      );
      expect(facts).toEqual([
        expect.objectContaining({
          pk: `CONN#${ENDPOINT_A}`,
          sk: seen.connectionId,
          username: 'erin',
          groups: ['contractors', 'staff'],
          platform: 'windows',
          platformVersion: '10.0.22631',
          clientOpenVpnVersion: '2.6.12',
          publicIp: '203.0.113.10',
        }),
      ]);
      // The plan and the run decide alike: erin ends, frank stays (his groups are unknown).
      const plan = JSON.parse(shown.stdout) as PlanGroups;
      expect(plan.decisions.map((decision) => [decision.connectionId, decision.policyId])).toEqual([
        [seen.connectionId, 'contractors-out'],
      ]);
      const decided = report.records.filter((record) => record.recordType === 'decision');
      expect(decided.map((record) => [record.connectionId, record.outcome])).toEqual([
        [seen.connectionId, 'terminated'],
      ]);
      expect(sandbox.emulator.getConnection(seen.connectionId ?? '').status).toBe('terminating');
      expect(sandbox.emulator.getConnection(unseen.connectionId ?? '').status).toBe('active');
      expect(report.groups).toEqual({
        unknown: plan.groups.connectionsWithUnknownGroups,
        mismatched: 0,
        selectingRows: ['contractors-out'],
      });
      expect(plan.groups.rowsSelectingGroups).toEqual(['contractors-out']);
      // The scenario's 13 active connections, made before the gate was attached, and frank's.
      expect(plan.groups.connectionsWithUnknownGroups).toBe(14);
      const checks = (JSON.parse(doctor.stdout) as { checks: { check: string; status: string; detail: string }[] })
        .checks;
      expect(checks.find((check) => check.check === 'connection groups')).toEqual({
        check: 'connection groups',
        status: 'warn',
        detail:
          '14 active connections have unknown groups: the rows selecting by groups (contractors-out) do not match them through groups',
        fix: expect.stringContaining('attach the client connect handler'),
      });
    } finally {
      enforcer.clients.ec2.destroy();
      enforcer.clients.ec2Terminate.destroy();
      enforcer.clients.dynamodb.destroy();
      enforcer.clients.sns.destroy();
    }
  }, 60_000);

  it('refuses a connection that would take a user over max-connections, counted at connect time', async () => {
    // Arrange
    await attachGate();
    await sandbox.putItems('policies', [
      {
        policyId: 'one-session',
        kind: 'max-connections',
        mode: 'enforce',
        endpoints: ['*'],
        maxConnections: 1,
        reason: 'one device at a time',
        message: 'You are already connected from another device.',
      },
    ]);

    // Act
    const first = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'grace' });
    const second = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'grace' });
    const other = await sandbox.connect({ endpoint: ENDPOINT_A, username: 'heidi' });

    // Assert
    expect(first.admitted).toBe(true);
    expect(second).toMatchObject({ admitted: false, message: 'You are already connected from another device.' });
    expect(other.admitted).toBe(true);
    expect(sandbox.counters.get('ec2', 'DescribeClientVpnConnections').calls).toBe(3);
  }, 60_000);
});
