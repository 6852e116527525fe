import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  ENFORCER_FUNCTION_NAME,
  type InstalledProduct,
  POLICY_STREAM_MAPPING,
  installProduct,
} from '../../../cli/sandbox/product.js';
import type { Sandbox } from '../../../local/index.js';
import { startTestSandbox } from './helpers.js';

describe("installProduct and the policies table's stream", () => {
  let sandbox: Sandbox;
  let product: InstalledProduct | undefined;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });

  afterEach(async () => {
    await product?.stop();
    await sandbox.stop();
  });

  it("maps the stream to the enforcer with the stack's settings, so a policy change invokes it", async () => {
    product = await installProduct(sandbox, { schedule: false, attachGate: false });
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 }));

    await documents.send(
      new PutCommand({
        TableName: sandbox.tables.policies,
        Item: { policyId: 'p-revoke', kind: 'revoked', mode: 'enforce', endpoints: ['*'], users: ['bob'] },
      }),
    );
    await sandbox.lambda.settled();
    const beforeWindow = sandbox.lambda.get(ENFORCER_FUNCTION_NAME).stats.invocations;
    sandbox.clock.advance(POLICY_STREAM_MAPPING.maximumBatchingWindowMs);
    await sandbox.lambda.settled();
    documents.destroy();

    expect(product.streamMapping?.view()).toMatchObject({
      ...POLICY_STREAM_MAPPING,
      functionArn: sandbox.lambda.arn(ENFORCER_FUNCTION_NAME),
      streamArn: sandbox.policyStream.arn,
      onFailure: { destination: 'arn:aws:sqs:us-east-1:000000000000:cvpn-guard-policy-stream-failures' },
    });
    expect(beforeWindow).toBe(0);
    expect(sandbox.lambda.get(ENFORCER_FUNCTION_NAME).stats.invocations).toBeGreaterThanOrEqual(1);
    expect(product.streamMapping?.view().stats.invocations).toBeGreaterThanOrEqual(1);
    expect(product.streamMapping?.view().checkpoint).toBe(
      sandbox.policyStream.list()[0]?.record.dynamodb?.SequenceNumber,
    );
  });

  it('coalesces a burst of 1,000 policy changes into one or two runs, every change delivered', async () => {
    // Arrange: the clock frozen, so the whole burst lands within the mapping's batching window.
    product = await installProduct(sandbox, { schedule: false, attachGate: false });
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 }));
    const rows = Array.from({ length: 1000 }, (_, index) => ({
      policyId: `revoke-${String(index).padStart(4, '0')}`,
      kind: 'revoked-user',
      enabled: true,
      mode: 'enforce',
      endpoints: ['*'],
      usernames: [`leaver-${index}`],
      reason: 'left in the reorganisation',
      version: 1,
    }));

    // Act: 20 writers at once, then the window passes.
    for (let start = 0; start < rows.length; start += 20) {
      await Promise.all(
        rows
          .slice(start, start + 20)
          .map((Item) => documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item }))),
      );
    }
    sandbox.clock.advance(POLICY_STREAM_MAPPING.maximumBatchingWindowMs);
    await sandbox.lambda.settled();
    documents.destroy();

    // Assert
    const stats = product.streamMapping?.view().stats;
    expect(stats?.recordsDelivered).toBe(1000);
    expect(stats?.invocations).toBeLessThanOrEqual(2);
    expect(sandbox.lambda.get(ENFORCER_FUNCTION_NAME).stats.invocations).toBeLessThanOrEqual(2);
  }, 60_000);

  it('leaves the stream unmapped when asked, and stops the mapping with the product', async () => {
    const unmapped = await installProduct(sandbox, { schedule: false, attachGate: false, stream: false });
    const unmappedCount = sandbox.lambda.eventSourceMappings().length;
    await unmapped.stop();

    product = await installProduct(sandbox, { schedule: false, attachGate: false });
    await product.stop();

    expect(unmapped.streamMapping).toBeUndefined();
    expect(unmappedCount).toBe(0);
    expect(product.streamMapping?.view().state).toBe('Disabled');
  });
});
