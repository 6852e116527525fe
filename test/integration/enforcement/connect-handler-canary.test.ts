import { afterEach, describe, expect, it } from '@jest/globals';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { EnvVar } from '../../../lambda/environment.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { sandboxEnforcer } from '../../support/sandbox-enforcer.js';

const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
const HANDLER = 'AWSClientVPN-canary-test';
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left the company',
};

describe("the run's canary on the client connect handler, against the sandbox", () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
  });

  async function start(): Promise<{ box: Sandbox; seen: Record<string, unknown>[] }> {
    const box = await startSandbox({
      port: 0,
      scenario: {
        endpoints: [{ id: A }, { id: B }],
        connections: [{ endpoint: B, username: 'mallory', established: '-1h' }],
        policies: [REVOKED],
      },
      clock: { start: '2026-11-26T10:00:00Z', frozen: true },
    });
    sandbox = box;
    const seen: Record<string, unknown>[] = [];
    box.lambda.register(HANDLER, (event: Record<string, unknown>) => {
      seen.push(event);
      return {
        allow: true,
        'error-msg-on-denied-connection': '',
        'posture-compliance-statuses': [],
        'schema-version': 'v2',
      };
    });
    return { box, seen };
  }

  it('invokes the handler once, on the first endpoint, and writes its answer into the summary record', async () => {
    // Arrange
    const { box, seen } = await start();
    const enforcer = sandboxEnforcer(box, { [EnvVar.CONNECT_HANDLER_FUNCTION]: HANDLER });

    // Act
    const report = await enforcer.tick();

    // Assert
    expect(seen).toEqual([
      expect.objectContaining({ 'endpoint-id': A, username: 'cvpn-guard-canary', 'schema-version': 'v2' }),
    ]);
    expect(report.canary).toMatchObject({ ok: true, endpointId: A, allow: true });
    const { summary } = await new DynamoAuditLog(enforcer.clients.documents, box.tables.audit, 1).getRun(report.runId);
    expect(summary?.canary).toEqual(report.canary);
  });

  it('reports a throttled handler and terminates as ever', async () => {
    // Arrange
    const { box } = await start();
    box.lambda.functionFaults.set([{ function: HANDLER, kind: 'throttle' }]);

    // Act
    const report = await sandboxEnforcer(box, { [EnvVar.CONNECT_HANDLER_FUNCTION]: HANDLER }).tick();

    // Assert
    expect(report.status).toBe('completed');
    expect(report.counts).toEqual({ terminated: 1 });
    expect(report.canary).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^throttled: .*TooManyRequestsException/),
    });
  });

  it('reports a handler that does not exist, and sends nothing without one configured', async () => {
    // Arrange
    const { box, seen } = await start();

    // Act
    const missing = await sandboxEnforcer(box, { [EnvVar.CONNECT_HANDLER_FUNCTION]: 'AWSClientVPN-gone' }).tick();
    box.clock.advance(300_000);
    const none = await sandboxEnforcer(box).tick();

    // Assert
    expect(missing.canary).toMatchObject({ ok: false, reason: expect.stringMatching(/^not-found: /) });
    expect(none.canary).toBeUndefined();
    expect(seen).toEqual([]);
  });
});
