/**
 * The hub watch on the sandbox: heartbeats in the audit table, rows in the policies table, the digest on the topic.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoSpokeDirectory } from '../../../lambda/adapters/DynamoSpokeDirectory.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { EnvVar } from '../../../lambda/environment.js';
import { loadHubWatchConfig } from '../../../lambda/hub/hub-config.js';
import { createHubWatchHandler, createHubWatchRuntime } from '../../../lambda/hub-watch-handler.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const CONTEXT = { awsRequestId: 'req', functionName: 'cvpn-guard-hub-watch' } as unknown as Context;

describe('the hub watch on the sandbox', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let watch: ReturnType<typeof createHubWatchHandler>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const config = loadHubWatchConfig({
      [EnvVar.POLICIES_TABLE]: sandbox.tables.policies,
      [EnvVar.AUDIT_TABLE]: sandbox.tables.audit,
      [EnvVar.TOPIC_ARN]: sandbox.topicArn,
      [EnvVar.SPOKE_STALE_SECONDS]: '900',
    });
    watch = createHubWatchHandler(() => createHubWatchRuntime(config, { ...sandbox.clientConfig(), maxAttempts: 1 }), {
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics,
    });
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  it('names a stale spoke and a row selecting no spoke in one digest on the topic', async () => {
    // Arrange: the watch reads the wall clock, as in Lambda.
    const directory = new DynamoSpokeDirectory(clients.documents, sandbox.tables.audit, 30);
    const fresh = new Date().toISOString();
    const stale = new Date(Date.now() - 3600_000).toISOString();
    for (const [accountId, at] of [
      ['111111111111', fresh],
      ['222222222222', stale],
    ] as const)
      await directory.announce({
        accountId,
        region: 'eu-west-1',
        at,
        runId: `${accountId}.eu-west-1/run`,
        status: 'completed',
        functionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:cvpn-guard-enforcer`,
      });
    await clients.documents.send(
      new PutCommand({
        TableName: sandbox.tables.policies,
        Item: {
          policyId: 'typo',
          kind: 'revoked-user',
          mode: 'enforce',
          endpoints: ['*'],
          usernames: ['mallory'],
          reason: 'left',
          enabled: true,
          accounts: ['999999999999'],
        },
      }),
    );

    // Act
    const result = await watch({}, CONTEXT);

    // Assert
    expect(result).toMatchObject({
      digest: 'published',
      reporting: 1,
      unreachable: [{ accountId: '222222222222', region: 'eu-west-1', why: `no heartbeat since ${stale}` }],
      unplaced: [{ policyId: 'typo' }],
    });
    expect(sandbox.sns.messages).toHaveLength(1);
    expect(sandbox.sns.messages[0]?.message).toContain(`222222222222/eu-west-1: no heartbeat since ${stale}`);
    expect(sandbox.sns.messages[0]?.message).toContain('row typo names account 999999999999 which is not a spoke');
  });
});
