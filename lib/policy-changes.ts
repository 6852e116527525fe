import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POLICY_CHANGE_MAPPING } from '../lambda/settings/index.js';

/** The stream mapping's figures (lambda/settings/policy-change-mapping.ts, shared with the sandbox), as CDK takes them. */
const MAPPING = {
  batchSize: POLICY_CHANGE_MAPPING.batchSize,
  maxBatchingWindow: Duration.seconds(POLICY_CHANGE_MAPPING.maxBatchingWindowSeconds),
  retryAttempts: POLICY_CHANGE_MAPPING.retryAttempts,
  maxRecordAge: Duration.seconds(POLICY_CHANGE_MAPPING.maxRecordAgeSeconds),
  parallelizationFactor: POLICY_CHANGE_MAPPING.parallelizationFactor,
  bisectBatchOnError: POLICY_CHANGE_MAPPING.bisectBatchOnError,
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
 * {@link POLICY_CHANGE_MAPPING}.maxRecordAgeSeconds). Each message is Lambda's invocation record: the batch's shard and
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
      // A failing batch is split in two and each half retried, so one row that breaks a run cannot hold back
      // the others; splitting uses none of the retry attempts.
      ...MAPPING,
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
