import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DescribeClientVpnConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as fc from 'fast-check';
import { loadGateConfig } from '../../lambda/config.js';
import { DEFAULT_REFUSAL_MESSAGE } from '../../lambda/domain/index.js';
import { EnvVar } from '../../lambda/environment.js';
import { createGateClients } from '../../lambda/clients.js';
import { createGateHandler, createGateRuntime, type GateRuntime } from '../../lambda/gate-handler.js';
import { GateMetric } from '../../lambda/gate/index.js';
import { MemoryAuditLog } from '../support/MemoryAuditLog.js';
import { MemoryConnectionCounter, MemoryConnectionFacts, MemoryPolicies } from '../support/MemoryPorts.js';
import { row } from './domain/fixtures.js';
import { connectRequest, HeldClock } from './gate/support.js';

const CONTEXT = {
  getRemainingTimeInMillis: () => 30_000,
  functionName: 'AWSClientVPN-gate',
  awsRequestId: 'req',
} as unknown as Context;

function setup(makeRuntime: () => GateRuntime) {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added: string[] = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name) => {
    added.push(name);
    return metrics;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const runtime = jest.fn(makeRuntime);
  return { handler: createGateHandler(runtime, { logger, metrics }), runtime, added };
}

const TABLES = { [EnvVar.POLICIES_TABLE]: 'p', [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.STATE_TABLE]: 's' };

function memoryRuntime(env: Record<string, string> = {}): GateRuntime {
  return {
    config: loadGateConfig({ ...TABLES, ...env }),
    policies: new MemoryPolicies([row.revokedUser()]),
    audit: new MemoryAuditLog(),
    facts: new MemoryConnectionFacts(),
    counter: new MemoryConnectionCounter(),
    clock: new HeldClock(),
  };
}

describe('gateHandler', () => {
  it('refuses a revoked user, reads its configuration once per container, and counts the attempt', async () => {
    // Arrange
    const { handler, runtime, added } = setup(() => memoryRuntime());

    // Act
    const first = await handler(connectRequest(), CONTEXT);
    const second = await handler(connectRequest({ username: 'bob' }), CONTEXT);

    // Assert
    expect(first).toMatchObject({ allow: false, 'schema-version': 'v2' });
    expect(second).toMatchObject({ allow: true, 'error-msg-on-denied-connection': '' });
    expect(runtime).toHaveBeenCalledTimes(1);
    expect(added).toEqual(expect.arrayContaining([GateMetric.ATTEMPTS, GateMetric.REFUSED, GateMetric.ADMITTED]));
  });

  it('answers a refusal, well formed, when its configuration is invalid', async () => {
    const { handler } = setup(() => memoryRuntime({ [EnvVar.CONNECT_FAIL_MODE]: 'deny' }));

    expect(await handler(connectRequest(), CONTEXT)).toEqual({
      allow: false,
      'error-msg-on-denied-connection': DEFAULT_REFUSAL_MESSAGE,
      'posture-compliance-statuses': [],
      'schema-version': 'v2',
    });
  });

  it('never throws, whatever the event', async () => {
    const { handler } = setup(() => memoryRuntime({ [EnvVar.CONNECT_FAIL_MODE]: 'refuse' }));

    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (event) => {
        const response = await handler(event, CONTEXT);
        expect(typeof response.allow).toBe('boolean');
        expect(response['error-msg-on-denied-connection'].length).toBeLessThanOrEqual(255);
      }),
      { numRuns: 100 },
    );
  });
});

describe('createGateRuntime', () => {
  const ec2 = mockClient(EC2Client);
  afterEach(() => {
    ec2.reset();
  });

  it("counts the active connections EC2 lists for the user, through a one-attempt EC2 client, on the gate's own clients", async () => {
    // Arrange
    ec2.on(DescribeClientVpnConnectionsCommand).resolves({
      Connections: [
        { ConnectionId: 'cvpn-connection-1', Username: 'alice', Status: { Code: 'active' } },
        { ConnectionId: 'cvpn-connection-2', Username: 'alice', Status: { Code: 'terminated' } },
        { ConnectionId: 'cvpn-connection-3', Username: 'alice', Status: { Code: 'active' } },
      ],
    });
    const runtime = createGateRuntime(loadGateConfig(TABLES), createGateClients({ region: 'us-east-1' }));

    // Act
    const count = await runtime.counter.countActive('cvpn-endpoint-0123456789abcdef0', 'alice', 'cvpn-connection-3');

    // Assert
    expect(count).toBe(1);
    expect(ec2.commandCalls(DescribeClientVpnConnectionsCommand)[0]?.args[0].input).toMatchObject({
      ClientVpnEndpointId: 'cvpn-endpoint-0123456789abcdef0',
      Filters: [{ Name: 'username', Values: ['alice'] }],
    });
    expect(
      await (ec2.commandCalls(DescribeClientVpnConnectionsCommand)[0]?.thisValue as EC2Client).config.maxAttempts(),
    ).toBe(1);
  });
});
