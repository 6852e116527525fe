import type { CanaryOutcome, ConnectHandlerProbe, RunLogger } from '../ports/index.js';

export type { CanaryOutcome };

/** How long a run waits for the client connect handler's answer to its canary: a few seconds, never longer. */
export const CANARY_TIMEOUT_MS = 3000;

/** Which function a run's canary invokes, and how long it waits. */
export interface CanarySettings {
  /** The client connect handler's function: a name or an ARN. */
  readonly functionName: string;
  /** @default {@link CANARY_TIMEOUT_MS} */
  readonly timeoutMs?: number;
}

/**
 * Sends the client connect handler one canary attempt on `endpointId` and logs what came of it. It never throws:
 * a failed canary is reported, and never fails the run.
 */
export async function runConnectHandlerCanary(
  probe: ConnectHandlerProbe,
  settings: CanarySettings,
  endpointId: string,
  logger: RunLogger,
): Promise<CanaryOutcome> {
  const timeoutMs = settings.timeoutMs ?? CANARY_TIMEOUT_MS;
  let outcome: CanaryOutcome;
  try {
    const result = await probe.invoke(settings.functionName, { endpointId, timeoutMs });
    outcome = result.ok
      ? {
          ok: true,
          endpointId,
          allow: result.allow,
          ...(result.message === undefined ? {} : { reason: result.message }),
          latencyMs: result.latencyMs,
        }
      : { ok: false, endpointId, reason: `${result.failure}: ${result.reason}`, latencyMs: result.latencyMs };
  } catch (error) {
    outcome = { ok: false, endpointId, reason: `error: ${String(error)}`, latencyMs: 0 };
  }
  const fields = { functionName: settings.functionName, ...outcome };
  if (outcome.ok) logger.info('the client connect handler answered the canary', fields);
  else logger.error('the client connect handler failed the canary: Client VPN would refuse every client', fields);
  return outcome;
}
