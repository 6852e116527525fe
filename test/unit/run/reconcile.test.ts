import { describe, expect, it } from '@jest/globals';
import type { Connection } from '../../../lambda/domain/index.js';
import { type DecisionRecord, SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { reconcilePending } from '../../../lambda/run/reconcile.js';
import { aConnection, ENDPOINT_A } from '../../support/fixtures.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';
import { MemoryGateway } from '../../support/MemoryPorts.js';

const DEAD_RUN = 'run-2026-11-26T09:55:00Z';
const THIS_RUN = 'run-2026-11-26T10:00:00Z';

/** The intent a run wrote before its terminate call, then died. */
function intent(connectionId: string): DecisionRecord {
  return {
    recordType: 'decision',
    runId: DEAD_RUN,
    at: '2026-11-26T09:55:00.000Z',
    outcome: 'pending',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['offboarded (revoked-user, enforce)'],
    reason: 'user mallory is revoked',
    endpointId: ENDPOINT_A,
    connectionId,
    username: 'mallory',
    previousStatus: 'active',
  };
}

async function setUp(connections: Connection[], pending: string[]) {
  const audit = new MemoryAuditLog();
  for (const connectionId of pending) await audit.intend(intent(connectionId));
  const gateway = new MemoryGateway([{ endpointId: ENDPOINT_A, tags: {} }], connections);
  const ports = { audit, gateway, clock: new ManualClock('2026-11-26T10:00:00Z'), logger: SILENT_LOGGER };
  const recordOf = async (connectionId: string) =>
    (await audit.getRun(DEAD_RUN)).records.find((record) => record.connectionId === connectionId);
  return { audit, gateway, ports, recordOf };
}

describe('reconcilePending', () => {
  it('completes as terminated an intent whose connection EC2 shows ended, and says who found it', async () => {
    // Arrange
    const { audit, ports, recordOf } = await setUp(
      [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory', status: 'terminated' })],
      ['cvpn-connection-1'],
    );

    // Act
    const report = await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(report).toEqual({ reconciled: 1, leftPending: 0 });
    expect(await recordOf('cvpn-connection-1')).toMatchObject({
      outcome: 'terminated',
      currentStatus: 'terminated',
      completedAt: '2026-11-26T10:00:00.000Z',
      reason: `user mallory is revoked; reconciled by ${THIS_RUN}: the connection is terminated`,
    });
    expect(await audit.listPending()).toEqual([]);
    expect(await audit.listUnconfirmed()).toEqual([]);
  });

  it('completes as terminated, not listed, an intent whose connection EC2 no longer lists', async () => {
    // Arrange
    const { ports, recordOf } = await setUp([], ['cvpn-connection-1']);

    // Act
    await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(await recordOf('cvpn-connection-1')).toMatchObject({
      outcome: 'terminated',
      currentStatus: 'not-listed',
      reason: expect.stringContaining('EC2 no longer lists the connection'),
    });
  });

  it('leaves a connection still terminating unconfirmed, for a later run to confirm', async () => {
    // Arrange
    const { audit, ports } = await setUp(
      [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory', status: 'terminating' })],
      ['cvpn-connection-1'],
    );

    // Act
    await reconcilePending(ports, THIS_RUN);

    // Assert
    expect((await audit.listUnconfirmed()).map((record) => [record.connectionId, record.outcome])).toEqual([
      ['cvpn-connection-1', 'terminated'],
    ]);
  });

  it('completes as failed an intent whose connection is still up: the next evaluation decides afresh', async () => {
    // Arrange
    const { ports, recordOf } = await setUp(
      [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory', status: 'active' })],
      ['cvpn-connection-1'],
    );

    // Act
    await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(await recordOf('cvpn-connection-1')).toMatchObject({
      outcome: 'failed',
      currentStatus: 'active',
      errorCode: 'RunInterrupted',
      errorMessage: expect.stringContaining(`still active (found by ${THIS_RUN})`),
      reason: 'user mallory is revoked',
    });
  });

  it('leaves an intent pending when its connection cannot be looked up, and goes on with the others', async () => {
    // Arrange
    const { audit, gateway, ports } = await setUp(
      [aConnection({ connectionId: 'cvpn-connection-2', username: 'mallory', status: 'terminated' })],
      ['cvpn-connection-1', 'cvpn-connection-2'],
    );
    const lookUp = gateway.getConnection.bind(gateway);
    gateway.getConnection = async (endpointId, connectionId) => {
      if (connectionId === 'cvpn-connection-1') throw new Error('EC2 is unreachable');
      return lookUp(endpointId, connectionId);
    };

    // Act
    const report = await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(report).toEqual({ reconciled: 1, leftPending: 1 });
    expect((await audit.listPending()).map((record) => record.connectionId)).toEqual(['cvpn-connection-1']);
  });

  it('touches nothing when no intent is pending', async () => {
    // Arrange
    const { audit, ports } = await setUp([aConnection({ connectionId: 'cvpn-connection-1' })], []);

    // Act
    const report = await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(report).toEqual({ reconciled: 0, leftPending: 0 });
    expect(audit.journal).toEqual([]);
  });

  it('leaves an intent pending when its outcome cannot be written, for the next run to try again', async () => {
    // Arrange
    const { audit, ports } = await setUp(
      [aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory', status: 'terminated' })],
      ['cvpn-connection-1'],
    );
    audit.failOn = { method: 'complete', times: 1 };

    // Act
    const report = await reconcilePending(ports, THIS_RUN);

    // Assert
    expect(report).toEqual({ reconciled: 0, leftPending: 1 });
    expect((await audit.listPending()).map((record) => record.connectionId)).toEqual(['cvpn-connection-1']);
  });
});
