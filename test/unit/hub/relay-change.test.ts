import { describe, expect, it } from '@jest/globals';
import { readPolicyImage } from '../../../lambda/adapters/policy-image.js';
import { relayChange } from '../../../lambda/hub/relay-change.js';
import { SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { changeRunId } from '../../../lambda/run/run-id.js';
import { POLICIES_STREAM_ARN, POLICIES_TABLE, streamRecord } from '../../support/stream-records.js';
import { MemoryNotifier } from '../../support/MemoryPorts.js';
import { aSpoke, MemorySpokeDirectory, MemorySpokeInvoker } from './memory-hub.js';

const NOW = new Date('2026-11-26T10:49:00Z');
const RELAY = 'arn:aws:lambda:eu-west-1:000011112222:function:cvpn-guard-relay';
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
};
const A_EU = aSpoke('111111111111', 'eu-west-1');
const A_US = aSpoke('111111111111', 'us-east-1');
const B_EU = aSpoke('222222222222', 'eu-west-1');

function setup(spokes = [A_EU, A_US, B_EU], refusing: Record<string, string> = {}) {
  const directory = new MemorySpokeDirectory(spokes);
  const invoker = new MemorySpokeInvoker(refusing);
  const notifier = new MemoryNotifier();
  const relay = (records: unknown[]) =>
    relayChange(
      { directory, invoker, notifier, logger: SILENT_LOGGER },
      { records, policiesTable: POLICIES_TABLE, readImage: readPolicyImage, from: RELAY, now: NOW },
    );
  return { directory, invoker, notifier, relay };
}

