import { describe, expect, it } from '@jest/globals';
import { evaluate, planTerminations, type Connection, type TerminationCall } from '../../../../lambda/domain/index.js';
import { connection, ENDPOINT_A, ENDPOINT_B, minutesBefore, NO_IDLE_STATE, NOW, row } from '../fixtures.js';

function plan(rows: Record<string, unknown>[], connections: Connection[], options = {}): TerminationCall[] {
  const { decisions } = evaluate(rows, connections, NO_IDLE_STATE, NOW, options);
  return planTerminations(decisions, connections);
}

function summary(calls: TerminationCall[]): string[] {
  return calls.map((call) =>
    call.by === 'username'
      ? `${call.endpointId === ENDPOINT_A ? 'A' : 'B'} username ${call.username} (${call.decisions.length})`
      : `${call.endpointId === ENDPOINT_A ? 'A' : 'B'} id ${call.connectionId}`,
  );
}

const aliceOn = (endpointId: string, n: number, overrides: Partial<Connection> = {}): Connection =>
  connection({
    connectionId: `cvpn-connection-${endpointId === ENDPOINT_A ? 'a' : 'b'}${n}`,
    endpointId,
    username: 'alice',
    ...overrides,
  });

describe('planTerminations', () => {
  it.each<[string, Record<string, unknown>[], Connection[], string[]]>([
    [
      'one call by username per endpoint for a revoked user whose connections are all targeted',
      [row.revokedUser()],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2), aliceOn(ENDPOINT_B, 1), aliceOn(ENDPOINT_B, 2)],
      ['A username alice (2)', 'B username alice (2)'],
    ],
    [
      'by id for a revoked user with one connection on the endpoint (a call by username saves no call)',
      [row.revokedUser()],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2), aliceOn(ENDPOINT_B, 1)],
      ['A username alice (2)', 'B id cvpn-connection-b1'],
    ],
    [
      'by id when a revoked user holds more than five connections on the endpoint',
      [row.revokedUser()],
      [1, 2, 3, 4, 5, 6].map((n) => aliceOn(ENDPOINT_A, n)),
      [1, 2, 3, 4, 5, 6].map((n) => `A id cvpn-connection-a${n}`),
    ],
    [
      'by username for exactly five connections',
      [row.revokedUser()],
      [1, 2, 3, 4, 5].map((n) => aliceOn(ENDPOINT_A, n)),
      ['A username alice (5)'],
    ],
    [
      'by id when one of the user connections is exempt (not all are targeted)',
      [row.revokedUser(), row.exempt({ usernames: undefined, commonNames: ['kiosk'] })],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2, { commonName: 'kiosk' })],
      ['A id cvpn-connection-a1'],
    ],
    [
      'by id when the user connections were decided by another kind',
      [row.maxSession()],
      [aliceOn(ENDPOINT_A, 1, { establishedAt: minutesBefore(600) })],
      ['A id cvpn-connection-a1'],
    ],
    [
      'by id when another active connection has the same user name in another case',
      [row.revokedUser({ usernames: ['alice'] })],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2, { username: 'ALICE' })],
      ['A id cvpn-connection-a1', 'A id cvpn-connection-a2'],
    ],
    [
      'by username although a look-alike name exists on another endpoint',
      [row.revokedUser({ endpoints: [ENDPOINT_A] })],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2), aliceOn(ENDPOINT_B, 1, { username: 'Alice' })],
      ['A username alice (2)'],
    ],
    [
      'by username, ignoring connections of that user that are already ending',
      [row.revokedUser()],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2), aliceOn(ENDPOINT_A, 3, { status: 'terminating' })],
      ['A username alice (2)'],
    ],
    [
      'by id for a revoked certificate without user name',
      [row.revokedUser({ usernames: undefined, commonNames: ['laptop-7'] })],
      [connection({ connectionId: 'cvpn-connection-1', commonName: 'laptop-7' })],
      ['A id cvpn-connection-1'],
    ],
    ['nothing for observe rows', [row.revokedUser({ mode: 'observe' })], [aliceOn(ENDPOINT_A, 1)], []],
    [
      'nothing for capped decisions',
      [row.revokedUser({ maxTerminations: 1 })],
      [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2)],
      [],
    ],
  ])('%s', (_case, rows, connections, expected) => {
    // Act
    const calls = plan(rows, connections);

    // Assert
    expect(summary(calls)).toEqual(expected);
  });

  it('by id for a user whose active connections on the endpoint are not all in the decisions given', () => {
    // Arrange: the run already recorded one of alice's decisions and plans only the other.
    const connections = [aliceOn(ENDPOINT_A, 1), aliceOn(ENDPOINT_A, 2)];
    const { decisions } = evaluate([row.revokedUser()], connections, NO_IDLE_STATE, NOW);

    // Act
    const calls = planTerminations(decisions.slice(1), connections);

    // Assert
    expect(summary(calls)).toEqual(['A id cvpn-connection-a2']);
  });

  it('keeps the user name exactly as EC2 reported it', () => {
    const calls = plan(
      [row.revokedUser()],
      [aliceOn(ENDPOINT_A, 1, { username: 'Alice' }), aliceOn(ENDPOINT_A, 2, { username: 'Alice' })],
    );

    expect(calls[0]).toMatchObject({ by: 'username', username: 'Alice' });
  });

  it('sorts calls by endpoint, then by id calls before username calls', () => {
    // Arrange
    const connections = [
      aliceOn(ENDPOINT_B, 1),
      aliceOn(ENDPOINT_B, 2),
      connection({ connectionId: 'cvpn-connection-z', endpointId: ENDPOINT_B, establishedAt: minutesBefore(600) }),
      aliceOn(ENDPOINT_A, 1),
    ];

    // Act
    const calls = plan([row.revokedUser(), row.maxSession()], connections);

    // Assert
    expect(summary(calls)).toEqual(['A id cvpn-connection-a1', 'B id cvpn-connection-z', 'B username alice (2)']);
  });

  it('puts every terminate decision in exactly one call', () => {
    const connections = [
      aliceOn(ENDPOINT_A, 1),
      aliceOn(ENDPOINT_A, 2),
      connection({ connectionId: 'cvpn-connection-x', establishedAt: minutesBefore(600) }),
    ];
    const { decisions } = evaluate([row.revokedUser(), row.maxSession()], connections, NO_IDLE_STATE, NOW);

    const calls = planTerminations(decisions, connections);

    expect(calls.flatMap((call) => call.decisions)).toHaveLength(decisions.length);
    expect(new Set(calls.flatMap((call) => call.decisions))).toEqual(new Set(decisions));
  });
});
