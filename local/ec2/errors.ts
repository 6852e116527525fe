/**
 * The EC2 errors the emulator answers with, as AWS documents them ("Error codes for the Amazon EC2
 * API"): the code, the HTTP status, and a message in AWS's words where AWS's wording is known.
 */
export class Ec2ApiError extends Error {
  public readonly code: string;
  public readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'Ec2ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Error codes the emulator answers with. */
export const Ec2ErrorCode = {
  INVALID_ACTION: 'InvalidAction',
  MISSING_ACTION: 'MissingAction',
  MISSING_PARAMETER: 'MissingParameter',
  INVALID_PARAMETER_VALUE: 'InvalidParameterValue',
  INVALID_PARAMETER_COMBINATION: 'InvalidParameterCombination',
  INVALID_PAGINATION_TOKEN: 'InvalidPaginationToken',
  UNSUPPORTED: 'Unsupported',
  DRY_RUN_OPERATION: 'DryRunOperation',
  UNAUTHORIZED_OPERATION: 'UnauthorizedOperation',
  REQUEST_LIMIT_EXCEEDED: 'RequestLimitExceeded',
  INTERNAL_ERROR: 'InternalError',
  ENDPOINT_NOT_FOUND: 'InvalidClientVpnEndpointId.NotFound',
  CONNECTION_NOT_FOUND: 'InvalidClientVpnConnection.IdNotFound',
  USER_NOT_FOUND: 'InvalidClientVpnConnection.UserNotFound',
  TERMINATE_LIMIT_EXCEEDED: 'ClientVpnTerminateConnectionsLimitExceeded',
} as const;
/** One of the emulator's error codes. */
export type Ec2ErrorCode = (typeof Ec2ErrorCode)[keyof typeof Ec2ErrorCode];

/** The errors, built with AWS's status and wording. */
export const ec2Errors = {
  invalidAction: (action: string) =>
    new Ec2ApiError(Ec2ErrorCode.INVALID_ACTION, `The action ${action} is not valid for this web service.`),
  missingAction: () => new Ec2ApiError(Ec2ErrorCode.MISSING_ACTION, 'The request must contain the parameter Action.'),
  missingParameter: (name: string) =>
    new Ec2ApiError(Ec2ErrorCode.MISSING_PARAMETER, `The request must contain the parameter ${name}`),
  invalidValue: (message: string) => new Ec2ApiError(Ec2ErrorCode.INVALID_PARAMETER_VALUE, message),
  invalidCombination: (message: string) => new Ec2ApiError(Ec2ErrorCode.INVALID_PARAMETER_COMBINATION, message),
  unsupported: (message: string) => new Ec2ApiError(Ec2ErrorCode.UNSUPPORTED, message),
  invalidPaginationToken: (token: string) =>
    new Ec2ApiError(Ec2ErrorCode.INVALID_PAGINATION_TOKEN, `Invalid pagination token: ${token}`),
  dryRun: () =>
    new Ec2ApiError(Ec2ErrorCode.DRY_RUN_OPERATION, 'Request would have succeeded, but DryRun flag is set.', 412),
  unauthorized: () =>
    new Ec2ApiError(Ec2ErrorCode.UNAUTHORIZED_OPERATION, 'You are not authorized to perform this operation.', 403),
  throttled: () => new Ec2ApiError(Ec2ErrorCode.REQUEST_LIMIT_EXCEEDED, 'Request limit exceeded.', 503),
  internal: () =>
    new Ec2ApiError(
      Ec2ErrorCode.INTERNAL_ERROR,
      'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
      500,
    ),
  endpointNotFound: (endpointId: string) =>
    new Ec2ApiError(Ec2ErrorCode.ENDPOINT_NOT_FOUND, `Endpoint ${endpointId} does not exist`),
  connectionNotFound: (connectionId: string, endpointId: string) =>
    new Ec2ApiError(
      Ec2ErrorCode.CONNECTION_NOT_FOUND,
      `Connection ${connectionId} does not exist for Client VPN endpoint ${endpointId}`,
    ),
  userNotFound: (username: string, endpointId: string) =>
    new Ec2ApiError(
      Ec2ErrorCode.USER_NOT_FOUND,
      `User ${username} does not have an active connection to Client VPN endpoint ${endpointId}`,
    ),
  terminateLimitExceeded: (username: string, count: number, limit: number) =>
    new Ec2ApiError(
      Ec2ErrorCode.TERMINATE_LIMIT_EXCEEDED,
      `User ${username} has ${count} active connections; terminating by username is limited to ${limit}. Terminate by ConnectionId instead.`,
    ),
} as const;
