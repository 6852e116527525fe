import { describe, expect, it } from '@jest/globals';
import { oracleVerdict } from '../../../bench/storm-oracle.js';
import {
  FULL_STORM,
  generateStorm,
  LOCKDOWN_MESSAGE,
  NIGHT_SHIFT_MESSAGE,
  QUICK_STORM,
  REVOKED_MESSAGE,
  ROLE_SHARES,
  roleOf,
  STORM_START,
  StormRole,
} from '../../../bench/storm-scenario.js';
import { parsePolicyRow } from '../../../lambda/domain/index.js';

const NOW = new Date(STORM_START);

describe('generateStorm', () => {
  it('spreads the attempts evenly over the storm on two endpoints, the same every time', () => {
    // Act
    const first = generateStorm(FULL_STORM);
    const second = generateStorm(FULL_STORM);

    // Assert
    expect(second).toEqual(first);
    expect(first.storm).toHaveLength(3000);
    expect(first.endpoints).toHaveLength(2);
    const times = first.storm.map((attempt) => attempt.atMs);
    expect(times[0]).toBe(0);
    expect(Math.max(...times)).toBeLessThan(FULL_STORM.durationMs);
    expect(times.every((time, index) => index === 0 || time > (times[index - 1] ?? 0))).toBe(true);
    expect(new Set(first.storm.map((attempt) => attempt.endpoint))).toEqual(new Set(first.endpoints));
  });

  it('gives every attempt its own public address, in the benchmarking range, apart from the warm-up', () => {
    const storm = generateStorm(FULL_STORM);
    const addresses = [...storm.warmUp, ...storm.storm].map((attempt) => attempt.publicIp);

    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.every((address) => /^198\.(18|19)\.\d{1,3}\.\d{1,3}$/.test(address))).toBe(true);
  });

  it('gives each role its exact share of every hundred attempts', () => {
    const counts: Record<string, number> = {};
    for (let index = 0; index < 100; index += 1) counts[roleOf(index)] = (counts[roleOf(index)] ?? 0) + 1;

    expect(counts).toEqual(ROLE_SHARES);
    expect(Object.values(ROLE_SHARES).reduce((sum, share) => sum + share, 0)).toBe(100);
  });

  it('writes only rows that validate, among them one observe-mode row and rows with message and with groups', () => {
    const { policies } = generateStorm(QUICK_STORM);

    const parsed = policies.map((row) => parsePolicyRow(row));

    expect(parsed.filter((result) => !result.ok)).toEqual([]);
    expect(policies.filter((row) => row.mode === 'observe')).toHaveLength(1);
    expect(new Set(policies.map((row) => row.kind))).toEqual(
      new Set(['revoked-user', 'off-hours', 'max-connections', 'lockdown', 'exempt']),
    );
    expect(policies.some((row) => 'message' in row)).toBe(true);
    expect(policies.some((row) => 'groups' in row)).toBe(true);
  });

  it('makes each role meet the verdict it is there for, at the storm start', () => {
    // Arrange
    const storm = generateStorm(QUICK_STORM);
    const [first, second] = storm.endpoints;
    const verdicts = new Map<string, Set<string>>();

    // Act
    for (const attempt of storm.storm) {
      const verdict = oracleVerdict(storm.policies, attempt, NOW);
      const key = `${attempt.role} ${attempt.endpoint === first ? 'first' : attempt.endpoint === second ? 'second' : '?'}`;
      const text = verdict.verdict === 'refuse' ? `refuse: ${verdict.message}` : JSON.stringify(verdict);
      verdicts.set(key, (verdicts.get(key) ?? new Set()).add(text));
    }

    // Assert
    const only = (role: string, endpoint: 'first' | 'second') => [...(verdicts.get(`${role} ${endpoint}`) ?? [])];
    const admit = JSON.stringify({ verdict: 'admit' });
    for (const endpoint of ['first', 'second'] as const) {
      expect(only(StormRole.STAFF, endpoint)).toEqual([admit]);
      expect(only(StormRole.CONTRACTOR, endpoint)).toEqual([admit]);
      expect(only(StormRole.LEAVER, endpoint)).toEqual([`refuse: ${REVOKED_MESSAGE}`]);
      expect(only(StormRole.NIGHT_SHIFT, endpoint)).toEqual([`refuse: ${NIGHT_SHIFT_MESSAGE}`]);
      expect(only(StormRole.PENDING_LEAVER, endpoint)).toEqual([
        JSON.stringify({ verdict: 'would-refuse', policyId: 'offboarding-next-week' }),
      ]);
    }
    expect(only(StormRole.LOST_LAPTOP, 'first')).toEqual([admit]);
    expect(only(StormRole.LOST_LAPTOP, 'second')).toHaveLength(1);
    expect(only(StormRole.VENDOR, 'first')).toEqual([admit]);
    expect(only(StormRole.VENDOR, 'second')).toEqual([`refuse: ${LOCKDOWN_MESSAGE}`]);
    expect(only(StormRole.BREAK_GLASS, 'first')).toEqual([admit]);
    expect(only(StormRole.BREAK_GLASS, 'second')).toEqual([
      JSON.stringify({ verdict: 'admit', exemptedBy: 'break-glass' }),
    ]);
  });

  it('refuses a storm of no attempts by name', () => {
    expect(() => generateStorm({ ...QUICK_STORM, attempts: 0 })).toThrow(/storm attempts: expected a whole number/);
  });
});
