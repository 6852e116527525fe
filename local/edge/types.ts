import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind } from '../faults.js';
import type { Service } from '../services.js';

/** One request, read in full by the edge. */
export interface ServiceRequest {
  readonly method: string;
  /** The URL path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The request id the edge answers with (the `x-amzn-requestid` header). */
  readonly requestId: string;
}

/** One answer, written by the edge. */
export interface ServiceResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  /** The AWS error code, when the answer is an error (for the counters). */
  readonly errorCode?: string;
}

/** One emulated service behind the edge. */
export interface ServiceHandler {
  readonly service: Service;
  /** The action a request asks for, as the counters and fault rules name it (`(none)` when it names none). */
  actionOf(request: ServiceRequest): string;
  /** Answers a request. */
  handle(request: ServiceRequest, action: string): Promise<ServiceResponse>;
  /** The service's own answer for an injected internal error or throttle. */
  faultResponse(request: ServiceRequest, action: string, kind: Exclude<FaultKind, 'drop'>): ServiceResponse;
}

/** The action name used when a request names none. */
export const NO_ACTION = '(none)';

/** Form parameters of a Query-protocol request: the URL's query string and a form-encoded body, body last. */
export function queryParameters(request: ServiceRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const contentType = String(request.headers['content-type'] ?? '');
  if (request.body.length > 0 && (contentType === '' || contentType.startsWith('application/x-www-form-urlencoded'))) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) params.set(key, value);
  }
  return params;
}
