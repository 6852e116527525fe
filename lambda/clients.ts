import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
}

/** Client settings; region, credentials and endpoints come from the SDK's usual chain (incl. `AWS_ENDPOINT_URL*`). */
export interface AwsClientOptions {
  /** @default the SDK's own resolution (AWS_REGION) */
  readonly region?: string;
  /** Overrides every client's endpoint (the sandbox). @default the SDK's own resolution */
  readonly endpoint?: string;
  /** @default the SDK's credential chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default 3 */
  readonly maxAttempts?: number;
}

/** Builds the clients with the SDK's adaptive retry mode (terminate calls excepted: see `ec2Terminate`). */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const common = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const dynamodb = new DynamoDBClient(common);
  return {
    ec2: new EC2Client(common),
    ec2Terminate: new EC2Client({ ...common, retryMode: 'standard', maxAttempts: 1 }),
    dynamodb,
    documents: createDocumentClient(dynamodb),
    sns: new SNSClient(common),
  };
}

/** The document client the adapters use: undefined attributes are left out. */
export function createDocumentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
}
