import { randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { CANARY_CONNECTION_PREFIX } from '../domain/index.js';
import { type CanaryAttempt, CanaryFailure, type CanaryResult, type ConnectHandlerProbe } from '../ports/index.js';
import { errorCode } from './aws-errors.js';

/** Who the canary claims to be: no directory or certificate holds this identity. */
export const CANARY_IDENTITY = 'cvpn-guard-canary';

/** Longest text Client VPN accepts in the message and in each posture status. */
const MAX_ANSWER_TEXT = 255;
/** Most posture statuses Client VPN accepts. */
const MAX_POSTURE_STATUSES = 10;

/**
 * The answer Client VPN accepts from a client connect handler (Client VPN administrator guide, "Connection
 * authorization", response schema): every field required, or Client VPN refuses the connection.
 */
const connectAnswerSchema = z.object({
  allow: z.boolean(),
  'error-msg-on-denied-connection': z.string().max(MAX_ANSWER_TEXT),
  'posture-compliance-statuses': z.array(z.string().max(MAX_ANSWER_TEXT)).max(MAX_POSTURE_STATUSES),
  'schema-version': z.string().min(1),
});

/** Lambda's error document for an `Unhandled` function error (what the runtime sends back). */
const functionErrorSchema = z.object({ errorType: z.string().optional(), errorMessage: z.string().optional() });

/** The Lambda error codes a canary names, by what they mean. */
const FAILURE_BY_CODE: Readonly<Record<string, CanaryFailure>> = {
  TooManyRequestsException: CanaryFailure.THROTTLED,
  ResourceNotFoundException: CanaryFailure.NOT_FOUND,
  AccessDeniedException: CanaryFailure.ACCESS_DENIED,
  AbortError: CanaryFailure.TIMEOUT,
  TimeoutError: CanaryFailure.TIMEOUT,
};

/**
 * The canary request, schema v2 as Client VPN sends it: a connection id no real attempt carries
 * ({@link CANARY_CONNECTION_PREFIX}), an identity no one has, a documentation address (RFC 5737).
 */
export function canaryRequest(endpointId: string, connectionId: string): Record<string, unknown> {
  return {
    'connection-id': connectionId,
    'endpoint-id': endpointId,
    'common-name': CANARY_IDENTITY,
    username: CANARY_IDENTITY,
    platform: 'canary',
    'platform-version': '1',
    'public-ip': '192.0.2.1',
    'client-openvpn-version': CANARY_IDENTITY,
    groups: [],
    'schema-version': 'v2',
  };
}

/**
 * Invokes the client connect handler with a canary attempt (Lambda Invoke, RequestResponse) and reads its
 * answer as Client VPN would: a function error, a throttle or an answer Client VPN would not accept is a
 * failure, named. It decides nothing: what the canary's result means is the caller's.
 */
export class LambdaConnectHandlerProbe implements ConnectHandlerProbe {
  constructor(
    private readonly lambda: LambdaClient,
    /** Milliseconds for latency. @default `performance.now` */
    private readonly now: () => number = () => performance.now(),
  ) {}

  public async invoke(functionName: string, attempt: CanaryAttempt): Promise<CanaryResult> {
    const connectionId = `${CANARY_CONNECTION_PREFIX}${randomUUID()}`;
    const started = this.now();
    const failed = (failure: CanaryFailure, reason: string): CanaryResult => ({
      ok: false,
      connectionId,
      failure,
      reason,
      latencyMs: Math.round(this.now() - started),
    });
    let output;
    try {
      output = await this.lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(canaryRequest(attempt.endpointId, connectionId))),
        }),
        { abortSignal: AbortSignal.timeout(attempt.timeoutMs) },
      );
    } catch (error) {
      const code = errorCode(error);
      const failure = FAILURE_BY_CODE[code] ?? CanaryFailure.ERROR;
      if (failure === CanaryFailure.TIMEOUT)
        return failed(failure, `no answer within ${attempt.timeoutMs} ms (Invoke ${functionName})`);
      const message = error instanceof Error ? error.message : String(error);
      return failed(failure, `Invoke ${functionName}: ${code}: ${message}`);
    }
    const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
    if (output.FunctionError) {
      const detail = functionErrorSchema.safeParse(parseJson(text));
      const { errorType = output.FunctionError, errorMessage = '' } = detail.success ? detail.data : {};
      const timedOut = errorType === 'Sandbox.Timedout' || /Task timed out/.test(errorMessage);
      return failed(
        timedOut ? CanaryFailure.TIMEOUT : CanaryFailure.FUNCTION_ERROR,
        `the function failed (${output.FunctionError}): ${errorType}${errorMessage ? `: ${errorMessage}` : ''}`,
      );
    }
    const answer = connectAnswerSchema.safeParse(parseJson(text));
    if (!answer.success) {
      const problems = answer.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.map(String).join('.') || '(answer)'}: ${issue.message}`);
      return failed(
        CanaryFailure.MALFORMED_ANSWER,
        `the answer is not one Client VPN accepts, so it would refuse every client: ${problems.join('; ')} (got ${truncate(text)})`,
      );
    }
    const message = answer.data['error-msg-on-denied-connection'];
    return {
      ok: true,
      connectionId,
      allow: answer.data.allow,
      ...(answer.data.allow || message === '' ? {} : { message }),
      latencyMs: Math.round(this.now() - started),
    };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  const shown = text === '' ? '(empty)' : text;
  return shown.length > 120 ? `${shown.slice(0, 119)}…` : shown;
}
