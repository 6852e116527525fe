import { describe, expect, it } from '@jest/globals';
import { oracleVerdict } from '../../../bench/storm-oracle.js';
import { generateStorm, STORM_START, StormRole } from '../../../bench/storm-scenario.js';
import { DEFAULT_REFUSAL_MESSAGE } from '../../../lambda/domain/constants.js';
import { decideAdmission, parseRows } from '../../../lambda/domain/index.js';

const E0 = 'cvpn-endpoint-0000000000000000a';
const E1 = 'cvpn-endpoint-0000000000000000b';
/** A Thursday, 10:00 UTC: 11:00 in Berlin, 19:00 in Tokyo. */
const NOW = new Date(STORM_START);

const revoked = (overrides: Record<string, unknown> = {}) => ({
  policyId: 'revoked',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['alice'],
  reason: 'left',
  ...overrides,
});
const lockdown = (overrides: Record<string, unknown> = {}) => ({
  policyId: 'lockdown',
  kind: 'lockdown',
  mode: 'enforce',
  endpoints: [E1],
  reason: 'incident',
  ...overrides,
});
const offHours = (overrides: Record<string, unknown> = {}) => ({
  policyId: 'hours',
  kind: 'off-hours',
  mode: 'enforce',
  endpoints: ['*'],
  days: ['thu'],
  start: '08:00',
  end: '18:00',
  timezone: 'Europe/Berlin',
  reason: 'office hours',
  ...overrides,
});
const attempt = (overrides: Record<string, unknown> = {}) => ({ endpoint: E0, groups: [], ...overrides });

