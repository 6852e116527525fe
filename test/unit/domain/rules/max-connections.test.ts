import { describe, expect, it } from '@jest/globals';
import { evaluate, type Connection } from '../../../../lambda/domain/index.js';
import { connection, ENDPOINT_A, ENDPOINT_B, minutesBefore, NO_IDLE_STATE, NOW, row } from '../fixtures.js';

function terminated(rows: Record<string, unknown>[], connections: Connection[]): string[] {
  return evaluate(rows, connections, NO_IDLE_STATE, NOW).decisions.map((decision) => decision.connection.connectionId);
}

describe('max-connections', () => {
  it('keeps the newest connections of a user and ends the others', () => {
    // Arrange: bob holds 7 connections, established 10 to 70 minutes ago.
    const connections = Array.from({ length: 7 }, (_, index) =>
      connection({
        connectionId: `cvpn-connection-${index + 1}`,
        username: 'bob',
        establishedAt: minutesBefore(10 * (index + 1)),
      }),
    );

    // Act
    const { decisions } = evaluate([row.maxConnections()], connections, NO_IDLE_STATE, NOW);

    // Assert
    expect(decisions.map((decision) => decision.connection.connectionId)).toEqual(
      [3, 4, 5, 6, 7].map((n) => `cvpn-connection-${n}`),
    );
    expect(decisions[0]?.reason).toBe(
      'user bob holds 7 connections, limit 2: keeping the 2 newest (policy two-sessions)',
    );
  });

  it.each<[string, Record<string, unknown>, Connection[], string[]]>([
    [
      'breaks ties of establishment time by connection id',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({ connectionId: 'cvpn-connection-b', username: 'bob' }),
        connection({ connectionId: 'cvpn-connection-a', username: 'bob' }),
      ],
      ['cvpn-connection-b'],
    ],
    [
      'counts user names that differ only by case and spaces as one user',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({ connectionId: 'cvpn-connection-1', username: 'Bob', establishedAt: minutesBefore(5) }),
        connection({ connectionId: 'cvpn-connection-2', username: ' bob ', establishedAt: minutesBefore(50) }),
      ],
      ['cvpn-connection-2'],
    ],
    [
      'never counts connections without identity',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({ connectionId: 'cvpn-connection-1' }),
        connection({ connectionId: 'cvpn-connection-2', username: ' ' }),
      ],
      [],
    ],
    [
      'counts certificate-only connections by common name',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({ connectionId: 'cvpn-connection-1', commonName: 'laptop-7', establishedAt: minutesBefore(5) }),
        connection({ connectionId: 'cvpn-connection-2', commonName: 'LAPTOP-7', establishedAt: minutesBefore(50) }),
      ],
      ['cvpn-connection-2'],
    ],
    [
      'counts across every endpoint when the row names ["*"]',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({
          connectionId: 'cvpn-connection-1',
          endpointId: ENDPOINT_A,
          username: 'bob',
          establishedAt: minutesBefore(5),
        }),
        connection({
          connectionId: 'cvpn-connection-2',
          endpointId: ENDPOINT_B,
          username: 'bob',
          establishedAt: minutesBefore(50),
        }),
      ],
      ['cvpn-connection-2'],
    ],
    [
      'counts only the endpoints the row lists',
      row.maxConnections({ maxConnections: 1, endpoints: [ENDPOINT_A] }),
      [
        connection({
          connectionId: 'cvpn-connection-1',
          endpointId: ENDPOINT_A,
          username: 'bob',
          establishedAt: minutesBefore(50),
        }),
        connection({
          connectionId: 'cvpn-connection-2',
          endpointId: ENDPOINT_B,
          username: 'bob',
          establishedAt: minutesBefore(5),
        }),
      ],
      [],
    ],
    [
      'counts only the identities the row selects',
      row.maxConnections({ maxConnections: 1, usernames: ['alice'] }),
      [
        connection({ connectionId: 'cvpn-connection-1', username: 'bob', establishedAt: minutesBefore(50) }),
        connection({ connectionId: 'cvpn-connection-2', username: 'bob', establishedAt: minutesBefore(5) }),
      ],
      [],
    ],
    [
      'never counts connections that are not active',
      row.maxConnections({ maxConnections: 1 }),
      [
        connection({
          connectionId: 'cvpn-connection-1',
          username: 'bob',
          establishedAt: minutesBefore(50),
          status: 'terminating',
        }),
        connection({ connectionId: 'cvpn-connection-2', username: 'bob', establishedAt: minutesBefore(5) }),
      ],
      [],
    ],
  ])('%s', (_case, policy, connections, expected) => {
    // Act
    const ended = terminated([policy], connections);

    // Assert
    expect(ended).toEqual(expected);
  });

  it('says "the newest" for a limit of one', () => {
    const connections = [
      connection({ connectionId: 'cvpn-connection-1', commonName: 'laptop-7', establishedAt: minutesBefore(5) }),
      connection({ connectionId: 'cvpn-connection-2', commonName: 'laptop-7', establishedAt: minutesBefore(50) }),
    ];

    const { decisions } = evaluate([row.maxConnections({ maxConnections: 1 })], connections, NO_IDLE_STATE, NOW);

    expect(decisions[0]?.reason).toBe(
      'certificate laptop-7 holds 2 connections, limit 1: keeping the newest (policy two-sessions)',
    );
  });

  it('counts an exempt connection but never ends another one in its place', () => {
    // Arrange: alice's oldest connection is exempt on endpoint A; she holds 3, limit 2.
    const connections = [
      connection({
        connectionId: 'cvpn-connection-1',
        endpointId: ENDPOINT_A,
        username: 'alice',
        establishedAt: minutesBefore(90),
      }),
      connection({
        connectionId: 'cvpn-connection-2',
        endpointId: ENDPOINT_B,
        username: 'alice',
        establishedAt: minutesBefore(20),
      }),
      connection({
        connectionId: 'cvpn-connection-3',
        endpointId: ENDPOINT_B,
        username: 'alice',
        establishedAt: minutesBefore(10),
      }),
    ];

    // Act
    const { decisions } = evaluate(
      [row.maxConnections(), row.exempt({ endpoints: [ENDPOINT_A] })],
      connections,
      NO_IDLE_STATE,
      NOW,
    );

    // Assert
    expect(decisions.map((decision) => [decision.connection.connectionId, decision.verdict])).toEqual([
      ['cvpn-connection-1', 'exempted'],
    ]);
  });
});
