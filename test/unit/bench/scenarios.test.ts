import { describe, expect, it } from '@jest/globals';
import { simulatedTimeBackoff } from '../../../bench/baseline.js';
import { generateScenario, isTargeted, Role, roleCounts } from '../../../bench/scenarios.js';

const NOW = new Date('2026-11-26T10:00:00Z');
const SPEC = { name: 'test', endpoints: 2, connectionsPerEndpoint: 300, targetedPerEndpoint: 30, speed: 1 };

describe('generateScenario', () => {
  it('gives each endpoint the share targeted, with ids EC2 would accept, the same every time', () => {
    // Act
    const first = generateScenario(SPEC, NOW);
    const second = generateScenario(SPEC, NOW);

    // Assert
    expect(second).toEqual(first);
    expect(first.connections).toHaveLength(600);
    expect(first.connections.filter((connection) => isTargeted(connection.role))).toHaveLength(60);
    expect(new Set(first.connections.map((connection) => connection.id)).size).toBe(600);
    expect(first.connections.every((connection) => /^cvpn-connection-[0-9a-f]{8,17}$/.test(connection.id))).toBe(true);
    expect(first.scenario.endpoints.every((endpoint) => /^cvpn-endpoint-[0-9a-f]{8,17}$/.test(endpoint.id))).toBe(true);
  });

  it('lists every revoked user in a revoked-user row, and gives one revoked user in two a second connection', () => {
    const generated = generateScenario(SPEC, NOW);
    const revoked = generated.connections.filter((connection) => connection.role === Role.REVOKED);
    const perUser = new Map<string, number>();
    for (const connection of revoked) perUser.set(connection.username, (perUser.get(connection.username) ?? 0) + 1);

    const listed = generated.scenario.policies
      .filter((row) => row.kind === 'revoked-user')
      .flatMap((row) => row.usernames as string[]);
    expect(new Set(listed)).toEqual(new Set(perUser.keys()));
    // 15 revoked connections per endpoint, in threes: 5 users hold two, 5 hold one.
    expect([...perUser.values()].sort()).toEqual([...Array<number>(10).fill(1), ...Array<number>(10).fill(2)]);
  });

  it('keeps each role in its age band: only too-old and exempt connections pass the enforced session limit', () => {
    const generated = generateScenario(SPEC, NOW);
    const ageMinutes = (established: string) => (NOW.getTime() - new Date(established).getTime()) / 60_000;

    const overLimit = generated.connections.filter(
      (connection) => ageMinutes(connection.established) > generated.maxSessionMinutes,
    );
    const expected = generated.connections.filter(
      (connection) => connection.role === Role.TOO_OLD || connection.role === Role.EXEMPT,
    );

    expect(overLimit).toEqual(expected);
  });
});

describe('roleCounts', () => {
  it('splits the targeted connections between revoked users and old sessions, and adds observed and exempt ones', () => {
    expect(roleCounts({ ...SPEC, connectionsPerEndpoint: 20_000, targetedPerEndpoint: 2_000 })).toEqual({
      [Role.REVOKED]: 1000,
      [Role.TOO_OLD]: 1000,
      [Role.EXEMPT]: 20,
      [Role.OBSERVED]: 1000,
      [Role.ORDINARY]: 16_980,
    });
  });
});

describe('simulatedTimeBackoff', () => {
  it('waits what the SDK would, divided by the clock speed', () => {
    const backoff = simulatedTimeBackoff(10, () => 0.5);
    backoff.setDelayBase(1000);

    expect(backoff.computeNextBackoffDelay(0)).toBe(50);
    expect(backoff.computeNextBackoffDelay(1)).toBe(100);
    expect(backoff.computeNextBackoffDelay(10)).toBe(1000);
  });
});
