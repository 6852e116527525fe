import { afterEach, describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../lambda/environment.js';
import type { ClientVpnGateway } from '../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { killable, SandboxLambda } from './support/harness.js';
import { checkInvariants } from './support/invariants.js';
import { expectationOf, scenario, SELECTED_ENV, START } from './support/scenario.js';

describe('two runs at once', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
  });

  const start = async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
    return sandbox;
  };

  it.each([
    ['two different ticks', false],
    ['the same tick delivered twice (Lambda may deliver an asynchronous event more than once)', true],
  ])('%s, started together: exactly one does the work', async (_name, sameTick) => {
    // Arrange
    const box = await start();
    const expectation = expectationOf(box);
    const first = new SandboxLambda(box, { env: SELECTED_ENV });
    const second = new SandboxLambda(box, { env: SELECTED_ENV });
    const event = first.scheduleEvent();
    const other = sameTick ? event : { ...event, scheduledTime: new Date(Date.parse(START) + 60_000).toISOString() };

    // Act
    const invocations = await Promise.all([first.invoke({ event }), second.invoke({ event: other })]);

    // Assert
    const reports = invocations.map((invocation) => (invocation.ok ? invocation.report : undefined));
    expect(reports.map((report) => report?.status).sort()).toEqual(['completed', 'skipped']);
    const worker = reports.find((report) => report?.status === 'completed');
    expect(worker?.counts.terminated).toBe(expectation.targets.size);
    expect(box.counters.get('ec2', 'TerminateClientVpnConnections').calls).toBe(worker?.terminateCalls);
    expect((await checkInvariants(box, first.clients, expectation, { settled: true })).violations).toEqual([]);
  });

  it('a duplicate delivery of the tick while the first is mid-call neither runs nor touches its intents', async () => {
    // Arrange: the first invocation holds its first terminate call until the duplicate has come and gone.
    const box = await start();
    const expectation = expectationOf(box);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const first = new SandboxLambda(box, {
      env: { ...SELECTED_ENV, [EnvVar.TERMINATE_CONCURRENCY]: '1' },
      wrap: (runtime) => {
        const gateway = runtime.ports.gateway;
        const holding: ClientVpnGateway = {
          listEndpoints: (selection) => gateway.listEndpoints(selection),
          listConnections: (endpointId) => gateway.listConnections(endpointId),
          getConnection: (endpointId, connectionId) => gateway.getConnection(endpointId, connectionId),
          terminate: async (call, options) => {
            calls += 1;
            if (calls === 1) await held;
            return gateway.terminate(call, options);
          },
        };
        return { ...runtime, ports: { ...runtime.ports, gateway: holding } };
      },
    });
    const duplicate = new SandboxLambda(box, { env: SELECTED_ENV });
    const event = first.scheduleEvent();

    // Act
    const running = first.invoke({ event });
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await duplicate.invoke({ event });
    release();
    const firstResult = await running;

    // Assert
    expect(second.ok && second.report.status).toBe('skipped');
    expect(firstResult.ok && firstResult.report.counts.terminated).toBe(expectation.targets.size);
    expect((await checkInvariants(box, first.clients, expectation, { settled: true })).violations).toEqual([]);
  });

  it('a retry of a tick whose run died holding the lease (same request id) takes it at once; another invocation of the tick does not', async () => {
    // Arrange: the first attempt dies holding the lease, before it terminates anything.
    const box = await start();
    const expectation = expectationOf(box);
    const dying = new SandboxLambda(box, {
      env: SELECTED_ENV,
      wrap: (runtime) => killable(runtime, 'after-lease').runtime,
    });
    const event = dying.scheduleEvent();
    const died = await dying.invoke({ event, requestId: 'request-1' });

    // Act: a duplicate delivery with another request id, then Lambda's retry with the same one.
    const stranger = await new SandboxLambda(box, { env: SELECTED_ENV }).invoke({ event, requestId: 'request-2' });
    const retry = await new SandboxLambda(box, { env: SELECTED_ENV }).invoke({ event, requestId: 'request-1' });

    // Assert
    expect(died.ok).toBe(false);
    expect(stranger.ok && stranger.report.status).toBe('skipped');
    expect(retry.ok && retry.report.status).toBe('completed');
    expect(retry.ok && retry.report.counts.terminated).toBe(expectation.targets.size);
    expect((await checkInvariants(box, dying.clients, expectation, { settled: true })).violations).toEqual([]);
  });
});
