import { describe, expect, it } from '@jest/globals';
import type { Connection } from '../../../lambda/domain/index.js';
import type { ClientVpnEndpoint, DecisionRecord } from '../../../lambda/ports/index.js';
import { ENDPOINTS_IN_FLIGHT, gatherRun, type GatherPorts } from '../../../lambda/run/gather-run.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../../support/fixtures.js';
import { MemoryGateway, MemoryIdleStore, MemoryPolicies } from '../../support/MemoryPorts.js';

const REVOKED = REVOKED_MALLORY;
const TYPO = { policyId: 'typo', kind: 'idle', mode: 'enforce', endpoints: ['*'], idleMinute: 30, reason: 'x' };
const ENDPOINTS: ClientVpnEndpoint[] = [
  { endpointId: ENDPOINT_A, tags: {} },
  { endpointId: ENDPOINT_B, tags: {} },
];
const CONNECTIONS = [
  aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' }),
  aConnection({ connectionId: 'cvpn-connection-b1', endpointId: ENDPOINT_B }),
];
const UNCONFIRMED = [{ connectionId: 'cvpn-connection-a0' } as DecisionRecord];

function ports(gateway = new MemoryGateway(ENDPOINTS, CONNECTIONS)) {
  const idleState = new MemoryIdleStore();
  const loaded: (readonly string[])[] = [];
  const load = idleState.load.bind(idleState);
  const read = {
    gateway,
    policies: new MemoryPolicies([REVOKED, TYPO]),
    idleState: {
      load: (endpointIds: readonly string[]) => {
        loaded.push(endpointIds);
        return load();
      },
    },
    audit: { listUnconfirmed: async () => UNCONFIRMED },
  } satisfies GatherPorts;
  return { read, gateway, loaded };
}

describe('gatherRun', () => {
  it('reads rows, connections of the selected endpoints, unconfirmed terminations and idle memory', async () => {
    // Arrange
    const { read, loaded } = ports();

    // Act
    const gathered = await gatherRun(read, { endpointSelection: {} });

    // Assert
    expect(gathered.rows.map((row) => row.policyId)).toEqual(['offboarded']);
    expect(gathered.findings.map((finding) => finding.policyId)).toEqual(['typo']);
    expect(gathered.listing.endpointIds).toEqual([ENDPOINT_A, ENDPOINT_B]);
    expect([...gathered.listing.readEndpoints].sort()).toEqual([ENDPOINT_A, ENDPOINT_B]);
    expect(gathered.listing.connections.map((connection) => connection.connectionId).sort()).toEqual([
      'cvpn-connection-a1',
      'cvpn-connection-b1',
    ]);
    expect(gathered.listing.endpointErrors).toEqual([]);
    expect(gathered.unconfirmed).toBe(UNCONFIRMED);
    expect(loaded).toEqual([gathered.listing.readEndpoints]);
  });

  it('names a selected endpoint that does not exist, and goes on with the others when one cannot be read', async () => {
    // Arrange
    const { read, gateway, loaded } = ports();
    gateway.failingEndpoints.add(ENDPOINT_B);
    const missing = 'cvpn-endpoint-0ccccccccccccccc3';

    // Act
    const gathered = await gatherRun(read, { endpointSelection: { endpointIds: [ENDPOINT_A, ENDPOINT_B, missing] } });

    // Assert
    expect(gathered.listing.endpointErrors).toEqual([
      `${missing}: selected, but no such Client VPN endpoint in this account and region`,
      `${ENDPOINT_B}: Error: ${ENDPOINT_B} is unreachable`,
    ]);
    expect(gathered.listing.readEndpoints).toEqual([ENDPOINT_A]);
    expect(gathered.listing.connections.map((connection) => connection.connectionId)).toEqual(['cvpn-connection-a1']);
    expect(loaded).toEqual([[ENDPOINT_A]]);
  });

  it('keeps what listing the endpoints threw, lists nothing, and reads idle memory of no endpoint', async () => {
    // Arrange
    const broken = new MemoryGateway(ENDPOINTS, CONNECTIONS);
    const failure = new Error('AccessDenied');
    broken.listEndpoints = async () => {
      throw failure;
    };
    const { read, loaded } = ports(broken);

    // Act
    const gathered = await gatherRun(read, { endpointSelection: {} });

    // Assert
    expect(gathered.listing).toEqual({
      endpointIds: [],
      readEndpoints: [],
      endpointErrors: ['listing endpoints failed: Error: AccessDenied'],
      connections: [],
      failure,
    });
    expect(loaded).toEqual([[]]);
  });

  it(`lists ${ENDPOINTS_IN_FLIGHT} endpoints at once unless told otherwise`, async () => {
    // Arrange
    const many = Array.from({ length: 12 }, (_, index) => ({
      endpointId: `cvpn-endpoint-0${index.toString(16).padStart(16, '0')}`,
      tags: {},
    }));
    let inFlight = 0;
    let most = 0;
    const gateway = new MemoryGateway(many, []);
    gateway.listConnections = async (): Promise<Connection[]> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return [];
    };
    const { read } = ports(gateway);

    // Act
    await gatherRun(read, { endpointSelection: {} });
    const defaultMost = most;
    most = 0;
    await gatherRun(read, { endpointSelection: {}, endpointConcurrency: 2 });

    // Assert
    expect(defaultMost).toBe(ENDPOINTS_IN_FLIGHT);
    expect(most).toBe(2);
  });
});
