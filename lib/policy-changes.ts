import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * How the enforcer reads the policies table's stream. Not settings: each value follows from how a run works, and
 * the schedule still runs every period, so a batch the mapping gives up on delays enforcement by one period at most.
 */
export const POLICY_CHANGE_MAPPING = {
  /** Lambda's default for DynamoDB Streams: one run for up to 100 changed rows. */
  batchSize: 100,
  /** Wait up to 1 s for more changes (a script writing several rows), then run: a run a second, not a run a row. */
  maxBatchingWindow: Duration.seconds(1),
  /** A batch that keeps failing is retried 10 times (bisected as it goes), then recorded in the failure queue. */
  retryAttempts: 10,
  /** A change older than an hour is stale: the schedule has read the row since (twelve times at the default rate). */
  maxRecordAge: Duration.hours(1),
  /** One batch per shard at a time: a run holds the lease anyway, so a second batch would only find it held. */
  parallelizationFactor: 1,
} as const;

/** Properties of {@link PolicyChanges}. */
export interface PolicyChangesProps {
  /** The enforcer's function: the mapping invokes it with each batch of changes. */
  readonly function: lambda.IFunction;
  /** Policy rows, with a NEW_AND_OLD_IMAGES stream. */
  readonly policiesTable: dynamodb.ITable;
  /** Customer managed key of the failure queue; the function's role must encrypt with it (Lambda sends as it). */
  readonly failureQueueKey: kms.IKey;
}

/**
 * Runs on policy changes: the event source mapping from the policies table's stream to the enforcer, and the
 * encrypted queue where Lambda records a batch it gave up on (after its retries, or once the changes are older than
 * {@link POLICY_CHANGE_MAPPING}.maxRecordAge). Each message is Lambda's invocation record: the batch's shard and
 * sequence numbers, not the changes themselves.
 */
export class PolicyChanges extends Construct {
  /** Where Lambda records batches of changes it gave up on (their stream position, not the changed rows). */
  public readonly failureQueue: sqs.Queue;
  /** The event source mapping's id (its UUID). */
  public readonly mappingId: string;

  constructor(scope: Construct, id: string, props: PolicyChangesProps) {
    super(scope, id);
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.failureQueueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter destination: the on-failure destination of the policies table's stream mapping. " +
        'Nothing consumes it automatically, so a queue behind it would never receive anything; an alarm watches it instead.',
    });

    const failureQueue = this.failureQueue;
    const source = new DynamoEventSource(props.policiesTable, {
      startingPosition: lambda.StartingPosition.LATEST,
      ...POLICY_CHANGE_MAPPING,
      // A failing batch is split in two and each half retried, so one row that breaks a run cannot hold back
      // the others; splitting uses none of the retry attempts.
      bisectBatchOnError: true,
      // Off: a run decides on every row at once, so there is no single failed item to report.
      reportBatchItemFailures: false,
      // Not SqsDlq: its grant adds kms:Encrypt and kms:ReEncrypt* on the key. The function's role gets
      // sqs:SendMessage on this queue only, below, and already encrypts with its key.
      onFailure: { bind: () => ({ destination: failureQueue.queueArn }) },
    });
    props.function.addEventSource(source);
    this.mappingId = source.eventSourceMappingId;
    // The source granted dynamodb:ListStreams on "*" beside the stream actions on this stream's ARN.
    if (props.function.role)
      Validations.of(props.function.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams, granted by the stream event source as Lambda documents for DynamoDB stream mappings, ' +
          'is on "*"; it lists stream ARNs only. Reading records is limited to the policies table\'s stream.',
      });
    props.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RecordFailedChangeBatches',
        actions: ['sqs:SendMessage'],
        resources: [this.failureQueue.queueArn],
      }),
    );
  }
}
