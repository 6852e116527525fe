import { describe, expect, it } from '@jest/globals';
import type { Connection } from '../../../lambda/domain/index.js';
import type { ClientVpnEndpoint, ConnectionFact, DecisionRecord } from '../../../lambda/ports/index.js';
import { ENDPOINTS_IN_FLIGHT, gatherRun, type GatherPorts } from '../../../lambda/run/gather-run.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../../support/fixtures.js';
import { MemoryConnectionFacts, MemoryGateway, MemoryIdleStore, MemoryPolicies } from '../../support/MemoryPorts.js';

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

function ports(gateway = new MemoryGateway(ENDPOINTS, CONNECTIONS), facts = new MemoryConnectionFacts()) {
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
    facts,
  } satisfies GatherPorts;
  return { read, gateway, loaded, facts };
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

  describe('the facts the gate kept', () => {
    const ADMITTED_AT = new Date('2026-11-26T08:00:00Z');
    const fact = (connection: Connection, overrides: Partial<ConnectionFact> = {}): ConnectionFact => ({
      endpointId: connection.endpointId,
      connectionId: connection.connectionId,
      username: connection.username,
      commonName: connection.commonName,
      groups: ['vendors'],
      admittedAt: ADMITTED_AT,
      ...overrides,
    });
    const ALICE = aConnection({ connectionId: 'cvpn-connection-a2' });
    const BOB = aConnection({ connectionId: 'cvpn-connection-b2', endpointId: ENDPOINT_B, username: 'bob' });
    const CAROL = aConnection({ connectionId: 'cvpn-connection-a3', username: 'carol' });
    const ENDED = aConnection({ connectionId: 'cvpn-connection-a4', username: 'dave', status: 'terminated' });

    it('gives the connections it has facts for their groups, and counts the active ones without', async () => {
      // Arrange
      const { read, facts } = ports(new MemoryGateway(ENDPOINTS, [ALICE, BOB, CAROL, ENDED]));
      await facts.put(fact(ALICE));
      await facts.put(fact(BOB, { groups: undefined }));

      // Act
      const gathered = await gatherRun(read, { endpointSelection: {} });

      // Assert
      const groups = Object.fromEntries(gathered.listing.connections.map((c) => [c.connectionId, c.groups]));
      expect(groups).toEqual({
        [ALICE.connectionId]: ['vendors'],
        [BOB.connectionId]: [],
        [CAROL.connectionId]: undefined,
        [ENDED.connectionId]: undefined,
      });
      expect(gathered.groups).toEqual({ unknown: 1, mismatched: 0 });
      expect([...facts.loads[0]!].sort()).toEqual([ENDPOINT_A, ENDPOINT_B]);
    });

    it.each([
      ['another user name', { username: 'mallory' }],
      ['another common name', { commonName: 'mallory.vpn.example.com' }],
      ['no user name where EC2 lists one', { username: undefined }],
    ])('leaves the groups unknown, and counts it, when the facts name %s', async (_, overrides) => {
      const { read, facts } = ports(new MemoryGateway(ENDPOINTS, [ALICE]));
      await facts.put(fact(ALICE, overrides));

      const gathered = await gatherRun(read, { endpointSelection: {} });

      expect(gathered.listing.connections[0]?.groups).toBeUndefined();
      expect(gathered.groups).toEqual({ unknown: 1, mismatched: 1 });
    });

    it('reads the facts of the endpoints read only', async () => {
      const gateway = new MemoryGateway(ENDPOINTS, [ALICE, BOB]);
      gateway.failingEndpoints.add(ENDPOINT_B);
      const { read, facts } = ports(gateway);

      await gatherRun(read, { endpointSelection: {} });

      expect(facts.loads).toEqual([[ENDPOINT_A]]);
    });
  });
});
