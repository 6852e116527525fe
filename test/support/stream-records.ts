import { marshall } from '@aws-sdk/util-dynamodb';

/** The policies table the tests' configurations name ('p'). */
export const POLICIES_TABLE = 'p';

/** The stream of the policies table, as Lambda names it in each record. */
export const POLICIES_STREAM_ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${POLICIES_TABLE}/stream/2026-11-26T10:00:00.000`;

let sequence = 100_000_000_000_000_000_000n;

/** One DynamoDB Streams record of a change of a policy row, as Lambda delivers it (eventVersion 1.1). */
export function streamRecord(change: {
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly eventSourceARN?: string;
  readonly sequenceNumber?: string;
}): Record<string, unknown> {
  const { before, after } = change;
  const eventName = before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY';
  const policyId = String((after ?? before)?.policyId ?? 'unknown');
  sequence += 1n;
  const sequenceNumber = change.sequenceNumber ?? String(sequence);
  return {
    eventID: `event-${sequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1764151500,
      Keys: marshall({ policyId }),
      ...(after === undefined ? {} : { NewImage: marshall(after, { removeUndefinedValues: true }) }),
      ...(before === undefined ? {} : { OldImage: marshall(before, { removeUndefinedValues: true }) }),
      SequenceNumber: sequenceNumber,
      SizeBytes: 200,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: change.eventSourceARN ?? POLICIES_STREAM_ARN,
  };
}

/** A batch as the event source mapping delivers it. */
export function streamBatch(...records: unknown[]): { Records: unknown[] } {
  return { Records: records };
}
