import {
  ClientVpnDryRunSucceededError,
  ClientVpnError,
  ClientVpnNotFoundError,
  ClientVpnThrottledError,
  ClientVpnUnauthorizedError,
  type PortError,
} from '../ports/index.js';

/** The parts of an SDK v3 service exception the adapters read. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number };
}

const THROTTLE_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const UNAUTHORIZED_CODES = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AuthFailure']);

/** The AWS error code of an SDK error (its `name`), or the error's own name. */
export function errorCode(error: unknown): string {
  const shape = (error ?? {}) as SdkErrorShape;
  return shape.Code ?? shape.name ?? 'UnknownError';
}

/** The AWS request id an SDK error carries, if any. */
export function errorRequestId(error: unknown): string | undefined {
  return ((error ?? {}) as SdkErrorShape).$metadata?.requestId;
}

/** Maps an EC2 SDK error to the Client VPN port's errors. */
export function toClientVpnError(error: unknown, what: string): PortError {
  const code = errorCode(error);
  const requestId = errorRequestId(error);
  const detail = error instanceof Error ? error.message : String(error);
  const options = { cause: error, code, requestId };
  const message = `${what}: ${code}: ${detail}`;
  if (THROTTLE_CODES.has(code)) return new ClientVpnThrottledError(message, options);
  if (UNAUTHORIZED_CODES.has(code)) return new ClientVpnUnauthorizedError(message, options);
  if (code === 'DryRunOperation') return new ClientVpnDryRunSucceededError(message, options);
  if (code.includes('NotFound')) return new ClientVpnNotFoundError(message, options);
  return new ClientVpnError(message, { ...options, retryable: isTransient(error) });
}

/** A 5xx answer, or no HTTP answer at all (the connection dropped, the request timed out). */
function isTransient(error: unknown): boolean {
  const status = ((error ?? {}) as SdkErrorShape).$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** True for DynamoDB's "the condition failed" answer. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return errorCode(error) === 'ConditionalCheckFailedException';
}
