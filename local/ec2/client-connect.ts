import type { LambdaService } from '../lambda/lambda-service.js';
import { parseFunctionArn } from '../lambda/arn.js';
import { ec2Errors } from './errors.js';
import { AttributeStatus, type ClientConnectOptionsView } from './model.js';

/** The prefix Client VPN requires of a client connect handler's function name. */
export const CLIENT_CONNECT_HANDLER_PREFIX = 'AWSClientVPN-';

/** How long Client VPN waits for its client connect handler: 30 s, not configurable. */
export const CLIENT_CONNECT_TIMEOUT_MS = 30_000;

/** Why Client VPN refused a connection its handler was asked about (`connection-attempt-failure-reason`). */
export const ConnectFailureReason = {
  /** The function answered `allow: false`. */
  DENIED: 'client-connect-failed',
  TIMED_OUT: 'client-connect-handler-timed-out',
  /** The function threw (any `Unhandled` error but a timeout). */
  EXECUTION_ERROR: 'client-connect-handler-other-execution-error',
  THROTTLED: 'client-connect-handler-throttled',
  /** The answer broke the response schema (a field missing, of the wrong type, or too long). */
  INVALID_RESPONSE: 'client-connect-handler-invalid-response',
  /** Lambda could not run the function (its own error, no answer, the function gone). */
  SERVICE_ERROR: 'client-connect-handler-service-error',
} as const;
/** One of the failure reasons. */
export type ConnectFailureReason = (typeof ConnectFailureReason)[keyof typeof ConnectFailureReason];

/** What Client VPN tells a client it refused for any reason but the function's own denial. */
export const DEFAULT_REFUSAL_MESSAGE = 'Error establishing connection. Please contact your administrator.';

/** What Client VPN needs of Lambda: whether a function can be invoked, and invoking it as an AWS service does. */
export type ClientConnectFunctions = Pick<LambdaService, 'check' | 'invokeAsService'>;

/** An endpoint with no client connect handler (every endpoint until one is attached). */
export const NO_CLIENT_CONNECT_HANDLER: ClientConnectOptionsView = {
  enabled: false,
  status: { code: AttributeStatus.APPLIED },
};

/** `ClientConnectOptions` of ModifyClientVpnEndpoint, as given. */
export interface ClientConnectOptionsInput {
  /** @default false (EC2's default): the handler is detached */
  readonly enabled?: boolean;
  readonly lambdaFunctionArn?: string;
}

/** Where the endpoint is: the function must be in the same Region and account. */
export interface EndpointHome {
  readonly region: string;
  readonly accountId: string;
}

/**
 * The options a ModifyClientVpnEndpoint asks for, checked as Client VPN documents its requirements (an unqualified
 * or qualified Lambda function ARN, a name that begins with `AWSClientVPN-`, the endpoint's Region and account);
 * throws the EC2 error otherwise. Whether the function exists is checked after the call is authorized.
 */
export function checkClientConnectOptions(
  input: ClientConnectOptionsInput,
  home: EndpointHome,
): ClientConnectOptionsView {
  if (!input.enabled) return NO_CLIENT_CONNECT_HANDLER;
  const arn = input.lambdaFunctionArn;
  if (arn === undefined || arn === '') throw ec2Errors.missingParameter('ClientConnectOptions.LambdaFunctionArn');
  const invalid = (reason: string) => ec2Errors.invalidValue(`Invalid LambdaFunctionArn '${arn}': ${reason}`);
  const parsed = parseFunctionArn(arn);
  if (!parsed) throw invalid('expected a Lambda function ARN, arn:aws:lambda:<region>:<account>:function:<name>');
  if (!parsed.name.startsWith(CLIENT_CONNECT_HANDLER_PREFIX)) {
    throw invalid(`the function name must begin with ${CLIENT_CONNECT_HANDLER_PREFIX}`);
  }
  if (parsed.region !== home.region) {
    throw invalid(`the function must be in the Region of the Client VPN endpoint (${home.region})`);
  }
  if (parsed.accountId !== home.accountId) {
    throw invalid(`the function must be in the account of the Client VPN endpoint (${home.accountId})`);
  }
  return { enabled: true, lambdaFunctionArn: arn, status: { code: AttributeStatus.APPLIED } };
}
