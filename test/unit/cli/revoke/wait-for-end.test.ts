import { describe, expect, it } from '@jest/globals';
import type { AdmissionRecord, DecisionRecord, ListedRecord } from '../../../../lambda/ports/index.js';
import {
  type WaitPorts,
  type WaitReporter,
  type WatchedConnection,
  waitForEnd,
} from '../../../../cli/revoke/wait-for-end.js';

const CORP = 'cvpn-endpoint-0e2e00000000000a1';
const SINCE = new Date('2026-11-26T10:00:00Z');

const connection = (connectionId: string, status = 'active', username = 'jdoe'): WatchedConnection => ({
  endpointId: CORP,
  connectionId,
  username,
  status,
});

const decision = (connectionId: string, outcome: string, runId = 'manual-1'): DecisionRecord =>
  ({
    recordType: 'decision',
    runId,
    at: '2026-11-26T10:00:05Z',
    outcome,
    policyId: 'revoked-left',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['revoked-left (revoked-user, enforce)'],
    reason: 'user jdoe is revoked (policy revoked-left)',
    endpointId: CORP,
    connectionId,
    username: 'jdoe',
    ...(outcome === 'terminated' ? { completedAt: '2026-11-26T10:00:06Z' } : {}),
  }) as DecisionRecord;

const refusal: AdmissionRecord = {
  recordType: 'admission',
  outcome: 'refused',
  runId: 'gate-2026-11-26',
  at: '2026-11-26T10:00:03Z',
  endpointId: CORP,
  connectionId: 'cvpn-connection-0000000000000a9',
  username: 'jdoe',
  policyId: 'revoked-left',
  firedPolicies: ['revoked-left (revoked-user, enforce)'],
  reason: 'user jdoe is revoked',
};

/** Ports whose looks follow a script: one EC2 listing and one set of records per look (the last repeats). */
function scripted(looks: { ec2: readonly WatchedConnection[] | Error; records: readonly ListedRecord[] | Error }[]) {
  let look = 0;
  let clock = 0;
  const sleeps: number[] = [];
  const ports: WaitPorts = {
    listConnections: async () => {
      const step = looks[Math.min(look, looks.length - 1)]!.ec2;
      if (step instanceof Error) throw step;
      return step;
    },
    records: async () => {
      const step = looks[Math.min(look, looks.length - 1)]!.records;
      look += 1;
      if (step instanceof Error) throw step;
      return step;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    elapsedNow: () => clock,
    now: () => new Date('2026-11-26T10:00:09Z'),
  };
  return { ports, sleeps, looks: () => look };
}

function reporter() {
  const lines: string[] = [];
  const report: WaitReporter = {
    watching: (connections) => lines.push(`watching ${connections.map((c) => c.connectionId).join(',')}`),
    ended: (end) => lines.push(`ended ${end.connection.connectionId} ${end.runId ?? '-'} ${end.how} ${end.at}`),
    refused: (record) => lines.push(`refused ${record.connectionId}`),
    failed: (record) => lines.push(`failed ${record.connectionId}`),
    appeared: (watched) => lines.push(`appeared ${watched.connectionId}`),
    throttled: (service, code, next) => lines.push(`throttled ${service} ${code} ${next}`),
  };
  return { report, lines };
}

function throttle(name: string): Error {
  return Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 503 } });
}

const options = { identities: ['jdoe'], since: SINCE, timeoutMs: 60_000, intervalMs: 2000, maxIntervalMs: 16_000 };

