import { SandboxControlError } from '../errors.js';

/** Where a mapping starts reading: new records only, or every record the stream still keeps. */
export const StartingPosition = { LATEST: 'LATEST', TRIM_HORIZON: 'TRIM_HORIZON' } as const;
/** One of the starting positions. */
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/** An event source mapping from a DynamoDB stream to a function, as CreateEventSourceMapping takes it (times in ms). */
export interface EventSourceMappingOptions {
  /** The function's name (or ARN). */
  readonly functionName: string;
  /** The stream's ARN (`arn:aws:dynamodb:…:table/<name>/stream/<label>`). */
  readonly streamArn: string;
  /** Records per batch, 1 to 10,000. @default 100 */
  readonly batchSize?: number;
  /** How long to gather records before a batch smaller than `batchSize` is sent, 0 to 300,000 ms. @default 0 */
  readonly maximumBatchingWindowMs?: number;
  /** On a function error, split the batch in two and retry each half. @default false */
  readonly bisectBatchOnError?: boolean;
  /** Retries of a failing batch, 0 to 10,000, or -1 for no limit (until the records expire). @default -1 */
  readonly maximumRetryAttempts?: number;
  /** Records older than this are not sent again, 60,000 to 604,800,000 ms, or -1 for no limit. @default -1 */
  readonly maximumRecordAgeMs?: number;
  /** Where a discarded batch's description goes (an SQS queue or SNS topic ARN). @default none: it is dropped */
  readonly onFailure?: { readonly destination: string };
  /** @default LATEST */
  readonly startingPosition?: StartingPosition;
  /**
   * Share of successful batches delivered a second time, 0 to 1 (Lambda delivers at least once): a fault knob for
   * tests of idempotency, drawn from the function faults' seeded generator. @default 0
   */
  readonly redeliver?: number;
}

/** The options with every default filled in. */
export type MappingSettings = Required<Omit<EventSourceMappingOptions, 'onFailure'>> &
  Pick<EventSourceMappingOptions, 'onFailure'>;

/** Why a batch was discarded, as the failure record's `requestContext.condition` says. */
export const DiscardCondition = {
  RETRIES_EXHAUSTED: 'RetryAttemptsExhausted',
  RECORD_AGE_EXCEEDED: 'RecordAgeExceeded',
} as const;
/** One of the discard conditions. */
export type DiscardCondition = (typeof DiscardCondition)[keyof typeof DiscardCondition];

/** What Lambda writes to a stream mapping's on-failure destination (an SQS message body) for a discarded batch. */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: DiscardCondition;
    readonly approximateInvokeCount: number;
  };
  /** How the last invocation ended; absent when the batch was discarded before any. */
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError: string;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

const KNOWN = new Set([
  'functionName',
  'streamArn',
  'batchSize',
  'maximumBatchingWindowMs',
  'bisectBatchOnError',
  'maximumRetryAttempts',
  'maximumRecordAgeMs',
  'onFailure',
  'startingPosition',
  'redeliver',
]);
const DESTINATION_ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;

/** Checks the options, naming the field, the value and what would be accepted; fills in the defaults. */
export function mappingSettings(options: EventSourceMappingOptions): MappingSettings {
  const where = 'event source mapping';
  if (typeof options !== 'object' || options === null) throw new SandboxControlError(`${where}: expected an object`);
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) {
    throw new SandboxControlError(`${where}: unknown field(s) ${unknown.join(', ')}; known: ${[...KNOWN].join(', ')}`);
  }
  /** A whole number from `min` to `max` (or -1, where that means no limit), else an error naming the field. */
  const wholeIn = (
    field: keyof EventSourceMappingOptions,
    min: number,
    max: number,
    fallback: number,
    unlimited = false,
  ) => {
    const value = options[field] ?? fallback;
    const inRange = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    if (inRange || (unlimited && value === -1)) return value as number;
    throw new SandboxControlError(
      `${where}: ${field} ${JSON.stringify(value)}; expected a whole number from ${min} to ${max}` +
        (unlimited ? ', or -1 for no limit' : ''),
    );
  };
  const batchSize = wholeIn('batchSize', 1, 10_000, 100);
  const maximumBatchingWindowMs = wholeIn('maximumBatchingWindowMs', 0, 300_000, 0);
  const maximumRetryAttempts = wholeIn('maximumRetryAttempts', 0, 10_000, -1, true);
  const maximumRecordAgeMs = wholeIn('maximumRecordAgeMs', 60_000, 604_800_000, -1, true);
  const bisectBatchOnError = options.bisectBatchOnError ?? false;
  if (typeof bisectBatchOnError !== 'boolean') {
    throw new SandboxControlError(
      `${where}: bisectBatchOnError ${JSON.stringify(bisectBatchOnError)}; expected true or false`,
    );
  }
  const startingPosition = options.startingPosition ?? StartingPosition.LATEST;
  if (!Object.values(StartingPosition).includes(startingPosition)) {
    throw new SandboxControlError(
      `${where}: startingPosition ${JSON.stringify(startingPosition)}; expected LATEST or TRIM_HORIZON`,
    );
  }
  const redeliver = checkRedeliver(options.redeliver ?? 0);
  const onFailure = options.onFailure;
  if (
    onFailure !== undefined &&
    !(typeof onFailure?.destination === 'string' && DESTINATION_ARN.test(onFailure.destination))
  ) {
    throw new SandboxControlError(
      `${where}: onFailure ${JSON.stringify(onFailure)}; expected {"destination": an SQS queue or SNS topic ARN}`,
    );
  }
  for (const field of ['functionName', 'streamArn'] as const) {
    if (typeof options[field] !== 'string' || options[field] === '') {
      throw new SandboxControlError(
        `${where}: ${field} ${JSON.stringify(options[field])}; expected a non-empty string`,
      );
    }
  }
  return {
    functionName: options.functionName,
    streamArn: options.streamArn,
    batchSize,
    maximumBatchingWindowMs,
    bisectBatchOnError,
    maximumRetryAttempts,
    maximumRecordAgeMs,
    startingPosition,
    redeliver,
    ...(onFailure ? { onFailure: { destination: onFailure.destination } } : {}),
  };
}

/** A redelivery share, 0 to 1. */
export function checkRedeliver(share: unknown): number {
  if (typeof share === 'number' && share >= 0 && share <= 1) return share;
  throw new SandboxControlError(
    `event source mapping: redeliver ${JSON.stringify(share)}; expected a share from 0 (never) to 1 (every batch twice)`,
  );
}
