import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRunLease, LEASE_KEY } from '../../../lambda/adapters/DynamoRunLease.js';
import { createDocumentClient } from '../../../lambda/clients.js';

const TABLE = 'cvpn-guard-state';
const NOW = new Date('2026-11-26T10:00:00.000Z');
const EXPIRES = new Date('2026-11-26T10:04:30.250Z');
const documentsMock = mockClient(DynamoDBDocumentClient);

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

function throttled(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds', $metadata: {} });
}

describe('DynamoRunLease', () => {
  const lease = () => new DynamoRunLease(createDocumentClient(new DynamoDBClient({ region: 'us-east-1' })), TABLE);

  beforeEach(() => {
    documentsMock.reset();
  });

  describe('acquire', () => {
    it('writes the one lease item, taken only when free, expired or re-entered by the same run and holder', async () => {
      // Arrange
      documentsMock.on(PutCommand).resolves({});

      // Act
      const taken = await lease().acquire('run-1', NOW, EXPIRES, 'request-1');

      // Assert
      expect(taken).toBe(true);
      const calls = documentsMock.commandCalls(PutCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toEqual({
        TableName: TABLE,
        Item: {
          pk: 'LEASE',
          sk: 'enforcement',
          runId: 'run-1',
          holder: 'request-1',
          acquiredAt: '2026-11-26T10:00:00.000Z',
          expiresAtMs: EXPIRES.getTime(),
          // DynamoDB TTL is in whole seconds: rounded up, so the item never goes before the lease ends.
          ttl: Math.ceil(EXPIRES.getTime() / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR (runId = :runId AND holder = :holder)',
        ExpressionAttributeValues: { ':now': NOW.getTime(), ':runId': 'run-1', ':holder': 'request-1' },
      });
    });

    it('lets any invocation of the same run id re-enter when no holder is given', async () => {
      // Arrange
      documentsMock.on(PutCommand).resolves({});

      // Act
      const taken = await lease().acquire('run-1', NOW, EXPIRES);

      // Assert
      expect(taken).toBe(true);
      const input = documentsMock.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input?.ConditionExpression).toBe('attribute_not_exists(pk) OR expiresAtMs < :now OR runId = :runId');
      expect(input?.ExpressionAttributeValues).toEqual({ ':now': NOW.getTime(), ':runId': 'run-1' });
      expect(input?.Item?.holder).toBeUndefined();
    });

    it('answers false when the condition fails (another run or another holder has it)', async () => {
      // Arrange
      documentsMock.on(PutCommand).rejects(conditionFailed());

      // Act
      const taken = await lease().acquire('run-2', NOW, EXPIRES, 'request-2');

      // Assert
      expect(taken).toBe(false);
    });

    it('passes any other DynamoDB error on, so a run never starts without knowing it holds the lease', async () => {
      // Arrange
      const error = throttled();
      documentsMock.on(PutCommand).rejects(error);

      // Act
      const acquiring = lease().acquire('run-1', NOW, EXPIRES, 'request-1');

      // Assert
      await expect(acquiring).rejects.toBe(error);
    });
  });

  describe('release', () => {
    it('deletes the lease item only while this run holds it', async () => {
      // Arrange
      documentsMock.on(DeleteCommand).resolves({});

      // Act
      await lease().release('run-1');

      // Assert
      const calls = documentsMock.commandCalls(DeleteCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toEqual({
        TableName: TABLE,
        Key: { pk: 'LEASE', sk: 'enforcement' },
        ConditionExpression: 'runId = :runId',
        ExpressionAttributeValues: { ':runId': 'run-1' },
      });
      expect(LEASE_KEY).toEqual({ pk: 'LEASE', sk: 'enforcement' });
    });

    it('leaves a lease another run took meanwhile, without an error', async () => {
      // Arrange
      documentsMock.on(DeleteCommand).rejects(conditionFailed());

      // Act
      const releasing = lease().release('run-1');

      // Assert
      await expect(releasing).resolves.toBeUndefined();
    });

    it('passes any other DynamoDB error on', async () => {
      // Arrange
      const error = throttled();
      documentsMock.on(DeleteCommand).rejects(error);

      // Act
      const releasing = lease().release('run-1');

      // Assert
      await expect(releasing).rejects.toBe(error);
    });
  });
});
