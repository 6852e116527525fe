import * as z from 'zod';

/** What a stream record's images are read into (an item of the policies table), or why one cannot be read. */
export type ImageReader = (
  image: unknown,
) => { readonly ok: true; readonly item: Record<string, unknown> } | { readonly ok: false; readonly why: string };

/** The stream view the policies table's stream must have: the rule that starts runs compares both images. */
export const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';

/** A DynamoDB Streams event as Lambda's event source mapping delivers it: at least one record. */
export const streamBatchSchema = z.object({ Records: z.array(z.unknown()).min(1) }).strict();

/**
 * One record of the batch, as Lambda delivers DynamoDB Streams records (eventVersion "1.1"). Unknown fields
 * are allowed: AWS adds some (`userIdentity` on a removal by TTL) and may add more.
 */
const streamRecordSchema = z.object({
  eventID: z.string().min(1),
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  eventVersion: z.string(),
  eventSource: z.literal('aws:dynamodb'),
  awsRegion: z.string(),
  eventSourceARN: z.string(),
  dynamodb: z.object({
    ApproximateCreationDateTime: z.number().optional(),
    Keys: z.record(z.string(), z.unknown()),
    NewImage: z.record(z.string(), z.unknown()).optional(),
    OldImage: z.record(z.string(), z.unknown()).optional(),
    SequenceNumber: z.string().min(1),
    SizeBytes: z.number(),
    StreamViewType: z.string(),
  }),
});

/** One change of the policies table, read from one stream record. */
export interface PolicyTableChange {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventSourceArn: string;
  readonly sequenceNumber: string;
  /** The row's key, as an item. */
  readonly keys: Record<string, unknown>;
  /** The item before the change (MODIFY, REMOVE). */
  readonly before?: Record<string, unknown>;
  /** The item after the change (INSERT, MODIFY). */
  readonly after?: Record<string, unknown>;
}

/** A record the batch holds that is not a change of the policies table, and why, in words. */
export interface RejectedRecord {
  /** Its place in the batch, from 0. */
  readonly index: number;
  readonly eventID?: string;
  readonly why: string;
}

/** A batch, record by record: the changes of the policies table, and the records that are not. */
export interface ParsedStreamBatch {
  readonly records: number;
  readonly changes: readonly PolicyTableChange[];
  readonly rejected: readonly RejectedRecord[];
}

/** `arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>`: the table's name. */
const STREAM_ARN = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\/.+$/;

/**
 * Reads a batch record by record: a record from another table's stream, not from DynamoDB, or malformed
 * (no keys, an image that is not AttributeValue JSON, a stream without both images) is rejected with a
 * reason naming it, and the rest are read. Never throws.
 */
export function parseStreamBatch(
  records: readonly unknown[],
  policiesTable: string,
  readImage: ImageReader,
): ParsedStreamBatch {
  const changes: PolicyTableChange[] = [];
  const rejected: RejectedRecord[] = [];
  records.forEach((record, index) => {
    const read = readRecord(record, policiesTable, readImage);
    if ('why' in read)
      rejected.push({ index, ...eventIdOf(record), why: `record ${index}${idText(record)}: ${read.why}` });
    else changes.push(read);
  });
  return { records: records.length, changes, rejected };
}

function readRecord(
  record: unknown,
  policiesTable: string,
  readImage: ImageReader,
): PolicyTableChange | { readonly why: string } {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { why: 'not a DynamoDB Streams record (expected an object with eventSource "aws:dynamodb")' };
  const envelope = record as Record<string, unknown>;
  if (envelope.eventSource !== 'aws:dynamodb')
    return { why: `eventSource is ${JSON.stringify(envelope.eventSource)}: expected "aws:dynamodb"` };
  const table = typeof envelope.eventSourceARN === 'string' ? STREAM_ARN.exec(envelope.eventSourceARN)?.[1] : undefined;
  if (table !== policiesTable)
    return {
      why: `eventSourceARN ${JSON.stringify(envelope.eventSourceARN)} is not the stream of the policies table ${policiesTable} (expected arn:…:table/${policiesTable}/stream/…)`,
    };
  const parsed = streamRecordSchema.safeParse(record);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return { why: `${issue?.path.map(String).join('.') || '(record)'}: ${issue?.message ?? 'malformed'}` };
  }
  const { eventID, eventName, eventSourceARN, dynamodb } = parsed.data;
  if (dynamodb.StreamViewType !== STREAM_VIEW_TYPE)
    return { why: `the stream's view type is ${dynamodb.StreamViewType}: expected ${STREAM_VIEW_TYPE}` };
  if (eventName !== 'REMOVE' && dynamodb.NewImage === undefined)
    return { why: `${eventName} without dynamodb.NewImage: expected the item after the change` };
  if (eventName !== 'INSERT' && dynamodb.OldImage === undefined)
    return { why: `${eventName} without dynamodb.OldImage: expected the item before the change` };
  const keys = readImage(dynamodb.Keys);
  if (!keys.ok) return { why: `dynamodb.Keys: ${keys.why}` };
  if (Object.keys(keys.item).length === 0) return { why: 'dynamodb.Keys is empty: expected the row key (policyId)' };
  const after = dynamodb.NewImage === undefined ? undefined : readImage(dynamodb.NewImage);
  if (after && !after.ok) return { why: `dynamodb.NewImage: ${after.why}` };
  const before = dynamodb.OldImage === undefined ? undefined : readImage(dynamodb.OldImage);
  if (before && !before.ok) return { why: `dynamodb.OldImage: ${before.why}` };
  return {
    eventID,
    eventName,
    eventSourceArn: eventSourceARN,
    sequenceNumber: dynamodb.SequenceNumber,
    keys: keys.item,
    ...(before ? { before: before.item } : {}),
    ...(after ? { after: after.item } : {}),
  };
}

function eventIdOf(record: unknown): { eventID?: string } {
  const id = (record as { eventID?: unknown } | null)?.eventID;
  return typeof id === 'string' && id !== '' ? { eventID: id } : {};
}

function idText(record: unknown): string {
  const { eventID } = eventIdOf(record);
  return eventID === undefined ? '' : ` (eventID ${JSON.stringify(eventID.slice(0, 64))})`;
}
