import type { EC2Client } from '@aws-sdk/client-ec2';
import { EnvVar } from '../lambda/environment.js';
import { ClientVpnNotFoundError, sameFunctionArn } from '../lambda/ports/index.js';
import { CONNECT_HANDLER_PREFIX } from '../lambda/settings/index.js';
import { StackOutput } from '../lib/outputs.js';
import { describeStackOutputs } from './aws.js';
import type { CliContext } from './context.js';
import { CliUsageError } from './errors.js';

/** A Lambda function ARN, unqualified or with a version or alias: `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
const FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

/** An endpoint's client connect handler, as DescribeClientVpnEndpoints reports its `ClientConnectOptions`. */
export interface ClientConnectState {
  readonly endpointId: string;
  readonly enabled: boolean;
  readonly lambdaFunctionArn?: string;
  /** `applying` or `applied` (the change's status). */
  readonly statusCode?: string;
  readonly statusMessage?: string;
}

/** Which function is this deployment's client connect handler, and where that came from (for messages). */
export interface OurHandler {
  readonly functionArn: string;
  readonly from: string;
  /** The flags that name it on another command line (empty when the environment does). */
  readonly flags: string;
}

/** The EC2 calls, shared with the stack's attachment custom resource; loaded when a command needs them. */
const attachment = () => import('../lambda/adapters/ConnectHandlerAttachment.js');

/** An endpoint's client connect handler (DescribeClientVpnEndpoints); a usage error when there is no such endpoint. */
export async function readClientConnect(ec2: EC2Client, endpointId: string): Promise<ClientConnectState> {
  const { status } = await attachment();
  const state = await namingTheEndpoint(endpointId, () => status(ec2, endpointId));
  return {
    endpointId,
    enabled: state.enabled,
    ...(state.arn ? { lambdaFunctionArn: state.arn } : {}),
    ...(state.statusCode ? { statusCode: state.statusCode } : {}),
    ...(state.statusMessage ? { statusMessage: state.statusMessage } : {}),
  };
}

/** Attaches `functionArn` as the endpoint's client connect handler (ModifyClientVpnEndpoint, `Enabled: true`). */
export async function attachHandler(ec2: EC2Client, endpointId: string, functionArn: string): Promise<void> {
  const { attach } = await attachment();
  await namingTheEndpoint(endpointId, () => attach(ec2, endpointId, functionArn));
}

/** Detaches the endpoint's client connect handler, whichever it is (ModifyClientVpnEndpoint, `Enabled: false`). */
export async function detachHandler(ec2: EC2Client, endpointId: string): Promise<void> {
  const { detach } = await attachment();
  await namingTheEndpoint(endpointId, () => detach(ec2, endpointId));
}

/** Runs an EC2 call on one endpoint; an endpoint that does not exist becomes a usage error that names it. */
async function namingTheEndpoint<T>(endpointId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ClientVpnNotFoundError) throw noSuchEndpoint(endpointId, error);
    throw error;
  }
}

/** Whether the endpoint's handler is attached and is `ours` (any version or alias of it); undefined when ours is unknown. */
export function isOurs(state: ClientConnectState, ours: OurHandler | undefined): boolean | undefined {
  if (ours === undefined) return undefined;
  return (
    state.enabled && state.lambdaFunctionArn !== undefined && sameFunctionArn(state.lambdaFunctionArn, ours.functionArn)
  );
}

/** `--function` (or another source of an ARN), checked as Client VPN checks it. */
export function checkFunctionArn(source: string, value: string): string {
  const arn = value.trim();
  if (!FUNCTION_ARN.test(arn)) {
    throw new CliUsageError(
      `${source} ${JSON.stringify(value)}: expected a Lambda function ARN, arn:aws:lambda:<region>:<account>:function:${CONNECT_HANDLER_PREFIX}<name>`,
    );
  }
  if (!arn.split(':')[6]!.startsWith(CONNECT_HANDLER_PREFIX)) {
    throw new CliUsageError(
      `${source} ${JSON.stringify(value)}: Client VPN takes only a function whose name begins with ${CONNECT_HANDLER_PREFIX}`,
    );
  }
  return arn;
}

/**
 * This deployment's client connect handler, from the first of: `--function`, the stack's output
 * ConnectHandlerArn (`--stack`), the enforcer's variable CVPN_GUARD_CONNECT_HANDLER_FUNCTION when it holds an ARN.
 * Undefined when none says.
 */
export async function resolveOurHandler(
  context: CliContext,
  given: string | undefined,
): Promise<OurHandler | undefined> {
  if (given !== undefined) {
    const functionArn = checkFunctionArn('--function', given);
    return { functionArn, from: '--function', flags: `--function ${functionArn}` };
  }
  const stack = context.options.stack;
  if (stack !== undefined) {
    const outputs = await describeStackOutputs(context.clients, stack);
    const arn = outputs[StackOutput.CONNECT_HANDLER_ARN]?.trim();
    if (!arn) {
      throw new CliUsageError(
        `stack ${stack} has no output ${StackOutput.CONNECT_HANDLER_ARN}: does it deploy the client connect handler? Pass --function ARN instead`,
      );
    }
    return {
      functionArn: checkFunctionArn(`stack ${stack} output ${StackOutput.CONNECT_HANDLER_ARN}`, arn),
      from: `stack ${stack}`,
      flags: `--stack ${stack}`,
    };
  }
  const fromEnv = context.io.env[EnvVar.CONNECT_HANDLER_FUNCTION]?.trim();
  if (fromEnv?.startsWith('arn:'))
    return {
      functionArn: checkFunctionArn(EnvVar.CONNECT_HANDLER_FUNCTION, fromEnv),
      from: EnvVar.CONNECT_HANDLER_FUNCTION,
      flags: '',
    };
  return undefined;
}

/** What to pass when the CLI cannot tell which function is this deployment's handler. */
export const NAME_OUR_HANDLER = `pass --stack NAME (the deployed stack), --function ARN, or set ${EnvVar.CONNECT_HANDLER_FUNCTION} to its ARN`;

function noSuchEndpoint(endpointId: string, cause?: unknown): CliUsageError {
  return new CliUsageError(
    `no Client VPN endpoint ${endpointId} in this account and region: check --endpoint and --region`,
    { cause },
  );
}
