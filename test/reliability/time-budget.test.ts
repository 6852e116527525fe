/**
 * The Lambda's time budget: under heavy throttling a run stops starting calls once the time left
 * falls under the margin, records the rest as `deferred`, and finishes inside its budget; the runs
 * after it finish the job. The budget is counted on the sandbox's simulated clock, which the run's
 * backoff sleeps move on, so the test never depends on how fast the machine is.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../lambda/environment.js';
import type { ClientVpnGateway } from '../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { SandboxLambda } from './support/harness.js';
import { checkInvariants } from './support/invariants.js';
import { ENDPOINT_A, START } from './support/scenario.js';

const BUDGET_MS = 40_000;
const MARGIN_SECONDS = 20;
const MALLORY = 40;

describe('a run under heavy throttling with little time left', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
  });

  it('stops starting calls at the margin, defers the rest, ends inside its budget; the next runs finish the job', async () => {
    // Arrange: 40 connections of a revoked user; EC2 refills one terminate a second and throttles half the calls on top.
    const box = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: ENDPOINT_A }],
        connections: [
          { endpoint: ENDPOINT_A, username: 'mallory', count: MALLORY, established: '-2h' },
          { endpoint: ENDPOINT_A, username: 'alice', count: 3, established: '-2h' },
        ],
        policies: [
          {
            policyId: 'offboarded',
            kind: 'revoked-user',
            mode: 'enforce',
            endpoints: ['*'],
            usernames: ['mallory'],
            reason: 'left',
          },
        ],
      },
      clock: { start: START, frozen: true },
      throttling: { mutating: { burst: 3, refillPerSecond: 1 } },
      faults: [{ service: 'ec2', actions: ['@mutating'], kind: 'throttle', rate: 0.5 }],
      faultSeed: 7,
    });
    sandbox = box;
    const targets = new Set(
      box.emulator
        .listConnections()
        .filter((c) => c.username === 'mallory')
        .map((c) => c.connectionId),
    );
    const untouchable = new Set(
      box.emulator
        .listConnections()
        .filter((c) => c.username !== 'mallory')
        .map((c) => c.connectionId),
    );
    const startedAt = box.clock.nowMs();
    const leftAtCalls: number[] = [];
    const lambda = new SandboxLambda(box, {
      env: { [EnvVar.TIME_MARGIN_SECONDS]: String(MARGIN_SECONDS) },
      wrap: (runtime) => {
        const gateway = runtime.ports.gateway;
        const watched: ClientVpnGateway = {
          listEndpoints: (selection) => gateway.listEndpoints(selection),
          listConnections: (endpointId) => gateway.listConnections(endpointId),
          getConnection: (endpointId, connectionId) => gateway.getConnection(endpointId, connectionId),
          terminate: (call, options) => {
            leftAtCalls.push(BUDGET_MS - (box.clock.nowMs() - startedAt));
            return gateway.terminate(call, options);
          },
        };
        return { ...runtime, ports: { ...runtime.ports, gateway: watched } };
      },
    });

    // Act
    const first = await lambda.invoke({ budgetMs: BUDGET_MS });

    // Assert: it stopped in time and deferred the rest, leaving nothing pending.
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const { counts } = first.report;
    expect(counts.deferred).toBeGreaterThan(0);
    expect(counts.terminated).toBeGreaterThan(0);
    expect((counts.terminated ?? 0) + (counts.deferred ?? 0)).toBe(MALLORY);
    expect(counts.pending).toBeUndefined();
    expect(first.report.throttledCalls).toBeGreaterThan(0);
    expect(first.report.durationMs).toBeLessThan(BUDGET_MS);
    // A retry may start after one last backoff (at most 8 s), never past the budget.
    expect(Math.min(...leftAtCalls)).toBeGreaterThan(0);
    expect(
      (await checkInvariants(box, lambda.clients, { targets, untouchable }, { settled: false })).violations,
    ).toEqual([]);

    // Act: the following ticks, the throttling over.
    box.faults.clear();
    box.emulator.resetThrottling();
    const later: string[] = [];
    for (let tick = 0; tick < 3; tick += 1) {
      box.clock.advance('5m');
      const next = await new SandboxLambda(box).invoke();
      later.push(next.ok ? `${next.report.status} ${JSON.stringify(next.report.counts)}` : String(next.error));
    }

    // Assert: the deferred connections are ended, each with exactly one terminated record.
    expect(later[0]).toContain('"terminated"');
    expect(
      (await checkInvariants(box, lambda.clients, { targets, untouchable }, { settled: true })).violations,
    ).toEqual([]);
  });
});
