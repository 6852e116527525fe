/**
 * Attaching the client connect handler to a Client VPN endpoint, detaching it, and reading what an endpoint is
 * attached to, over @aws-sdk/client-ec2 (ModifyClientVpnEndpoint `ClientConnectOptions`, and
 * DescribeClientVpnEndpoints). The stack's attachment custom resource and `cvpn-guard gate` use the same calls.
 */
import { DescribeClientVpnEndpointsCommand, type EC2Client, ModifyClientVpnEndpointCommand } from '@aws-sdk/client-ec2';
import { ClientVpnNotFoundError, sameFunctionArn } from '../ports/index.js';
import { errorCode, toClientVpnError } from './aws-errors.js';

/** What {@link detachIfOurs} did. */
export const DetachOutcome = {
  /** The endpoint pointed at our function: it now has no handler. */
  DETACHED: 'detached',
  /** The endpoint points at another function: left as it is. */
  NOT_OURS: 'not-ours',
  /** The endpoint has no handler: nothing to do. */
  NOT_ATTACHED: 'not-attached',
  /** The endpoint no longer exists. */
  GONE: 'gone',
} as const;
/** One outcome of {@link detachIfOurs}. */
export type DetachOutcome = (typeof DetachOutcome)[keyof typeof DetachOutcome];

/** An endpoint's client connect handler, as DescribeClientVpnEndpoints reports it. */
export interface ConnectHandlerStatus {
  /** Whether a handler is attached. */
  readonly enabled: boolean;
  /** The function (or alias) attached; undefined when none. */
  readonly arn: string | undefined;
  /** Where the last change stands: `applying`, `applied`; undefined when EC2 leaves it out. */
  readonly statusCode: string | undefined;
  /** EC2's words about the last change, if any. */
  readonly statusMessage: string | undefined;
}

/** The error code EC2 answers for an endpoint id that does not exist. */
const ENDPOINT_NOT_FOUND = 'InvalidClientVpnEndpointId.NotFound';

/**
 * Whether the handler attached is our function: the same function, whichever qualifier either ARN carries, so
 * an endpoint attached to the function before provisioned concurrency moved it to the alias `live` is still ours.
 */
export function isOurs(attachedArn: string | undefined, ourArn: string): boolean {
  return attachedArn !== undefined && sameFunctionArn(attachedArn, ourArn);
}

/**
 * What the endpoint's client connect handler is.
 *
 * @throws ClientVpnNotFoundError when the endpoint does not exist; another ClientVpn error when EC2 refuses
 */
export async function status(ec2: EC2Client, endpointId: string): Promise<ConnectHandlerStatus> {
  let options;
  try {
    const output = await ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpointId] }));
    const endpoint = output.ClientVpnEndpoints?.find((found) => found.ClientVpnEndpointId === endpointId);
    if (!endpoint) {
      throw new ClientVpnNotFoundError(`Client VPN endpoint ${endpointId} does not exist`, {
        code: ENDPOINT_NOT_FOUND,
      });
    }
    options = endpoint.ClientConnectOptions;
  } catch (error) {
    if (error instanceof ClientVpnNotFoundError) throw error;
    throw toClientVpnError(error, `DescribeClientVpnEndpoints of ${endpointId} failed`);
  }
  return {
    enabled: options?.Enabled ?? false,
    arn: options?.Enabled ? options.LambdaFunctionArn : undefined,
    statusCode: options?.Status?.Code,
    statusMessage: options?.Status?.Message,
  };
}

/**
 * Attaches the handler `arn` (a function or alias ARN) to the endpoint, replacing any handler it had.
 *
 * @throws ClientVpnNotFoundError when the endpoint does not exist; another ClientVpn error when EC2 refuses
 */
export async function attach(ec2: EC2Client, endpointId: string, arn: string): Promise<void> {
  try {
    await ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: endpointId,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: arn },
      }),
    );
  } catch (error) {
    throw toClientVpnError(error, `attaching ${arn} to ${endpointId} (ModifyClientVpnEndpoint) failed`);
  }
}

/**
 * Detaches the handler from the endpoint only if it is ours ({@link isOurs}): an endpoint someone pointed at
 * another function since is left alone, and an endpoint that is gone is not an error.
 *
 * @throws a ClientVpn error when EC2 refuses the describe or the change
 */
export async function detachIfOurs(ec2: EC2Client, endpointId: string, arn: string): Promise<DetachOutcome> {
  let current: ConnectHandlerStatus;
  try {
    current = await status(ec2, endpointId);
  } catch (error) {
    if (error instanceof ClientVpnNotFoundError) return DetachOutcome.GONE;
    throw error;
  }
  if (!current.enabled) return DetachOutcome.NOT_ATTACHED;
  if (!isOurs(current.arn, arn)) return DetachOutcome.NOT_OURS;
  try {
    await detach(ec2, endpointId, current.arn);
  } catch (error) {
    // Deleted between the describe and the change.
    if (error instanceof ClientVpnNotFoundError) return DetachOutcome.GONE;
    throw error;
  }
  return DetachOutcome.DETACHED;
}

/**
 * Detaches whatever handler the endpoint has (`Enabled: false`), ours or not: for an operator who says so
 * (`cvpn-guard gate detach --force`); the stack only ever calls {@link detachIfOurs}. `arn` names the handler in
 * the error.
 *
 * @throws ClientVpnNotFoundError when the endpoint does not exist; another ClientVpn error when EC2 refuses
 */
export async function detach(ec2: EC2Client, endpointId: string, arn?: string): Promise<void> {
  try {
    await ec2.send(
      new ModifyClientVpnEndpointCommand({ ClientVpnEndpointId: endpointId, ClientConnectOptions: { Enabled: false } }),
    );
  } catch (error) {
    if (errorCode(error) === ENDPOINT_NOT_FOUND)
      throw new ClientVpnNotFoundError(`Client VPN endpoint ${endpointId} does not exist`, {
        code: ENDPOINT_NOT_FOUND,
        cause: error,
      });
    throw toClientVpnError(
      error,
      `detaching ${arn ?? 'the client connect handler'} from ${endpointId} (ModifyClientVpnEndpoint) failed`,
    );
  }
}
