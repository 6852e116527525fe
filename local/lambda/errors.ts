/**
 * The Lambda errors the sandbox answers Invoke with, as the Lambda API reference lists them: the code (the
 * `x-amzn-errortype` header), the HTTP status, and the body's fields.
 */
export class LambdaApiError extends Error {
  public readonly code: string;
  public readonly status: number;
  /** `User` (the caller's fault) or `Service` (Lambda's). */
  public readonly type: 'User' | 'Service';
  /** More fields of the body (`Reason` and `retryAfterSeconds` of a throttle). */
  public readonly fields: Readonly<Record<string, string>>;

  constructor(code: string, message: string, status: number, fields: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'LambdaApiError';
    this.code = code;
    this.status = status;
    this.type = status >= 500 ? 'Service' : 'User';
    this.fields = fields;
  }
}

/** Error codes the sandbox's Lambda answers with. */
export const LambdaErrorCode = {
  RESOURCE_NOT_FOUND: 'ResourceNotFoundException',
  TOO_MANY_REQUESTS: 'TooManyRequestsException',
  SERVICE: 'ServiceException',
  INVALID_REQUEST_CONTENT: 'InvalidRequestContentException',
  INVALID_PARAMETER_VALUE: 'InvalidParameterValueException',
  REQUEST_TOO_LARGE: 'RequestTooLargeException',
  REQUEST_ENTITY_TOO_LARGE: 'RequestEntityTooLargeException',
  UNKNOWN_OPERATION: 'UnknownOperationException',
  ACCESS_DENIED: 'AccessDeniedException',
} as const;
/** One of the sandbox's Lambda error codes. */
export type LambdaErrorCode = (typeof LambdaErrorCode)[keyof typeof LambdaErrorCode];

/** Why Lambda throttled an invocation (the `Reason` of TooManyRequestsException). */
export const ThrottleReason = {
  /** The account's concurrency is used up (every function). */
  ACCOUNT: 'ConcurrentInvocationLimitExceeded',
  /** The function's reserved concurrency is used up. */
  FUNCTION: 'ReservedFunctionConcurrentInvocationLimitExceeded',
} as const;
/** One of the throttle reasons. */
export type ThrottleReason = (typeof ThrottleReason)[keyof typeof ThrottleReason];

/** Largest request and response payload of a synchronous invocation: 6 MB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Largest request payload of an asynchronous invocation (InvocationType Event): 1 MB, as the Invoke reference says. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** The errors, built with Lambda's status and wording. */
export const lambdaErrors = {
  functionNotFound: (arn: string) =>
    new LambdaApiError(LambdaErrorCode.RESOURCE_NOT_FOUND, `Function not found: ${arn}`, 404),
  throttled: (reason: ThrottleReason) =>
    new LambdaApiError(LambdaErrorCode.TOO_MANY_REQUESTS, 'Rate Exceeded.', 429, {
      Reason: reason,
      retryAfterSeconds: '1',
    }),
  service: () => new LambdaApiError(LambdaErrorCode.SERVICE, 'The Lambda service encountered an internal error.', 500),
  invalidContent: (detail: string) =>
    new LambdaApiError(
      LambdaErrorCode.INVALID_REQUEST_CONTENT,
      `Could not parse request body into json: ${detail}`,
      400,
    ),
  invalidParameter: (message: string) => new LambdaApiError(LambdaErrorCode.INVALID_PARAMETER_VALUE, message, 400),
  requestTooLarge: () =>
    new LambdaApiError(
      LambdaErrorCode.REQUEST_TOO_LARGE,
      `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      413,
    ),
  asyncPayloadTooLarge: (bytes: number) =>
    new LambdaApiError(
      LambdaErrorCode.REQUEST_ENTITY_TOO_LARGE,
      `${bytes} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`,
      413,
    ),
  accessDenied: (principalArn: string, arn: string) =>
    new LambdaApiError(
      LambdaErrorCode.ACCESS_DENIED,
      `User: ${principalArn} is not authorized to perform: lambda:InvokeFunction on resource: ${arn} ` +
        'because no resource-based policy allows the lambda:InvokeFunction action',
      403,
    ),
  unknownOperation: (method: string, path: string) =>
    new LambdaApiError(
      LambdaErrorCode.UNKNOWN_OPERATION,
      "The sandbox's Lambda answers Invoke only (POST /2015-03-31/functions/{FunctionName}/invocations); " +
        `got ${method} ${path}`,
      404,
    ),
} as const;
