import { describe, expect, it } from '@jest/globals';
import { type EnforcementOptions, runEnforcement } from '../../lambda/enforce.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../support/fixtures.js';
import { memoryPorts } from '../support/MemoryPorts.js';

const RUN = 'run-2026-11-26T10:00:00Z';
const REVOKED = REVOKED_MALLORY;

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

function world(policies: Record<string, unknown>[] = [REVOKED]) {
  return memoryPorts(
    [
      { endpointId: ENDPOINT_A, tags: {} },
      { endpointId: ENDPOINT_B, tags: {} },
    ],
    [
      aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' }),
      aConnection({ connectionId: 'cvpn-connection-b1', endpointId: ENDPOINT_B, username: 'mallory' }),
      aConnection({ connectionId: 'cvpn-connection-a2', username: 'alice' }),
    ],
    policies,
  );
}

describe('runEnforcement', () => {
  it('terminates a revoked user on every endpoint and records one final record each', async () => {
    const ports = world();
    const report = await runEnforcement(ports, options());
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ terminated: 2 });
    expect(ports.gateway.calls).toHaveLength(2);
    expect([...ports.audit.records.values()].map((r) => [r.connectionId, r.outcome]).sort()).toEqual([
      ['cvpn-connection-a1', 'terminated'],
      ['cvpn-connection-b1', 'terminated'],
    ]);
    expect(ports.audit.summaries.get(RUN)).toMatchObject({
      status: 'completed',
      connectionsSeen: 3,
      counts: { terminated: 2 },
    });
    expect(ports.lease.holder).toBeUndefined();
    expect(ports.notifier.digests[0]?.subject).toBe('cvpn-guard: 2 terminated');
  });

  it('does nothing again when the same tick is run a second time', async () => {
    const ports = world();
    await runEnforcement(ports, options());
    const second = await runEnforcement(ports, options());
    expect(second.status).toBe('already-done');
    expect(ports.gateway.calls).toHaveLength(2);
    expect(ports.audit.records.size).toBe(2);
  });

  it('does nothing while another run holds the lease', async () => {
    const ports = world();
    await ports.lease.acquire('run-other', ports.clock.now(), new Date(ports.clock.now().getTime() + 60_000));
    const report = await runEnforcement(ports, options());
    expect(report.status).toBe('skipped');
    expect(ports.gateway.calls).toEqual([]);
    expect(ports.audit.records.size).toBe(0);
    expect(ports.lease.holder?.runId).toBe('run-other');
  });

  it('reads and terminates nothing with the kill switch on, and says so in the summary', async () => {
    const ports = world();
    const report = await runEnforcement(ports, options({ disabled: true }));
    expect(report.status).toBe('disabled');
    expect(ports.gateway.calls).toEqual([]);
    expect(ports.audit.summaries.get(RUN)).toMatchObject({ status: 'disabled' });
  });

  it('never calls terminate in a dry run and records would-terminate', async () => {
    const ports = world();
    const report = await runEnforcement(ports, options({ dryRun: true }));
    expect(ports.gateway.calls).toEqual([]);
    expect(report.counts).toEqual({ 'would-terminate': 2 });
  });

  it('goes on with the other endpoints when one cannot be read', async () => {
    const ports = world();
    ports.gateway.failingEndpoints.add(ENDPOINT_B);
    const report = await runEnforcement(ports, options());
    expect(report.status).toBe('partial');
    expect(report.endpointErrors).toEqual([expect.stringContaining(ENDPOINT_B)]);
    expect(report.counts).toEqual({ terminated: 1 });
  });

  it('reports a selected endpoint that does not exist, by id', async () => {
    const ports = world();
    const report = await runEnforcement(
      ports,
      options({ endpointSelection: { endpointIds: [ENDPOINT_A, 'cvpn-endpoint-0ccccccccccccccc3'] } }),
    );
    expect(report.endpointErrors).toEqual([
      expect.stringContaining('cvpn-endpoint-0ccccccccccccccc3: selected, but no such'),
    ]);
    expect(report.counts).toEqual({ terminated: 1 });
  });

  it('records an invalid row and still applies the valid ones', async () => {
    const ports = world([
      REVOKED,
      { policyId: 'typo', kind: 'idle', mode: 'enforce', endpoints: ['*'], idleMinute: 30, reason: 'x' },
    ]);
    const report = await runEnforcement(ports, options());
    expect(report.counts).toEqual({ terminated: 2, 'invalid-policy': 1 });
    const finding = [...ports.audit.records.values()].find((record) => record.outcome === 'invalid-policy');
    expect(finding).toMatchObject({ policyId: 'typo' });
    expect(finding?.reason).toContain('idleMinute');
  });

  it('terminates nothing when the run exceeds the global cap', async () => {
    const ports = world();
    const report = await runEnforcement(ports, options({ maxTerminationsPerRun: 1 }));
    expect(ports.gateway.calls).toEqual([]);
    expect(report.counts).toEqual({ capped: 2 });
  });

  it('reconciles an intent a dead run left pending against the real connection status', async () => {
    const ports = world();
    await ports.audit.intend({
      recordType: 'decision',
      runId: 'run-earlier',
      at: '2026-11-26T09:55:00Z',
      outcome: 'pending',
      policyId: 'offboarded',
      policyKind: 'revoked-user',
      mode: 'enforce',
      firedPolicies: [],
      reason: 'user mallory is revoked',
      endpointId: ENDPOINT_A,
      connectionId: 'cvpn-connection-a1',
    });
    ports.gateway.connections = ports.gateway.connections.map((c) =>
      c.connectionId === 'cvpn-connection-a1' ? { ...c, status: 'terminated' } : c,
    );
    const report = await runEnforcement(ports, options());
    expect(report.reconciled).toBe(1);
    expect(await ports.audit.listPending()).toEqual([]);
    expect((await ports.audit.getRun('run-earlier')).records[0]).toMatchObject({
      outcome: 'terminated',
      currentStatus: 'terminated',
    });
  });
});
