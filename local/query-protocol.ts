import type { ServiceResponse } from './edge/types.js';
import { XML_DECLARATION, text } from './xml.js';

const XML_CONTENT_TYPE = 'text/xml';

/** An error of an AWS Query-protocol service (SNS, STS), as the service answers it. */
export class QueryApiError extends Error {
  public readonly code: string;
  public readonly status: number;
  /** `Sender` (the caller's fault) or `Receiver` (the service's). */
  public readonly type: 'Sender' | 'Receiver';

  constructor(
    code: string,
    message: string,
    status = 400,
    type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'QueryApiError';
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata><RequestId>…` as awsQuery services answer. */
export function queryResult(action: string, xmlns: string, resultXml: string, requestId: string): ServiceResponse {
  const body =
    `${XML_DECLARATION}\n<${action}Response xmlns="${xmlns}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata>${text('RequestId', requestId)}</ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': XML_CONTENT_TYPE }, body };
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` as awsQuery services answer. */
export function queryError(error: QueryApiError, xmlns: string, requestId: string): ServiceResponse {
  const body =
    `${XML_DECLARATION}\n<ErrorResponse xmlns="${xmlns}"><Error>${text('Type', error.type)}${text('Code', error.code)}` +
    `${text('Message', error.message)}</Error>${text('RequestId', requestId)}</ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': XML_CONTENT_TYPE }, body, errorCode: error.code };
}
