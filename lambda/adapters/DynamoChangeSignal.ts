import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeSignal } from '../ports/index.js';

/** Key of the one change-signal item in the state table. */
export const CHANGE_SIGNAL_KEY = { pk: 'CHANGES', sk: 'policies' } as const;

/** The change signal as one counter item of the state table, raised with an atomic `ADD`. */
export class DynamoChangeSignal implements ChangeSignal {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async note(now: Date): Promise<number> {
    const answer = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: CHANGE_SIGNAL_KEY,
        UpdateExpression: 'ADD #version :one SET #notedAt = :now',
        ExpressionAttributeNames: { '#version': 'version', '#notedAt': 'notedAt' },
        ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return versionOf(answer.Attributes?.version);
  }

  public async version(): Promise<number> {
    const answer = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: CHANGE_SIGNAL_KEY,
        ConsistentRead: true,
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': 'version' },
      }),
    );
    return versionOf(answer.Item?.version);
  }
}

/** The counter's value: 0 before the first change; anything else the item holds is refused by name. */
function versionOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new Error(
    `the change signal's version in the state table (pk ${CHANGE_SIGNAL_KEY.pk}, sk ${CHANGE_SIGNAL_KEY.sk}) is ${JSON.stringify(value)}: expected a whole number ≥ 0; delete the item to start it again`,
  );
}
