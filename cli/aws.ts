import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS, sdkClientSettings } from '../lambda/client-settings.js';
import type { AwsSettings } from './target.js';

/** Settings every client shares: those of the enforcer's own clients, plus the target's. */
function clientConfig(settings: AwsSettings, maxAttempts = 3) {
  return sdkClientSettings({ ...settings, maxAttempts });
}

/**
 * The SDK clients a command uses, each built (and its SDK package loaded) on first use: a policy
 * command never loads the EC2 client, which keeps every invocation quick to start.
 */
export class CliClients {
  private readonly built = new Map<string, Promise<{ destroy(): void }>>();

  constructor(private readonly settings: AwsSettings) {
    // The SDK's notice about future Node.js versions is for developers; on every command it is noise.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  }

  public dynamodb(): Promise<DynamoDBClient> {
    return this.once(
      'dynamodb',
      async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(clientConfig(this.settings)),
    );
  }

  /** The document client as the enforcer builds it: undefined attributes are left out. */
  public documents(): Promise<DynamoDBDocumentClient> {
    return this.once('documents', async () =>
      (await import('@aws-sdk/lib-dynamodb')).DynamoDBDocumentClient.from(
        await this.dynamodb(),
        DOCUMENT_CLIENT_OPTIONS,
      ),
    );
  }

  public ec2(): Promise<EC2Client> {
    return this.once(
      'ec2',
      async () => new (await import('@aws-sdk/client-ec2')).EC2Client(clientConfig(this.settings)),
    );
  }

  /** Lambda, for the client connect handler's canary: one attempt, as the enforcer's. */
  public lambda(): Promise<LambdaClient> {
    return this.once(
      'lambda',
      async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(clientConfig(this.settings, 1)),
    );
  }

  public sts(): Promise<STSClient> {
    return this.once(
      'sts',
      async () => new (await import('@aws-sdk/client-sts')).STSClient(clientConfig(this.settings, 2)),
    );
  }

  public cloudformation(): Promise<CloudFormationClient> {
    return this.once(
      'cloudformation',
      async () =>
        new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient(clientConfig(this.settings)),
    );
  }

  /** Closes every client built, so the process ends as soon as the command is done. */
  public async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.built.values());
    for (const client of clients) if (client.status === 'fulfilled') client.value.destroy();
  }

  private once<T extends { destroy(): void }>(name: string, build: () => Promise<T>): Promise<T> {
    let client = this.built.get(name);
    if (!client) {
      client = build();
      this.built.set(name, client);
    }
    return client as Promise<T>;
  }
}

/** A stack's outputs by output key (CloudFormation DescribeStacks). */
export async function describeStackOutputs(clients: CliClients, stackName: string): Promise<Record<string, string>> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const output = await (await clients.cloudformation()).send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = output.Stacks?.[0];
  return Object.fromEntries(
    (stack?.Outputs ?? []).flatMap((entry) =>
      entry.OutputKey && entry.OutputValue !== undefined ? [[entry.OutputKey, entry.OutputValue]] : [],
    ),
  );
}

/** The ARN of the caller (STS GetCallerIdentity); undefined when it cannot be read within a few seconds. */
export async function callerArn(clients: CliClients, timeoutMs = 5000): Promise<string | undefined> {
  try {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const output = await (
      await clients.sts()
    ).send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return output.Arn;
  } catch {
    return undefined;
  }
}

/** The body of a deployed stack's template (CloudFormation GetTemplate, as processed). */
export async function stackTemplateBody(clients: CliClients, stackName: string): Promise<string> {
  const { GetTemplateCommand } = await import('@aws-sdk/client-cloudformation');
  const output = await (
    await clients.cloudformation()
  ).send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }));
  return output.TemplateBody ?? '';
}
