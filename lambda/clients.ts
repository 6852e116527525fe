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
  /**
   * The policies and audit tables and the topic: in a spoke of an organization deployment, clients of the hub's
   * Region; in a single deployment, the clients above.
   */
  readonly hub: HubClients;
}

/** The clients of the resources a spoke reaches in the hub's Region: the policies and audit tables, the topic. */
export interface HubClients {
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/** Where the hub is. */
export interface HubOptions {
  /** The hub's Region (a spoke). @default none: a single deployment, the clients' own Region */
  readonly hubRegion?: string;
}

/**
 * Builds the clients with the SDK's adaptive retry mode (terminate calls excepted: see `ec2Terminate`). With a hub
 * Region, `hub` holds clients of that Region (same endpoint and credentials); the state table, EC2 and Lambda stay
 * in the clients' own Region.
 */
export function createAwsClients(options: AwsClientOptions = {}, hub: HubOptions = {}): AwsClients {
  const common = sdkClientSettings(options);
  const dynamodb = new DynamoDBClient(common);
  const documents = createDocumentClient(dynamodb);
  const sns = new SNSClient(common);
  return {
    ec2: new EC2Client(common),
    ec2Terminate: new EC2Client({ ...common, retryMode: 'standard', maxAttempts: 1 }),
    dynamodb,
    documents,
    sns,
    lambda: new LambdaClient({ ...common, retryMode: 'standard', maxAttempts: 1 }),
    hub: hubClients(options, hub, { dynamodb, documents, sns }),
  };
}

/** The hub's clients: those given when the hub is in the clients' own Region (or there is none). */
function hubClients(options: AwsClientOptions, hub: HubOptions, local: HubClients): HubClients {
  if (hub.hubRegion === undefined || hub.hubRegion === options.region) return local;
  const common = sdkClientSettings({ ...options, region: hub.hubRegion });
  const dynamodb = new DynamoDBClient(common);
  return { dynamodb, documents: createDocumentClient(dynamodb), sns: new SNSClient(common) };
}

/** The document client the adapters use: undefined attributes are left out. */
export function createDocumentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, DOCUMENT_CLIENT_OPTIONS);
}

/**
 * The clients the client connect handler uses: DynamoDB, a one-attempt EC2 client to count a user's connections,
 * and (in a spoke) DynamoDB in the hub's Region for the policies and audit tables.
 */
export interface GateClients extends Pick<AwsClients, 'dynamodb' | 'documents' | 'ec2Terminate'> {
  readonly hub: Pick<HubClients, 'dynamodb' | 'documents'>;
}

/** The client connect handler's clients: no SNS and no Lambda client, which it never calls. */
export function createGateClients(options: AwsClientOptions = {}, hub: HubOptions = {}): GateClients {
  const common = sdkClientSettings(options);
  const dynamodb = new DynamoDBClient(common);
  const documents = createDocumentClient(dynamodb);
  const inHub = hub.hubRegion !== undefined && hub.hubRegion !== options.region;
  const hubDynamodb = inHub ? new DynamoDBClient(sdkClientSettings({ ...options, region: hub.hubRegion })) : dynamodb;
  return {
    dynamodb,
    documents,
    ec2Terminate: new EC2Client({ ...common, retryMode: 'standard', maxAttempts: 1 }),
    hub: { dynamodb: hubDynamodb, documents: inHub ? createDocumentClient(hubDynamodb) : documents },
  };
}

/** Closes every distinct client of a set, the hub's included (a document client shares its DynamoDB client's). */
export function destroyClients(clients: AwsClients | GateClients): void {
  const all = [...Object.values(clients), ...Object.values(clients.hub)] as unknown[];
  for (const client of new Set(all)) {
    if (typeof (client as { destroy?: unknown } | undefined)?.destroy === 'function')
      (client as { destroy(): void }).destroy();
  }
}
