/**
 * The client connect handler's function name, from the stack name: the one rule the stack (which names the
 * function), the CLI (which finds it) and the tests share.
 */

/** The prefix Client VPN requires of a client connect handler's function name. */
export const CONNECT_HANDLER_PREFIX = 'AWSClientVPN-';

/** Longest Lambda function name. */
export const MAX_FUNCTION_NAME_LENGTH = 64;

/** Longest stack name whose handler name still fits: the prefix takes the rest. */
export const MAX_CONNECT_HANDLER_STACK_NAME_LENGTH = MAX_FUNCTION_NAME_LENGTH - CONNECT_HANDLER_PREFIX.length;

/** The stack name gives a client connect handler name Lambda refuses. */
export class ConnectHandlerNameError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectHandlerNameError';
  }
}

/** Why `stackName` cannot name a client connect handler; undefined when it can. */
export function connectHandlerNameProblem(stackName: string): string | undefined {
  const name = `${CONNECT_HANDLER_PREFIX}${stackName}`;
  if (name.length <= MAX_FUNCTION_NAME_LENGTH) return undefined;
  return (
    `the client connect handler is named ${CONNECT_HANDLER_PREFIX}<stackName>, ${name.length} characters for ` +
    `stack name "${stackName}"; Lambda allows ${MAX_FUNCTION_NAME_LENGTH}: use a stack name of at most ` +
    `${MAX_CONNECT_HANDLER_STACK_NAME_LENGTH} characters`
  );
}

/**
 * The client connect handler's function name for a stack: `AWSClientVPN-<stackName>`.
 *
 * @throws ConnectHandlerNameError when the name would be longer than Lambda allows
 */
export function connectHandlerName(stackName: string): string {
  const problem = connectHandlerNameProblem(stackName);
  if (problem !== undefined) throw new ConnectHandlerNameError(`stackName=${JSON.stringify(stackName)}: ${problem}`);
  return `${CONNECT_HANDLER_PREFIX}${stackName}`;
}
