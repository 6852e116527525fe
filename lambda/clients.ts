import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, DOCUMENT_CLIENT_OPTIONS, sdkClientSettings } from './client-settings.js';

export type { AwsClientOptions };

/** The SDK clients the enforcer uses: built once per container and reused by every run. */
export interface AwsClients {
  /** Describe calls: the SDK's adaptive retries. */
  readonly ec2: EC2Client;
  /**
   * Terminate calls: one attempt each. The run paces them with its own token bucket sized to EC2's
   * limits and retries them with jitter on the run's clock; the SDK's adaptive limiter would pace
   * them a second time, on wall time.
   */
  readonly ec2Terminate: EC2Client;
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  /**
   * The canary's Invoke of the client connect handler, and a run's asynchronous Invoke of its own function
   * for a continuation: one attempt. A canary that needs a retry to be answered has found what it looks for,
   * and the run bounds its time; a continuation that cannot be queued is taken up by the next scheduled run.
   */
  readonly lambda: LambdaClient;
}

/** Builds the clients with the SDK's adaptive retry mode (terminate calls excepted: see `ec2Terminate`). */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const common = sdkClientSettings(options);
  const dynamodb = new DynamoDBClient(common);
  return {
    ec2: new EC2Client(common),
    ec2Terminate: new EC2Client({ ...common, retryMode: 'standard', maxAttempts: 1 }),
    dynamodb,
    documents: createDocumentClient(dynamodb),
    sns: new SNSClient(common),
    lambda: new LambdaClient({ ...common, retryMode: 'standard', maxAttempts: 1 }),
  };
}

/** The document client the adapters use: undefined attributes are left out. */
export function createDocumentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, DOCUMENT_CLIENT_OPTIONS);
}

/** The clients the client connect handler uses: DynamoDB, and a one-attempt EC2 client to count a user's connections. */
export type GateClients = Pick<AwsClients, 'dynamodb' | 'documents' | 'ec2Terminate'>;

/** The client connect handler's clients: no SNS and no Lambda client, which it never calls. */
export function createGateClients(options: AwsClientOptions = {}): GateClients {
  const common = sdkClientSettings(options);
  const dynamodb = new DynamoDBClient(common);
  return {
    dynamodb,
    documents: createDocumentClient(dynamodb),
    ec2Terminate: new EC2Client({ ...common, retryMode: 'standard', maxAttempts: 1 }),
  };
}
