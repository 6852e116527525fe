import { isOurs, NAME_OUR_HANDLER, type ClientConnectState, type OurHandler } from '../gate-attachment.js';

/** What one check found. */
export const CheckStatus = { PASS: 'pass', WARN: 'warn', FAIL: 'fail' } as const;
/** One of the check statuses. */
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

/** One line of the doctor's report. */
export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found, with its values. */
  readonly detail: string;
  /** What to do about a failure or warning. */
  readonly fix?: string;
}

/** Whether an endpoint's client connect handler is attached, applied and this deployment's (`ours`); warns otherwise. */
export function attachmentCheck(
  check: string,
  state: ClientConnectState,
  ours: OurHandler | undefined,
  attach: string,
): CheckResult {
  if (!state.enabled) {
    return {
      check,
      status: CheckStatus.WARN,
      detail: 'not attached: Client VPN admits every client that authenticates, and no policy row is asked at connect',
      fix: `attach it: ${attach}`,
    };
  }
  const applied = state.statusCode === undefined || state.statusCode === 'applied';
  const statusText = `status ${state.statusCode ?? 'unknown'}${state.statusMessage ? ` (${state.statusMessage})` : ''}`;
  const mine = isOurs(state, ours);
  if (mine === false) {
    return {
      check,
      status: CheckStatus.WARN,
      detail: `attached, but another function: ${state.lambdaFunctionArn ?? 'unnamed'}, not this deployment's ${ours!.functionArn}`,
      fix: `attach this deployment's instead: ${attach}`,
    };
  }
  if (!applied) {
    return {
      check,
      status: CheckStatus.WARN,
      detail: `attached (${state.lambdaFunctionArn}), ${statusText}: the change is not in effect yet`,
      fix: 'run doctor again in a minute',
    };
  }
  if (mine === undefined) {
    return {
      check,
      status: CheckStatus.WARN,
      detail: `attached and enabled: ${state.lambdaFunctionArn ?? 'unnamed'}; whether it is this deployment's is unknown`,
      fix: NAME_OUR_HANDLER,
    };
  }
  return {
    check,
    status: CheckStatus.PASS,
    detail: `this deployment's, enabled, ${statusText}: ${state.lambdaFunctionArn}`,
  };
}
