import { afterEach, describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../../lambda/environment.js';
import type { AuditCompletion, DecisionKey } from '../../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { decisionItems, sandboxEnforcer } from '../../support/sandbox-enforcer.js';

const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
const START = '2026-11-26T10:00:00Z';

const REVOKED = (usernames: string[], extra: Record<string, unknown> = {}) => ({
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames,
  reason: 'left the company',
  ...extra,
});

function scenario(connections: Record<string, unknown>[], policies: Record<string, unknown>[]) {
  return { endpoints: [{ id: A }, { id: B }], connections, policies };
}

describe('the enforcement run under pressure', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
  });

  const start = async (connections: Record<string, unknown>[], policies: Record<string, unknown>[]) => {
    sandbox = await startSandbox({
      port: 0,
      scenario: scenario(connections, policies),
      clock: { start: START, frozen: true },
    });
    return sandbox;
  };

  it('finishes every termination it started under heavy throttling and records each outcome', async () => {
    const box = await start(
      [{ endpoint: A, username: 'mallory', count: 30, established: '-2h' }],
      [REVOKED(['mallory'])],
    );
    // Half of all terminate calls throttled, on top of a bucket of 5 and 1 a second.
    box.faults.set([{ service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'throttle', rate: 0.5 }]);
    box.emulator.configureThrottling({ mutating: { burst: 5, refillPerSecond: 1 } });
    const report = await sandboxEnforcer(box).tick();
    expect(report.counts).toEqual({ terminated: 30 });
    expect(report.throttledCalls).toBeGreaterThan(0);
    expect(box.emulator.listConnections().every((c) => c.status !== 'active')).toBe(true);
    const items = await decisionItems(box, sandboxEnforcer(box).clients);
    expect(items.map((item) => item.outcome)).toEqual(Array(30).fill('terminated'));
  });

  it('reconciles an intent left pending by a run that died between the call and its outcome', async () => {
    const box = await start(
      [
        { endpoint: A, username: 'mallory', established: '-2h' },
        { endpoint: A, username: 'alice', established: '-2h' },
      ],
      [REVOKED(['mallory'])],
    );
    // The first run "dies" right after the terminate call: its outcome update never completes.
    const dying = sandboxEnforcer(box, { [EnvVar.TIME_MARGIN_SECONDS]: '5' }, (runtime) => ({
      ...runtime,
      ports: {
        ...runtime.ports,
        audit: Object.assign(Object.create(Object.getPrototypeOf(runtime.ports.audit)), runtime.ports.audit, {
          complete: (_key: DecisionKey, _completion: AuditCompletion) => new Promise<void>(() => undefined),
        }),
      },
    }));
    // Lambda ends the invocation at its timeout (middy rejects it just before): here after 6 s, past the
    // smallest time margin (5 s) the function accepts.
    const dyingRun = dying.tick(undefined, 6_000).then(
      () => 'finished',
      (error: unknown) => String(error),
    );
    await waitFor(() => box.counters.get('ec2', 'TerminateClientVpnConnections').calls === 1);
    await waitFor(async () => (await decisionItems(box, dying.clients)).some((item) => item.outcome === 'pending'));
    expect(box.emulator.listConnections().find((c) => c.username === 'mallory')?.status).not.toBe('active');

    // The next tick, after the dead run's lease has expired.
    box.clock.advance('16m');
    const next = await sandboxEnforcer(box).tick();
    expect(next.reconciled).toBe(1);
    const items = await decisionItems(box, dying.clients);
    expect(items.filter((item) => item.outcome === 'pending')).toEqual([]);
    expect(items.filter((item) => item.username === 'mallory').map((item) => [item.runId, item.outcome])).toEqual([
      ['run-2026-11-26T10:00:00.000Z'.replace('.000Z', 'Z'), 'terminated'],
    ]);
    expect(String(items[0]?.reason)).toContain('reconciled by');
    expect(await dyingRun).toContain('TimeoutError');
  });

  it('terminates nothing when the run exceeds the global cap', async () => {
    const box = await start(
      [{ endpoint: A, username: 'mallory', count: 4, established: '-2h' }],
      [REVOKED(['mallory'])],
    );
    const report = await sandboxEnforcer(box, { [EnvVar.MAX_TERMINATIONS_PER_RUN]: '3' }).tick();
    expect(report.counts).toEqual({ capped: 4 });
    expect(box.counters.get('ec2', 'TerminateClientVpnConnections').calls).toBe(0);
    expect(box.sns.messages[0]?.subject).toContain('4 capped');
  });

  it('terminates nothing for a row over its own maxTerminations, and still applies the others', async () => {
    const box = await start(
      [
        { endpoint: A, username: 'mallory', count: 3, established: '-2h' },
        { endpoint: A, username: 'grace', established: '-10h' },
      ],
      [
        REVOKED(['mallory'], { maxTerminations: 2 }),
        {
          policyId: 'max-8h',
          kind: 'max-session',
          mode: 'enforce',
          endpoints: ['*'],
          maxSessionMinutes: 480,
          reason: 'a working day',
        },
      ],
    );
    const report = await sandboxEnforcer(box).tick();
    expect(report.counts).toEqual({ capped: 3, terminated: 1 });
    expect(
      box.emulator
        .listConnections()
        .filter((c) => c.status === 'active')
        .map((c) => c.username),
    ).toEqual(['mallory', 'mallory', 'mallory']);
  });

  it('uses the username fast path only when every active connection of the user on the endpoint is targeted and there are at most five', async () => {
    const box = await start(
      [
        { endpoint: A, username: 'mallory', count: 3, established: '-2h' },
        { endpoint: B, username: 'mallory', count: 6, established: '-2h' },
        { endpoint: A, username: 'trudy', count: 2, established: '-2h' },
      ],
      [
        REVOKED(['mallory']),
        {
          policyId: 'max-1',
          kind: 'max-connections',
          mode: 'enforce',
          endpoints: ['*'],
          usernames: ['trudy'],
          maxConnections: 1,
          reason: 'one each',
        },
      ],
    );
    const report = await sandboxEnforcer(box).tick();
    const byEndpointAndUser = (endpoint: string, user: string) =>
      report.records.filter((r) => r.endpointId === endpoint && r.username === user).map((r) => r.calledBy);
    expect(byEndpointAndUser(A, 'mallory')).toEqual(['username', 'username', 'username']);
    expect(byEndpointAndUser(B, 'mallory')).toEqual(Array(6).fill('connection-id'));
    expect(byEndpointAndUser(A, 'trudy')).toEqual(['connection-id']);
    // 1 call by username on A, 6 by id on B, 1 by id for trudy.
    expect(report.terminateCalls).toBe(8);
    expect(report.counts).toEqual({ terminated: 10 });
  });

  it('never calls terminate in observe mode or with the global dry run', async () => {
    const box = await start(
      [{ endpoint: A, username: 'mallory', established: '-2h' }],
      [REVOKED(['mallory'], { mode: 'observe' })],
    );
    expect((await sandboxEnforcer(box).tick()).counts).toEqual({ 'would-terminate': 1 });
    box.clock.advance('5m');
    await box.putItems('policies', [REVOKED(['mallory'])]);
    expect((await sandboxEnforcer(box, { [EnvVar.DRY_RUN]: 'true' }).tick()).counts).toEqual({ 'would-terminate': 1 });
    expect(box.counters.get('ec2', 'TerminateClientVpnConnections').calls).toBe(0);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
