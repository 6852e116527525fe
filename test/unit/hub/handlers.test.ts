import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { EnvVar } from '../../../lambda/environment.js';
import { loadHubWatchConfig, loadRelayConfig } from '../../../lambda/hub/hub-config.js';
import { createHubWatchHandler } from '../../../lambda/hub-watch-handler.js';
import { HubMetric } from '../../../lambda/metrics.js';
import { createRelayHandler } from '../../../lambda/relay-handler.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MemoryNotifier, MemoryPolicies } from '../../support/MemoryPorts.js';
import { POLICIES_TABLE, streamBatch, streamRecord } from '../../support/stream-records.js';
import { aSpoke, MemorySpokeDirectory, MemorySpokeInvoker } from './memory-hub.js';

const RELAY = 'arn:aws:lambda:eu-west-1:000011112222:function:cvpn-guard-relay';
const CONTEXT = {
  invokedFunctionArn: `${RELAY}:$LATEST`,
  awsRequestId: 'req',
  functionName: 'relay',
} as unknown as Context;
const ENV = { [EnvVar.POLICIES_TABLE]: POLICIES_TABLE, [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.SPOKE_STALE_SECONDS]: '900' };
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
};

function observability() {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added: Array<[string, number]> = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    added.push([name, value]);
    return metrics;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  return { logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }), metrics, added };
}

describe('createRelayHandler', () => {
  function setup() {
    const spokes = [aSpoke('111111111111', 'eu-west-1'), aSpoke('222222222222', 'eu-west-1')];
    const invoker = new MemorySpokeInvoker({ [spokes[1]?.functionArn ?? '']: 'ResourceNotFoundException' });
    const ports = {
      directory: new MemorySpokeDirectory(spokes),
      invoker,
      clock: new ManualClock(new Date('2026-11-26T10:49:00Z')),
    };
    const { logger, metrics, added } = observability();
    const handler = createRelayHandler(() => ({ config: loadRelayConfig(ENV), ports }), { logger, metrics });
    return { handler, invoker, added };
  }

  it('relays a batch from its own unqualified ARN and counts the spokes relayed and failed', async () => {
    // Arrange
    const { handler, invoker, added } = setup();

    // Act
    const result = await handler(streamBatch(streamRecord({ after: REVOKED })), CONTEXT);

    // Assert
    expect(result).toMatchObject({
      status: 'relayed',
      spokes: 2,
      failed: [{ accountId: '222222222222', region: 'eu-west-1', error: 'ResourceNotFoundException' }],
    });
    expect(invoker.calls.map((call) => call.event.change.from)).toEqual([RELAY]);
    expect(added).toEqual([
      [HubMetric.SPOKES_RELAYED, 1],
      [HubMetric.SPOKE_RELAY_FAILURES, 1],
    ]);
  });

  it('refuses an event that is no stream batch, saying what it takes', async () => {
    // Arrange
    const { handler } = setup();

    // Act
    const relayed = handler({ Records: [] }, CONTEXT);

    // Assert
    await expect(relayed).rejects.toThrow("the event is not a batch of the policies table's stream");
  });
});

describe('createHubWatchHandler', () => {
  it('publishes the metrics, and the digest when a spoke is unreachable', async () => {
    // Arrange
    const notifier = new MemoryNotifier();
    const spokes = [aSpoke('111111111111', 'eu-west-1'), aSpoke('222222222222', 'eu-west-1', { status: 'partial' })];
    const ports = {
      directory: new MemorySpokeDirectory(spokes),
      policies: new MemoryPolicies([REVOKED]),
      clock: new ManualClock(new Date('2026-11-26T10:49:00Z')),
      notifier,
    };
    const { logger, metrics, added } = observability();
    const handler = createHubWatchHandler(() => ({ config: loadHubWatchConfig(ENV), ports }), { logger, metrics });

    // Act
    const result = await handler({}, CONTEXT);

    // Assert
    expect(result).toMatchObject({ digest: 'published', reporting: 1 });
    expect(added).toEqual([
      [HubMetric.SPOKES_UNREACHABLE, 1],
      [HubMetric.SPOKES_REPORTING, 1],
    ]);
    expect(notifier.digests.map((digest) => digest.message)).toEqual([
      expect.stringContaining('222222222222/eu-west-1: last run partial'),
    ]);
  });

  it('publishes no digest when nothing is wrong', async () => {
    // Arrange
    const notifier = new MemoryNotifier();
    const ports = {
      directory: new MemorySpokeDirectory([aSpoke('111111111111', 'eu-west-1')]),
      policies: new MemoryPolicies([REVOKED]),
      clock: new ManualClock(new Date('2026-11-26T10:49:00Z')),
      notifier,
    };
    const { logger, metrics, added } = observability();
    const handler = createHubWatchHandler(() => ({ config: loadHubWatchConfig(ENV), ports }), { logger, metrics });

    // Act
    const result = await handler({}, CONTEXT);

    // Assert
    expect(result.digest).toBe('none');
    expect(notifier.digests).toEqual([]);
    expect(added).toEqual([
      [HubMetric.SPOKES_UNREACHABLE, 0],
      [HubMetric.SPOKES_REPORTING, 1],
    ]);
  });
});
