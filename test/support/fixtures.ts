import type { Connection, Decision } from '../../lambda/domain/types.js';

/** Endpoint ids used across tests. */
export const ENDPOINT_A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
export const ENDPOINT_B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';

/** A connection with sensible defaults. */
export function aConnection(overrides: Partial<Connection> & { connectionId: string }): Connection {
  return {
    endpointId: ENDPOINT_A,
    username: 'alice',
    commonName: 'alice.vpn.example.com',
    clientIp: '10.0.0.2',
    ingressBytes: 1000,
    egressBytes: 1000,
    establishedAt: new Date('2026-11-26T08:00:00Z'),
    status: 'active',
    ...overrides,
  };
}

/** A `terminate` decision by a revoked-user row, or as overridden. */
export function aDecision(connection: Connection, overrides: Partial<Decision> = {}): Decision {
  return {
    connection,
    verdict: 'terminate',
    decidingPolicyId: 'offboarded',
    decidingKind: 'revoked-user',
    mode: 'enforce',
    fired: [
      {
        policyId: 'offboarded',
        kind: 'revoked-user',
        mode: 'enforce',
        reason: `user ${connection.username} is revoked`,
      },
    ],
    reason: `user ${connection.username} is revoked (policy offboarded)`,
    ...overrides,
  };
}

/** A raw, valid `revoked-user` row (as the policies table holds it) that ends mallory's connections everywhere. */
export const REVOKED_MALLORY = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left the company',
};
