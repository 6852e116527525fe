import { type ServiceHandler, type ServiceRequest, type ServiceResponse, NO_ACTION } from '../edge/types.js';
import { Service } from '../services.js';
import { LATEST } from './arn.js';
import { LambdaApiError, MAX_PAYLOAD_BYTES, ThrottleReason, lambdaErrors } from './errors.js';
import { INVOKE_ACTION, type LambdaService } from './lambda-service.js';
import type { InvocationOutcome } from './model.js';

const JSON_CONTENT_TYPE = 'application/json';
/** `POST /2015-03-31/functions/{FunctionName}/invocations`: the one Lambda route the sandbox answers. */
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
/** The invocation types: synchronous, asynchronous (queued, answered 202 at once), and the DryRun check. */
const InvocationType = { REQUEST_RESPONSE: 'RequestResponse', DRY_RUN: 'DryRun', EVENT: 'Event' } as const;

/**
 * Lambda's REST-JSON API in front of the sandbox's functions: Invoke. Synchronously, a function's answer is the
 * body (200); a function error adds `X-Amz-Function-Error: Unhandled` with Lambda's error document. Asynchronously
 * (`Event`), 202 with an empty body once the event is queued. Lambda's own errors answer their status with
 * `x-amzn-errortype` and a JSON body.
 */
export class LambdaRestHandler implements ServiceHandler {
  public readonly service = Service.LAMBDA;

  constructor(private readonly lambda: LambdaService) {}

  public actionOf(request: ServiceRequest): string {
    return request.method === 'POST' && INVOKE_PATH.test(request.path) ? INVOKE_ACTION : NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    try {
      if (action !== INVOKE_ACTION) throw lambdaErrors.unknownOperation(request.method, request.path);
      return await this.invoke(request);
    } catch (error) {
      if (error instanceof LambdaApiError) return errorResponse(error);
      throw error;
    }
  }

  public faultResponse(_request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    return errorResponse(kind === 'error' ? lambdaErrors.service() : lambdaErrors.throttled(ThrottleReason.ACCOUNT));
  }

  private async invoke(request: ServiceRequest): Promise<ServiceResponse> {
    const functionName = decodeURIComponent(INVOKE_PATH.exec(request.path)?.[1] ?? '');
    const qualifier = request.query.get('Qualifier') ?? undefined;
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? InvocationType.REQUEST_RESPONSE);
    if (!(Object.values(InvocationType) as string[]).includes(invocationType)) {
      throw lambdaErrors.invalidParameter(
        `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: ` +
          'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    if (request.body.length > MAX_PAYLOAD_BYTES) throw lambdaErrors.requestTooLarge();
    const payload = request.body.length === 0 ? '{}' : request.body.toString('utf8');
    try {
      JSON.parse(payload);
    } catch (error) {
      throw lambdaErrors.invalidContent((error as Error).message);
    }
    if (invocationType === InvocationType.EVENT) {
      const queued = this.lambda.invokeAsync(functionName, payload, {
        qualifier,
        requestId: request.requestId,
        caller: request.caller,
      });
      if (queued.kind === 'refused') throw queued.error;
      return { status: 202, headers: { 'content-type': JSON_CONTENT_TYPE }, body: '' };
    }
    if (invocationType === InvocationType.DRY_RUN) {
      const error = this.lambda.check(functionName, qualifier, request.caller);
      if (error) throw error;
      return { status: 204, headers: { 'content-type': JSON_CONTENT_TYPE }, body: '' };
    }
    return invocationResponse(await this.lambda.invoke(functionName, payload, { qualifier, caller: request.caller }));
  }
}

function invocationResponse(outcome: InvocationOutcome): ServiceResponse {
  switch (outcome.kind) {
    case 'refused':
      throw outcome.error;
    case 'returned':
      return {
        status: 200,
        headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amz-executed-version': LATEST },
        body: outcome.payload,
      };
    case 'function-error':
      return {
        status: 200,
        headers: {
          'content-type': JSON_CONTENT_TYPE,
          'x-amz-executed-version': LATEST,
          'x-amz-function-error': 'Unhandled',
        },
        body: outcome.payload,
      };
    case 'caller-timed-out':
      // Invoke over HTTP waits for the function's own timeout: a caller limit is never given here.
      throw lambdaErrors.service();
  }
}

/** Lambda's error answer: the code in `x-amzn-errortype`, `Type` and the message in the body. */
function errorResponse(error: LambdaApiError): ServiceResponse {
  // TooManyRequestsException spells its message in lower case.
  const messageKey = error.fields.Reason === undefined ? 'Message' : 'message';
  const body = JSON.stringify({ ...error.fields, Type: error.type, [messageKey]: error.message });
  return {
    status: error.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': error.code },
    body,
    errorCode: error.code,
  };
}
