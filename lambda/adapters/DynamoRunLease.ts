import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunLease } from '../ports/index.js';
import { isConditionalCheckFailed } from './aws-errors.js';

/** Key of the one lease item in the state table. */
export const LEASE_KEY = { pk: 'LEASE', sk: 'enforcement' } as const;

/** The run lease as one conditionally written item with an expiry. */
export class DynamoRunLease implements RunLease {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async acquire(runId: string, now: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    // A holder re-enters only its own lease: a duplicate delivery of the same tick must not run beside it.
    const sameRun = holder === undefined ? 'runId = :runId' : '(runId = :runId AND holder = :holder)';
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...LEASE_KEY,
            runId,
            holder,
            acquiredAt: now.toISOString(),
            expiresAtMs: expiresAt.getTime(),
            ttl: Math.ceil(expiresAt.getTime() / 1000),
          },
          ConditionExpression: `attribute_not_exists(pk) OR expiresAtMs < :now OR ${sameRun}`,
          ExpressionAttributeValues: {
            ':now': now.getTime(),
            ':runId': runId,
            ...(holder === undefined ? {} : { ':holder': holder }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  public async release(runId: string): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: LEASE_KEY,
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':runId': runId },
        }),
      );
    } catch (error) {
      // Someone else holds it now (ours had expired): theirs stays.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
