import { describe, expect, it } from '@jest/globals';
import { SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { confirmationsOf, confirmTerminations } from '../../../lambda/run/confirm-terminations.js';
import { aConnection, ENDPOINT_A, ENDPOINT_B } from '../../support/fixtures.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';

const EARLIER = 'run-2026-11-26T09:55:00Z';
const NOW = new Date('2026-11-26T10:00:00Z');

async function unconfirmedTermination(audit: MemoryAuditLog, endpointId: string, connectionId: string): Promise<void> {
  await audit.intend({
    recordType: 'decision',
    runId: EARLIER,
    at: '2026-11-26T09:55:00Z',
    outcome: 'pending',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: [],
    reason: 'user mallory is revoked',
    endpointId,
    connectionId,
  });
  await audit.complete(
    { runId: EARLIER, endpointId, connectionId },
    {
      outcome: 'terminated',
      previousStatus: 'active',
      currentStatus: 'terminating',
      completedAt: '2026-11-26T09:55:01Z',
      awaitingConfirmation: true,
    },
  );
}

describe('confirmTerminations', () => {
  it('confirms as failed a termination EC2 accepted but the connection survived', async () => {
    const audit = new MemoryAuditLog();
    await unconfirmedTermination(audit, ENDPOINT_A, 'cvpn-connection-1');
    const listing = {
      connections: [aConnection({ connectionId: 'cvpn-connection-1', status: 'failed-to-terminate' })],
      readEndpoints: [ENDPOINT_A],
    };
    const report = await confirmTerminations(
      { audit, logger: SILENT_LOGGER },
      confirmationsOf(await audit.listUnconfirmed(), listing, 'run-now', NOW),
    );
    expect(report.failed).toHaveLength(1);
    expect((await audit.getRun(EARLIER)).records[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'failed-to-terminate',
      currentStatus: 'failed-to-terminate',
    });
    expect(await audit.listUnconfirmed()).toEqual([]);
  });

  it('confirms a connection seen terminated, or no longer listed on an endpoint that was read', async () => {
    const audit = new MemoryAuditLog();
    await unconfirmedTermination(audit, ENDPOINT_A, 'cvpn-connection-1');
    await unconfirmedTermination(audit, ENDPOINT_A, 'cvpn-connection-2');
    const listing = {
      connections: [aConnection({ connectionId: 'cvpn-connection-1', status: 'terminated' })],
      readEndpoints: [ENDPOINT_A],
    };
    const report = await confirmTerminations(
      { audit, logger: SILENT_LOGGER },
      confirmationsOf(await audit.listUnconfirmed(), listing, 'run-now', NOW),
    );
    expect(report).toEqual({ confirmed: 2, failed: [] });
    expect((await audit.getRun(EARLIER)).records.map((r) => [r.outcome, r.currentStatus])).toEqual([
      ['terminated', 'terminated'],
      ['terminated', 'not-listed'],
    ]);
  });

  it('waits while the connection is still terminating, or its endpoint could not be read', async () => {
    const audit = new MemoryAuditLog();
    await unconfirmedTermination(audit, ENDPOINT_A, 'cvpn-connection-1');
    await unconfirmedTermination(audit, ENDPOINT_B, 'cvpn-connection-2');
    const listing = {
      connections: [aConnection({ connectionId: 'cvpn-connection-1', status: 'terminating' })],
      readEndpoints: [ENDPOINT_A],
    };
    const report = await confirmTerminations(
      { audit, logger: SILENT_LOGGER },
      confirmationsOf(await audit.listUnconfirmed(), listing, 'run-now', NOW),
    );
    expect(report).toEqual({ confirmed: 0, failed: [] });
    expect(await audit.listUnconfirmed()).toHaveLength(2);
  });
});
