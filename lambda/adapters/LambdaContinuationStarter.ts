import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ContinuationEvent, ContinuationStarter } from '../ports/index.js';

/** What Lambda answers an asynchronous invocation it has queued. */
const ACCEPTED = 202;

/** Starts a continuation with Lambda Invoke, InvocationType `Event`: queued, never waited for. */
export class LambdaContinuationStarter implements ContinuationStarter {
  constructor(private readonly lambda: LambdaClient) {}

  public async start(functionArn: string, event: ContinuationEvent): Promise<void> {
    const answer = await this.lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    if (answer.StatusCode !== ACCEPTED) {
      throw new Error(
        `Lambda answered the continuation's asynchronous Invoke of ${functionArn} with status ${String(answer.StatusCode)}: expected ${ACCEPTED} (queued)`,
      );
    }
  }
}
