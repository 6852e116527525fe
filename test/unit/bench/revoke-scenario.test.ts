import { describe, expect, it } from '@jest/globals';
import {
  FULL_REVOKE,
  generateRevokeScenario,
  MAX_CONNECTIONS_PER_REVOKED_USER,
  QUICK_REVOKE,
} from '../../../bench/revoke-scenario.js';
import { seededRandom } from '../../../local/index.js';
import { parsePolicyRow } from '../../../lambda/domain/index.js';

describe('generateRevokeScenario', () => {
  it('holds 2 × 1,000 connections and 200 revoked users of 1–4 connections each, the same every time', () => {
    // Act
    const first = generateRevokeScenario(FULL_REVOKE);
    const second = generateRevokeScenario(FULL_REVOKE);

    // Assert
    expect(second).toEqual(first);
    expect(first.endpoints).toHaveLength(2);
    expect(first.connections).toHaveLength(2000);
    expect(new Set(first.connections.map((connection) => connection.id)).size).toBe(2000);
    expect(first.revocations).toHaveLength(200);
    expect(new Set(first.revocations.map((revocation) => revocation.username)).size).toBe(200);
    const held = first.revocations.map((revocation) => revocation.connectionIds.length);
    expect(Math.min(...held)).toBe(1);
    expect(Math.max(...held)).toBe(MAX_CONNECTIONS_PER_REVOKED_USER);
  });

  it("gives each revoked user's connections to that user, and every other connection to someone never revoked", () => {
    const { connections, revocations } = generateRevokeScenario(FULL_REVOKE);
    const owner = new Map(connections.map((connection) => [connection.id, connection.username]));
    const revoked = new Set(revocations.map((revocation) => revocation.username));

    for (const revocation of revocations)
      for (const id of revocation.connectionIds) expect(owner.get(id)).toBe(revocation.username);
    const revokedConnections = revocations.reduce((sum, revocation) => sum + revocation.connectionIds.length, 0);
    expect(connections.filter((connection) => revoked.has(connection.username))).toHaveLength(revokedConnections);
    // Some revoked users hold connections on both endpoints.
    const byEndpoint = new Map(connections.map((connection) => [connection.id, connection.endpoint]));
    expect(
      revocations.some((revocation) => new Set(revocation.connectionIds.map((id) => byEndpoint.get(id))).size === 2),
    ).toBe(true);
  });

  it('places the revocations over the duration in order, some within a second of the one before, some as a scheduled run starts', () => {
    const { revocations } = generateRevokeScenario(FULL_REVOKE);
    const times = revocations.map((revocation) => revocation.atMs);

    expect(times.every((time, index) => index === 0 || time >= (times[index - 1] ?? 0))).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...times)).toBeLessThanOrEqual(FULL_REVOKE.durationMs);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(gaps.filter((gap) => gap < 1000).length).toBeGreaterThanOrEqual(20);
    const duringRun = revocations.filter((revocation) => revocation.placed === 'during-run');
    expect(duringRun.length).toBeGreaterThanOrEqual(10);
    for (const revocation of duringRun) {
      const sinceRun = revocation.atMs % FULL_REVOKE.schedulePeriodMs;
      expect(sinceRun).toBeLessThan(1500);
      expect(revocation.atMs).toBeGreaterThanOrEqual(FULL_REVOKE.schedulePeriodMs);
    }
  });

  it('writes each user an enforcing revoked-user row with a reason, valid as the enforcer reads it', () => {
    const { revocations } = generateRevokeScenario(QUICK_REVOKE);

    const parsed = revocations.map((revocation) => parsePolicyRow({ ...revocation.row }));

    expect(parsed.filter((result) => !result.ok)).toEqual([]);
    for (const revocation of revocations) {
      expect(revocation.row).toMatchObject({
        kind: 'revoked-user',
        mode: 'enforce',
        endpoints: ['*'],
        usernames: [revocation.username],
      });
      expect(revocation.row.reason).toEqual(expect.stringContaining(revocation.username));
    }
  });

  it('refuses more revoked connections than the endpoints hold, naming the figures and the fix', () => {
    expect(() => generateRevokeScenario({ ...FULL_REVOKE, connectionsPerEndpoint: 10 })).toThrow(
      /200 revoked users hold \d+ connections, more than the 20 of 2 × 10; use fewer users or more connections/,
    );
  });
});

describe('seededRandom', () => {
  it('draws the same numbers in [0, 1) from the same seed, and others from another', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));

    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
    expect(draws(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
