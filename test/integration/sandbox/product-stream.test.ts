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
