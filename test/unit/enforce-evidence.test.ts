import { describe, expect, it } from '@jest/globals';
import { type EnforcementOptions, runEnforcement } from '../../lambda/enforce.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../support/fixtures.js';
import { memoryPorts } from '../support/MemoryPorts.js';

const RUN = 'run-2026-11-26T10:00:00Z';
const WRITTEN = '2026-11-26T09:30:00Z';

function options(overrides: Partial<EnforcementOptions> = {}): EnforcementOptions {
  return {
    runId: RUN,
    dryRun: false,
    disabled: false,
    endpointSelection: {},
    maxTerminationsPerRun: 100,
    leaseMs: 900_000,
    termination: { ratePerSecond: 5, burst: 50, concurrency: 4, timeMarginMs: 1000, remainingTimeMs: () => 60_000 },
    ...overrides,
  };
}

/** Mallory on both endpoints, alice on A; a third endpoint lists nobody. */
function world(policies: Record<string, unknown>[]) {
  return memoryPorts(
    [
      { endpointId: ENDPOINT_A, tags: {} },
      { endpointId: ENDPOINT_B, tags: {} },
      { endpointId: 'cvpn-endpoint-0000000000000000c', tags: {} },
    ],
    [
      aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' }),
      aConnection({ connectionId: 'cvpn-connection-b1', endpointId: ENDPOINT_B, username: 'mallory' }),
      aConnection({ connectionId: 'cvpn-connection-a2', username: 'alice' }),
    ],
    policies,
  );
}

describe('the evidence a run records', () => {
  it.each([
    ['terminated', {}, 'terminated'],
    ['observed', { mode: 'observe' }, 'would-terminate'],
    ['capped', { maxTerminations: 1 }, 'capped'],
  ])('gives each %s decision its condition time and the connection its establishment', async (_case, row, outcome) => {
    // Arrange: the row was written at 09:30, after mallory connected (08:00).
    const ports = world([{ ...REVOKED_MALLORY, ...row, updatedAt: WRITTEN }]);

    // Act
    await runEnforcement(ports, options());

    // Assert
    const records = [...ports.audit.records.values()];
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record).toMatchObject({ outcome, conditionAt: '2026-11-26T09:30:00.000Z' });
      expect(record.connectedAt).toBe('2026-11-26T08:00:00.000Z');
    }
  });

  it('gives deferred decisions the same evidence', async () => {
    // Arrange: no time left for any call.
    const ports = world([{ ...REVOKED_MALLORY, updatedAt: WRITTEN }]);

    // Act
    await runEnforcement(ports, options({ termination: { ...options().termination, remainingTimeMs: () => 0 } }));

    // Assert
    const records = [...ports.audit.records.values()];
    expect(records.map((record) => record.outcome)).toEqual(['deferred', 'deferred']);
    expect(records.every((record) => record.conditionAt === '2026-11-26T09:30:00.000Z')).toBe(true);
    expect(records.every((record) => record.connectedAt === '2026-11-26T08:00:00.000Z')).toBe(true);
  });

  it('writes the connections each endpoint listed in the summary, 0 for one that listed none', async () => {
    // Arrange
    const ports = world([REVOKED_MALLORY]);

    // Act
    const report = await runEnforcement(ports, options());

    // Assert
    const expected = { [ENDPOINT_A]: 2, [ENDPOINT_B]: 1, 'cvpn-endpoint-0000000000000000c': 0 };
    expect(report.connectionsByEndpoint).toEqual(expected);
    expect(ports.audit.summaries.get(RUN)?.connectionsByEndpoint).toEqual(expected);
  });

  it('writes no per-endpoint counts for a run that read nothing (kill switch)', async () => {
    const ports = world([REVOKED_MALLORY]);
    await runEnforcement(ports, options({ disabled: true }));
    expect(ports.audit.summaries.get(RUN)).toBeDefined();
    expect(ports.audit.summaries.get(RUN)?.connectionsByEndpoint).toBeUndefined();
  });
});
