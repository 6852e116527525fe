import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type RelayedChangeEvent, SpokeInvokeError, type SpokeInvoker } from '../ports/index.js';
import { errorCode, errorRequestId } from './aws-errors.js';

/** What Lambda answers an asynchronous invocation it has queued. */
const ACCEPTED = 202;

/** `arn:<partition>:lambda:<region>:<account>:function:<name>`: the Region. */
const FUNCTION_ARN = /^arn:[^:]+:lambda:([a-z0-9-]+):\d{12}:function:[a-zA-Z0-9_-]{1,64}$/;

/**
 * Wakes spoke enforcers with Lambda Invoke, InvocationType `Event`, each in the Region its ARN names, through one
 * client per Region (made on first use by `clientFor`, which should make one-attempt clients: a spoke that cannot
 * be reached is reported, and the next scheduled run there enforces anyway).
 */
export class LambdaSpokeInvoker implements SpokeInvoker {
  private readonly clients = new Map<string, LambdaClient>();

  constructor(private readonly clientFor: (region: string) => LambdaClient) {}

  public async invoke(functionArn: string, event: RelayedChangeEvent): Promise<void> {
    const region = FUNCTION_ARN.exec(functionArn)?.[1];
    if (region === undefined) {
      throw new SpokeInvokeError(
        `${JSON.stringify(functionArn)} is not a Lambda function ARN (expected arn:aws:lambda:<region>:<account>:function:<name>)`,
        { code: 'InvalidFunctionArn' },
      );
    }
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    let status: number | undefined;
    try {
      const answer = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      status = answer.StatusCode;
    } catch (error) {
      const code = errorCode(error);
      const detail = error instanceof Error ? error.message : String(error);
      throw new SpokeInvokeError(`Invoke of ${functionArn}: ${code}: ${detail}`, {
        cause: error,
        code,
        requestId: errorRequestId(error),
      });
    }
    if (status !== ACCEPTED) {
      throw new SpokeInvokeError(
        `Lambda answered the asynchronous Invoke of ${functionArn} with status ${String(status)}: expected ${ACCEPTED} (queued)`,
        { code: `Status${String(status)}` },
      );
    }
  }
}
