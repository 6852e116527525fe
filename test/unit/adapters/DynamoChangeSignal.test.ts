import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CHANGE_SIGNAL_KEY, DynamoChangeSignal } from '../../../lambda/adapters/DynamoChangeSignal.js';
import { createDocumentClient } from '../../../lambda/clients.js';

const TABLE = 'cvpn-guard-state';
const NOW = new Date('2026-11-26T10:00:00.000Z');
const documentsMock = mockClient(DynamoDBDocumentClient);

describe('DynamoChangeSignal', () => {
  const signal = () => new DynamoChangeSignal(createDocumentClient(new DynamoDBClient({ region: 'us-east-1' })), TABLE);

  beforeEach(() => {
    documentsMock.reset();
  });

  it('notes a change with one atomic ADD on the one signal item, and answers the counter after it', async () => {
    // Arrange
    documentsMock.on(UpdateCommand).resolves({ Attributes: { version: 7 } });

    // Act
    const version = await signal().note(NOW);

    // Assert
    expect(version).toBe(7);
    const [call] = documentsMock.commandCalls(UpdateCommand);
    expect(call?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'CHANGES', sk: 'policies' },
      UpdateExpression: 'ADD #version :one SET #notedAt = :now',
      ExpressionAttributeNames: { '#version': 'version', '#notedAt': 'notedAt' },
      ExpressionAttributeValues: { ':one': 1, ':now': '2026-11-26T10:00:00.000Z' },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('reads the counter strongly consistent, 0 before the first change', async () => {
    // Arrange
    documentsMock
      .on(GetCommand)
      .resolvesOnce({ Item: { version: 3 } })
      .resolvesOnce({});

    // Act
    const versions = [await signal().version(), await signal().version()];

    // Assert
    expect(versions).toEqual([3, 0]);
    const [call] = documentsMock.commandCalls(GetCommand);
    expect(call?.args[0].input).toMatchObject({ TableName: TABLE, Key: CHANGE_SIGNAL_KEY, ConsistentRead: true });
  });

  it('refuses a counter that is no whole number, naming the item and the fix', async () => {
    documentsMock.on(GetCommand).resolves({ Item: { version: 'many' } });

    await expect(signal().version()).rejects.toThrow(
      `the change signal's version in the state table (pk CHANGES, sk policies) is "many": expected a whole number ≥ 0; delete the item to start it again`,
    );
  });

  it('passes a failed write on: a change that cannot be noted must not be acknowledged', async () => {
    documentsMock.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(signal().note(NOW)).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
