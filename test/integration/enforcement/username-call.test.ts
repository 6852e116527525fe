import { afterEach, describe, expect, it } from '@jest/globals';
import type { TerminationCall } from '../../../lambda/domain/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { decisionItems, sandboxEnforcer } from '../../support/sandbox-enforcer.js';

const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const START = '2026-11-26T10:00:00Z';
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left the company',
};

describe('a terminate call by user name on the sandbox', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
  });

  it('records a connection opened between the listing and the call with its own record', async () => {
    // Arrange: mallory holds two connections; a third opens after the run listed them.
    sandbox = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: A }],
        connections: [{ endpoint: A, username: 'mallory', count: 2, established: '-2h' }],
        policies: [REVOKED],
      },
      clock: { start: START, frozen: true },
    });
    const box = sandbox;
    let late: string | undefined;
    const enforcer = sandboxEnforcer(box, {}, (runtime) => {
      const gateway = runtime.ports.gateway;
      return {
        ...runtime,
        ports: {
          ...runtime.ports,
          gateway: {
            ...gateway,
            listEndpoints: (selection) => gateway.listEndpoints(selection),
            listConnections: (endpointId) => gateway.listConnections(endpointId),
            getConnection: (endpointId, connectionId) => gateway.getConnection(endpointId, connectionId),
            terminate: (call: TerminationCall) => {
              late ??= box.emulator.addConnection({ endpointId: A, username: 'mallory' }).connectionId;
              return gateway.terminate(call);
            },
          },
        },
      };
    });

    // Act
    const report = await enforcer.tick();

    // Assert
    expect(report.terminateCalls).toBe(1);
    expect(box.emulator.listConnections().map((connection) => connection.status)).toEqual([
      'terminating',
      'terminating',
      'terminating',
    ]);
    const items = await decisionItems(box, enforcer.clients);
    expect(items).toHaveLength(3);
    expect(items.find((item) => item.connectionId === late)).toMatchObject({
      outcome: 'terminated',
      reason: 'ended by the user-name call of policy offboarded',
      policyReason: 'left the company',
      calledBy: 'username',
      username: 'mallory',
      previousStatus: 'active',
      currentStatus: 'terminating',
      requestId: expect.any(String),
    });
  });
});
