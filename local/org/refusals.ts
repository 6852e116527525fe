import type { ServiceRequest, ServiceResponse } from '../edge/types.js';
import { Service } from '../services.js';
import { XML_DECLARATION, text } from '../xml.js';

const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * The answer each service gives a request signed with a session token it no longer accepts (its role was deleted):
 * EC2's AuthFailure, STS's and SNS's InvalidClientTokenId, Lambda's and DynamoDB's UnrecognizedClientException.
 */
export function invalidTokenResponse(service: string, request: ServiceRequest): ServiceResponse {
  switch (service) {
    case Service.EC2:
      return ec2Error(request, 401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    case Service.LAMBDA:
      return jsonError(403, 'UnrecognizedClientException', INVALID_TOKEN, 'application/json');
    case Service.DYNAMODB:
      return jsonError(400, 'UnrecognizedClientException', INVALID_TOKEN, 'application/x-amz-json-1.0');
    default:
      return queryError(request, 403, 'InvalidClientTokenId', INVALID_TOKEN);
  }
}

/**
 * The sandbox's answer for a request signed for a Region no account of the scenario has: AWS would answer from that
 * Region's own endpoint, which the sandbox cannot be; a clear error names the Region and the scenario's Regions.
 */
export function unknownRegionResponse(
  service: string,
  request: ServiceRequest,
  region: string,
  regions: readonly string[],
): ServiceResponse {
  const code = 'SandboxUnknownRegion';
  const message =
    `The sandbox's organization has no account in Region '${region}'; its Regions: ${regions.join(', ')}. ` +
    'Sign the request for one of them, or add the Region to an account in the scenario.';
  switch (service) {
    case Service.EC2:
      return ec2Error(request, 400, code, message);
    case Service.LAMBDA:
      return jsonError(400, code, message, 'application/json');
    case Service.DYNAMODB:
      return jsonError(400, code, message, 'application/x-amz-json-1.0');
    default:
      return queryError(request, 400, code, message);
  }
}

function ec2Error(request: ServiceRequest, status: number, code: string, message: string): ServiceResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body:
      `${XML_DECLARATION}\n<Response><Errors><Error>${text('Code', code)}${text('Message', message)}</Error></Errors>` +
      `${text('RequestID', request.requestId)}</Response>`,
    errorCode: code,
  };
}

function jsonError(status: number, code: string, message: string, contentType: string): ServiceResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
    errorCode: code,
  };
}

function queryError(request: ServiceRequest, status: number, code: string, message: string): ServiceResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      `${XML_DECLARATION}\n<ErrorResponse><Error>${text('Type', 'Sender')}${text('Code', code)}` +
      `${text('Message', message)}</Error>${text('RequestId', request.requestId)}</ErrorResponse>`,
    errorCode: code,
  };
}
