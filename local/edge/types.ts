import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind } from '../faults.js';
import type { Service } from '../services.js';

/**
 * Who sent a request and where to: the account and principal behind its credentials (the access key id) and the
 * Region of its SigV4 credential scope, as the edge resolved them. Services act on the resources of that account
 * and Region unless the request names another's by ARN (then they check the resource's policy).
 */
export interface Caller {
  /** The 12-digit account the credentials belong to. */
  readonly accountId: string;
  /** The principal: `arn:aws:iam::<acct>:user/sandbox`, or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  readonly principalArn: string;
  /** For an assumed role: the role's ARN (`arn:aws:iam::<acct>:role/<name>`), what `aws:PrincipalArn` matches. */
  readonly roleArn?: string;
  /** The Region the request was signed for. */
  readonly region: string;
  /** The organization the account belongs to (`o-…`), when the scenario declares one: `aws:PrincipalOrgID`. */
  readonly orgId?: string;
}

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
  /** Who sent it and where to. @default the sandbox's own account and Region */
  readonly caller?: Caller;
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