describe('waitForEnd', () => {
  it('watches the active connections and ends each when its record says terminated, naming the run', async () => {
    // Arrange
    const { ports } = scripted([
      { ec2: [connection('c1'), connection('c2'), connection('c0', 'terminated')], records: [] },
      { ec2: [connection('c1', 'terminated'), connection('c2')], records: [decision('c1', 'terminated')] },
      {
        ec2: [connection('c1', 'terminated'), connection('c2', 'terminated')],
        records: [decision('c2', 'pending'), decision('c1', 'terminated')],
      },
    ]);
    const { report, lines } = reporter();

    // Act
    const result = await waitForEnd(ports, options, report);

    // Assert
    expect(lines).toEqual([
      'watching c1,c2',
      'ended c1 manual-1 terminated 2026-11-26T10:00:06Z',
      'ended c2 manual-1 terminated 2026-11-26T10:00:09.000Z',
    ]);
    expect(result.stillUp).toEqual([]);
    expect(result.ended).toHaveLength(2);
  });

  it('ends a connection EC2 no longer lists, with no run when no record names it', async () => {
    const { ports } = scripted([
      { ec2: [connection('c1')], records: [] },
      { ec2: [], records: [] },
    ]);
    const { report, lines } = reporter();

    await waitForEnd(ports, options, report);

    expect(lines).toEqual(['watching c1', 'ended c1 - not-listed 2026-11-26T10:00:09.000Z']);
  });

  it('backs off on throttling, twice as long for each throttled call up to the limit, and goes on to the end', async () => {
    // Arrange
    const { ports, sleeps } = scripted([
      { ec2: [connection('c1')], records: [] },
      { ec2: throttle('RequestLimitExceeded'), records: [] },
      { ec2: throttle('RequestLimitExceeded'), records: throttle('ProvisionedThroughputExceededException') },
      { ec2: throttle('RequestLimitExceeded'), records: [] },
      { ec2: [connection('c1', 'terminated')], records: [decision('c1', 'terminated')] },
    ]);
    const { report, lines } = reporter();

    // Act
    const result = await waitForEnd(ports, options, report);

    // Assert
    expect(lines).toEqual([
      'watching c1',
      'throttled EC2 RequestLimitExceeded 4000',
      'throttled EC2 RequestLimitExceeded 8000',
      'throttled DynamoDB ProvisionedThroughputExceededException 16000',
      'throttled EC2 RequestLimitExceeded 16000',
      'ended c1 manual-1 terminated 2026-11-26T10:00:06Z',
    ]);
    expect(sleeps).toEqual([2000, 4000, 16000, 16000]);
    expect(result.throttled).toBe(4);
  });

  it('stops at the timeout with what is still up', async () => {
    const { ports, sleeps } = scripted([{ ec2: [connection('c1')], records: [] }]);
    const { report } = reporter();

    const result = await waitForEnd(ports, { ...options, timeoutMs: 5000 }, report);

    expect(result.stillUp.map((watched) => watched.connectionId)).toEqual(['c1']);
    expect(sleeps).toEqual([2000, 2000, 1000]);
  });

  it('fails on an error that is not throttling', async () => {
    const denied = Object.assign(new Error('no'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    const { ports } = scripted([{ ec2: [connection('c1')], records: denied }]);

    await expect(waitForEnd(ports, options, reporter().report)).rejects.toBe(denied);
  });

  it('prints each refusal at connect and each failed termination once, and watches a connection that came up since', async () => {
    // Arrange
    const { ports } = scripted([
      { ec2: [connection('c1')], records: [] },
      { ec2: [connection('c1'), connection('c3')], records: [refusal, decision('c1', 'failed')] },
      { ec2: [connection('c1'), connection('c3')], records: [refusal, decision('c1', 'failed')] },
      {
        ec2: [connection('c1', 'terminated'), connection('c3', 'terminated')],
        records: [decision('c1', 'terminated', 'manual-2'), decision('c3', 'terminated', 'manual-2'), refusal],
      },
    ]);
    const { report, lines } = reporter();

    // Act
    await waitForEnd(ports, options, report);

    // Assert
    expect(lines).toEqual([
      'watching c1',
      'refused cvpn-connection-0000000000000a9',
      'failed c1',
      'appeared c3',
      'ended c1 manual-2 terminated 2026-11-26T10:00:06Z',
      'ended c3 manual-2 terminated 2026-11-26T10:00:06Z',
    ]);
  });

  it('watches, and ends at once, a connection a run ended before the first look', async () => {
    const { ports } = scripted([{ ec2: [connection('c1', 'terminated')], records: [decision('c1', 'terminated')] }]);
    const { report, lines } = reporter();

    await waitForEnd(ports, options, report);

    expect(lines).toEqual(['watching c1', 'ended c1 manual-1 terminated 2026-11-26T10:00:06Z']);
  });

  it('has nothing to wait for when the identities hold no connection', async () => {
    const { ports, sleeps } = scripted([{ ec2: [connection('c0', 'terminated')], records: [] }]);
    const { report, lines } = reporter();

    const result = await waitForEnd(ports, options, report);

    expect(lines).toEqual(['watching ']);
    expect(result).toMatchObject({ stillUp: [], looked: true });
    expect(sleeps).toEqual([]);
  });
});
