import { describe, expect, it } from '@jest/globals';
import { type EnforcementOptions, runEnforcement } from '../../lambda/enforce.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B, REVOKED_MALLORY } from '../support/fixtures.js';
import { MemoryConnectHandlerProbe, memoryPorts } from '../support/MemoryPorts.js';

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

describe('runEnforcement: the client connect handler canary', () => {
  const HANDLER = 'AWSClientVPN-CvpnGuard';
  const withCanary = (overrides: Partial<EnforcementOptions> = {}) =>
    options({ canary: { functionName: HANDLER, timeoutMs: 2000 }, ...overrides });
  const withProbe = (probe: MemoryConnectHandlerProbe) => ({ ...world(), connectHandlerProbe: probe });

  /** Lets pending promises run until `done` holds (a run under way makes progress between turns). */
  async function until(done: () => boolean): Promise<void> {
    for (let turn = 0; turn < 1000 && !done(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(done()).toBe(true);
  }

  it('sends one canary, on the first endpoint listed, and keeps its answer in the report and the summary', async () => {
    // Arrange
    const probe = new MemoryConnectHandlerProbe();
    const ports = withProbe(probe);

    // Act
    const report = await runEnforcement(ports, withCanary());

    // Assert
    expect(probe.calls).toEqual([{ functionName: HANDLER, attempt: { endpointId: ENDPOINT_A, timeoutMs: 2000 } }]);
    expect(report.canary).toEqual({ ok: true, endpointId: ENDPOINT_A, allow: true, latencyMs: 12 });
    expect(ports.audit.summaries.get(RUN)?.canary).toEqual(report.canary);
  });

  it('reports a failed canary with its reason, and the run completes as ever', async () => {
    // Arrange
    const probe = new MemoryConnectHandlerProbe(() => ({
      ok: false,
      connectionId: 'cvpn-guard-canary-1',
      failure: 'throttled',
      reason: 'Invoke AWSClientVPN-CvpnGuard: TooManyRequestsException: Rate Exceeded.',
      latencyMs: 30,
    }));
    const ports = withProbe(probe);

    // Act
    const report = await runEnforcement(ports, withCanary());

    // Assert
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ terminated: 2 });
    expect(report.canary).toEqual({
      ok: false,
      endpointId: ENDPOINT_A,
      reason: 'throttled: Invoke AWSClientVPN-CvpnGuard: TooManyRequestsException: Rate Exceeded.',
      latencyMs: 30,
    });
    expect(ports.audit.summaries.get(RUN)?.canary).toMatchObject({ ok: false });
  });

  it('never makes the terminate calls wait for the canary', async () => {
    // Arrange: a handler that answers only when the test says so
    let answer!: () => void;
    const probe = new MemoryConnectHandlerProbe(
      () =>
        new Promise((resolve) => {
          answer = () => resolve({ ok: true, connectionId: 'cvpn-guard-canary-1', allow: true, latencyMs: 1 });
        }),
    );
    const ports = withProbe(probe);

    // Act
    const running = runEnforcement(ports, withCanary());
    await until(() => ports.gateway.calls.length === 2);
    answer();
    const report = await running;

    // Assert
    expect(probe.calls).toHaveLength(1);
    expect(report.canary).toMatchObject({ ok: true });
  });

  it('counts a probe that throws as a failed canary, and still completes', async () => {
    // Arrange
    const ports = withProbe(
      new MemoryConnectHandlerProbe(() => {
        throw new Error('socket hang up');
      }),
    );

    // Act
    const report = await runEnforcement(ports, withCanary());

    // Assert
    expect(report.status).toBe('completed');
    expect(report.canary).toMatchObject({ ok: false, reason: 'error: Error: socket hang up' });
  });

  it('sends no canary without a handler, with the kill switch on, or with no endpoint to claim', async () => {
    // Arrange
    const probe = new MemoryConnectHandlerProbe();

    // Act
    const unset = await runEnforcement(withProbe(probe), options());
    const disabled = await runEnforcement(withProbe(probe), withCanary({ disabled: true }));
    const noEndpoint = await runEnforcement(
      withProbe(probe),
      withCanary({ endpointSelection: { endpointIds: ['cvpn-endpoint-0ccccccccccccccc3'] } }),
    );

    // Assert
    expect(probe.calls).toEqual([]);
    expect([unset.canary, disabled.canary, noEndpoint.canary]).toEqual([undefined, undefined, undefined]);
  });
});