describe('relayChange', () => {
  it('invokes every spoke a row without selectors selects, once, with the pinned event', async () => {
    // Arrange
    const { invoker, relay, notifier } = setup();
    const record = streamRecord({ after: REVOKED, sequenceNumber: '500' });

    // Act
    const result = await relay([record]);

    // Assert
    const runId = changeRunId(POLICIES_STREAM_ARN, '500', '500');
    expect(result).toEqual({ status: 'relayed', runId, changes: 1, spokes: 3, failed: [], ignored: [], unplaced: [] });
    expect(invoker.calls).toEqual(
      [A_EU, A_US, B_EU].map((spoke) => ({
        functionArn: spoke.functionArn,
        event: { change: { runId, policyIds: ['offboarded'], from: RELAY } },
      })),
    );
    expect(notifier.digests).toEqual([]);
  });

  it('invokes only the spokes the row selects, and names each row in the batch its spoke gets', async () => {
    // Arrange
    const { invoker, relay } = setup();
    const records = [
      streamRecord({ after: { ...REVOKED, policyId: 'in-a', accounts: ['111111111111'] } }),
      streamRecord({ after: { ...REVOKED, policyId: 'in-eu', regions: ['eu-west-1'] } }),
    ];

    // Act
    const result = await relay(records);

    // Assert
    expect(result.spokes).toBe(3);
    expect(invoker.calls.map(({ functionArn, event }) => [functionArn, event.change.policyIds])).toEqual([
      [A_EU.functionArn, ['in-a', 'in-eu']],
      [A_US.functionArn, ['in-a']],
      [B_EU.functionArn, ['in-eu']],
    ]);
  });

  it('wakes the spokes where a removed exemption applied', async () => {
    // Arrange
    const { invoker, relay } = setup();
    const exemption = {
      policyId: 'on-call',
      kind: 'exempt',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['alice'],
      reason: 'on call',
    };

    // Act
    await relay([streamRecord({ before: { ...exemption, regions: ['us-east-1'] } })]);

    // Assert
    expect(invoker.calls.map((call) => call.functionArn)).toEqual([A_US.functionArn]);
  });

  it('names and counts a spoke it cannot invoke, invokes the others, and tells the topic', async () => {
    // Arrange
    const { invoker, relay, notifier } = setup(undefined, { [A_US.functionArn]: 'AccessDeniedException' });

    // Act
    const result = await relay([streamRecord({ after: REVOKED })]);

    // Assert
    expect(result.failed).toEqual([{ accountId: '111111111111', region: 'us-east-1', error: 'AccessDeniedException' }]);
    expect(result.spokes).toBe(3);
    expect(invoker.calls.map((call) => call.functionArn)).toEqual([A_EU.functionArn, B_EU.functionArn]);
    expect(notifier.digests).toHaveLength(1);
    expect(notifier.digests[0]?.message).toContain('111111111111/us-east-1: relay: AccessDeniedException');
  });

  it('names a spoke whose heartbeat holds no function ARN as failed', async () => {
    // Arrange
    const directory = new MemorySpokeDirectory([aSpoke('111111111111', 'eu-west-1', { functionArn: '' })]);
    const { LambdaSpokeInvoker } = await import('../../../lambda/adapters/LambdaSpokeInvoker.js');
    const invoker = new LambdaSpokeInvoker(() => {
      throw new Error('no client is needed');
    });

    // Act
    const result = await relayChange(
      { directory, invoker, logger: SILENT_LOGGER },
      {
        records: [streamRecord({ after: REVOKED })],
        policiesTable: POLICIES_TABLE,
        readImage: readPolicyImage,
        from: RELAY,
        now: NOW,
      },
    );

    // Assert
    expect(result.failed).toEqual([{ accountId: '111111111111', region: 'eu-west-1', error: 'InvalidFunctionArn' }]);
  });

  it('reports a changed row that selects no known spoke', async () => {
    // Arrange
    const { invoker, relay, notifier } = setup();

    // Act
    const result = await relay([streamRecord({ after: { ...REVOKED, accounts: ['999999999999'] } })]);

    // Assert
    expect(result).toMatchObject({ status: 'relayed', spokes: 0, failed: [] });
    expect(result.unplaced).toEqual([
      { policyId: 'offboarded', why: 'row offboarded names account 999999999999 which is not a spoke' },
    ]);
    expect(invoker.calls).toEqual([]);
    expect(notifier.digests[0]?.message).toContain('row offboarded names account 999999999999 which is not a spoke');
  });

  it('ignores a batch that can end no session, naming each record, and reads no directory', async () => {
    // Arrange
    const { directory, invoker, relay } = setup();
    directory.failure = new Error('must not be read');
    const records = [
      streamRecord({ after: { ...REVOKED, mode: 'observe' } }),
      streamRecord({ after: REVOKED, eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/other/stream/x' }),
    ];

    // Act
    const result = await relay(records);

    // Assert
    expect(result.status).toBe('ignored');
    expect(result.spokes).toBe(0);
    expect(result.ignored).toEqual([
      expect.stringContaining('is not the stream of the policies table p'),
      expect.stringContaining('observe mode'),
    ]);
    expect(invoker.calls).toEqual([]);
  });

  it('fails when the directory cannot be read, so the batch is retried', async () => {
    // Arrange
    const { directory, invoker, relay } = setup();
    directory.failure = new Error('ProvisionedThroughputExceededException');

    // Act
    const relayed = relay([streamRecord({ after: REVOKED })]);

    // Assert
    await expect(relayed).rejects.toMatchObject({
      name: 'HubDirectoryError',
      message: expect.stringContaining('the spoke directory'),
    });
    expect(invoker.calls).toEqual([]);
  });

  it('gives a batch delivered again the same run id', async () => {
    // Arrange
    const { invoker, relay } = setup([A_EU]);
    const records = [
      streamRecord({ after: REVOKED, sequenceNumber: '700' }),
      streamRecord({ after: { ...REVOKED, policyId: 'x' }, sequenceNumber: '701' }),
    ];

    // Act
    const first = await relay(records);
    const again = await relay(records);

    // Assert
    expect(first.runId).toBe(changeRunId(POLICIES_STREAM_ARN, '700', '701'));
    expect(again.runId).toBe(first.runId);
    expect(invoker.calls.map((call) => call.event.change.runId)).toEqual([first.runId, first.runId]);
  });

  it('keeps at most the given number of invocations in flight, and ends every one', async () => {
    // Arrange
    const spokes = Array.from({ length: 7 }, (_, i) => aSpoke(`${100000000000 + i}`, 'eu-west-1'));
    let inFlight = 0;
    let most = 0;
    const invoked: string[] = [];
    const invoker = {
      invoke: async (functionArn: string) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        if (functionArn.includes('100000000003')) throw new Error('boom');
        invoked.push(functionArn);
      },
    };

    // Act
    const result = await relayChange(
      { directory: new MemorySpokeDirectory(spokes), invoker, logger: SILENT_LOGGER },
      {
        records: [streamRecord({ after: REVOKED })],
        policiesTable: POLICIES_TABLE,
        readImage: readPolicyImage,
        from: RELAY,
        now: NOW,
        concurrency: 2,
      },
    );

    // Assert
    expect(most).toBe(2);
    expect(invoked).toHaveLength(6);
    expect(result.failed).toEqual([{ accountId: '100000000003', region: 'eu-west-1', error: 'Error' }]);
  });
});