describe('oracleVerdict', () => {
  it('refuses a revoked user with the row message, matched after trimming and case folding', () => {
    const rows = [revoked({ message: 'Gone.' })];

    expect(oracleVerdict(rows, attempt({ username: '  ALICE ' }), NOW)).toEqual({
      verdict: 'refuse',
      policyId: 'revoked',
      message: 'Gone.',
      kind: 'revoked-user',
    });
    expect(oracleVerdict(rows, attempt({ username: 'alicea' }), NOW)).toEqual({ verdict: 'admit' });
  });

  it('shows the neutral message when the deciding row has none', () => {
    expect(oracleVerdict([revoked()], attempt({ username: 'alice' }), NOW)).toMatchObject({
      message: DEFAULT_REFUSAL_MESSAGE,
    });
  });

  it('ignores rows that are disabled, expired, or on other endpoints', () => {
    const rows = [
      revoked({ enabled: false }),
      revoked({ policyId: 'old', expiresAt: '2026-11-26T09:59:59Z' }),
      lockdown(),
    ];

    expect(oracleVerdict(rows, attempt({ username: 'alice' }), NOW)).toEqual({ verdict: 'admit' });
    expect(oracleVerdict(rows, attempt({ endpoint: E1, username: 'bob' }), NOW)).toMatchObject({ verdict: 'refuse' });
  });

  it('lets an exemption win over every rule, and names it', () => {
    const rows = [lockdown(), revoked(), { policyId: 'on-call', kind: 'exempt', usernames: ['alice'], reason: 'x' }];

    expect(oracleVerdict(rows, attempt({ endpoint: E1, username: 'alice' }), NOW)).toEqual({
      verdict: 'admit',
      exemptedBy: 'on-call',
    });
  });

  it('decides by the strongest enforcing rule, and gives would-refuse when only observing rules fire', () => {
    const rows = [lockdown({ mode: 'observe', message: 'observed' }), revoked({ message: 'revoked' })];

    expect(oracleVerdict(rows, attempt({ endpoint: E1, username: 'alice' }), NOW)).toEqual({
      verdict: 'refuse',
      policyId: 'revoked',
      message: 'revoked',
      kind: 'revoked-user',
    });
    expect(oracleVerdict(rows, attempt({ endpoint: E1, username: 'bob' }), NOW)).toEqual({
      verdict: 'would-refuse',
      policyId: 'lockdown',
    });
  });

  it('matches groups, and never widens a revoked-user row to everyone', () => {
    const rows = [lockdown({ groups: ['vendors'] }), revoked({ usernames: [], groups: ['leavers'] })];

    expect(oracleVerdict(rows, attempt({ endpoint: E1, groups: ['Vendors'] }), NOW)).toMatchObject({
      verdict: 'refuse',
    });
    expect(oracleVerdict(rows, attempt({ endpoint: E1, groups: ['staff'] }), NOW)).toEqual({ verdict: 'admit' });
    expect(oracleVerdict(rows, attempt({ groups: ['leavers'] }), NOW)).toMatchObject({ policyId: 'revoked' });
  });

  it('refuses outside the allowed hours on the row wall clock, and a window past midnight runs into the next day', () => {
    const night = offHours({ days: ['wed'], start: '20:00', end: '04:00', timezone: 'Asia/Tokyo' });

    expect(oracleVerdict([offHours()], attempt(), NOW)).toEqual({ verdict: 'admit' });
    expect(oracleVerdict([offHours({ days: ['fri'] })], attempt(), NOW)).toMatchObject({ verdict: 'refuse' });
    // Thursday 03:00 in Tokyo is inside Wednesday's window; 05:00 is not.
    expect(oracleVerdict([night], attempt(), new Date('2026-11-25T18:00:00Z'))).toEqual({ verdict: 'admit' });
    expect(oracleVerdict([night], attempt(), new Date('2026-11-25T20:00:00Z'))).toMatchObject({ verdict: 'refuse' });
  });

  it('refuses under a max-connections row only a user whose held connections are known and at the limit', () => {
    const row = { policyId: 'two', kind: 'max-connections', mode: 'enforce', endpoints: ['*'], maxConnections: 1 };
    const rows = [{ ...row, reason: 'x' }];

    expect(oracleVerdict(rows, attempt({ username: 'alice' }), NOW)).toEqual({ verdict: 'admit' });
    expect(oracleVerdict(rows, attempt({ username: 'alice', held: 0 }), NOW)).toEqual({ verdict: 'admit' });
    expect(oracleVerdict(rows, attempt({ username: 'alice', held: 1 }), NOW)).toMatchObject({
      verdict: 'refuse',
      policyId: 'two',
      kind: 'max-connections',
    });
    // The handler counts by user name: a certificate-only identity is never counted.
    expect(oracleVerdict(rows, attempt({ commonName: 'laptop', held: 5 }), NOW)).toEqual({ verdict: 'admit' });
  });

  it("agrees with the product's decision on every attempt of the bench's storm", () => {
    // Arrange: the oracle never calls the domain; this checks the oracle itself against it.
    const storm = generateStorm({ attempts: 400, durationMs: 60_000, warmUpAttempts: 0, speed: 1 });
    const { rows, findings } = parseRows(storm.policies);
    expect(findings).toEqual([]);

    // Act
    const disagreements = storm.storm.filter((entry) => {
      const expected = oracleVerdict(storm.policies, entry, NOW);
      const decided = decideAdmission(
        rows,
        {
          endpointId: entry.endpoint,
          connectionId: 'cvpn-connection-0123456789abcdef0',
          username: entry.username,
          commonName: entry.commonName,
          groups: [...entry.groups],
        },
        undefined,
        NOW,
      );
      const message = decided.verdict === 'refuse' ? decided.message : undefined;
      return (
        expected.verdict !== decided.verdict ||
        (expected.verdict === 'refuse' && expected.message !== message) ||
        (expected.verdict === 'admit' && expected.exemptedBy !== decided.exemptedBy)
      );
    });

    // Assert
    expect(disagreements).toEqual([]);
    const roles = new Set(storm.storm.map((entry) => entry.role));
    expect(roles).toEqual(new Set(Object.values(StormRole)));
  });
});
