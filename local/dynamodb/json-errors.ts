import { crc32 } from 'node:zlib';
import type { ServiceResponse } from '../edge/types.js';

/** DynamoDB's JSON protocol content type. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
/** AccessDeniedException is the IAM layer's, not DynamoDB's own: its type has that namespace. */
const ACCESS_DENIED_PREFIX = 'com.amazon.coral.service#';

/** One DynamoDB error answer. */
export function jsonError(status: number, code: string, message: string): ServiceResponse {
  const prefix = code === 'AccessDeniedException' ? ACCESS_DENIED_PREFIX : ERROR_PREFIX;
  return jsonAnswer({ __type: `${prefix}${code}`, message }, status, code);
}

/** One JSON answer, with the checksum header DynamoDB sends. */
export function jsonAnswer(body: unknown, status = 200, errorCode?: string): ServiceResponse {
  const text = JSON.stringify(body);
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amz-crc32': String(crc32(text)) },
    body: text,
    ...(errorCode ? { errorCode } : {}),
  };
}

/** The error code of an error answer's body (the part of `__type` after `#`). */
export function errorCodeOf(body: Buffer): string | undefined {
  try {
    const type = (JSON.parse(body.toString('utf8')) as { __type?: unknown }).__type;
    return typeof type === 'string' ? type.split('#').pop() : undefined;
  } catch {
    return undefined;
  }
}
