/** The revocation section's record of every TerminateClientVpnConnections call EC2 takes. */
import { ConnectionStatus } from '../lambda/domain/constants.js';
import type { ClientVpnEmulator } from '../local/index.js';
import type { ObservedTerminateCall } from './revoke-protocol.js';

/**
 * Wraps the emulator's TerminateClientVpnConnections action (which its EC2 Query handler calls for every request
 * it admits) so that each call is recorded: its time on the emulator's clock from `originMs`, what it named, the
 * connections it moved to `terminating`, or EC2's error code when it was refused. Returns the growing record.
 */
export function recordTerminateCalls(emulator: ClientVpnEmulator, originMs: number): ObservedTerminateCall[] {
  const calls: ObservedTerminateCall[] = [];
  const original = emulator.terminateClientVpnConnections.bind(emulator);
  emulator.terminateClientVpnConnections = (input) => {
    const atMs = emulator.clock.nowMs() - originMs;
    const named = {
      endpointId: input.endpointId ?? '',
      ...(input.connectionId === undefined ? {} : { connectionId: input.connectionId }),
      ...(input.username === undefined ? {} : { username: input.username }),
    };
    try {
      const output = original(input);
      const movedToTerminating = output.statuses
        .filter(
          (status) =>
            status.previous.code !== ConnectionStatus.TERMINATING &&
            status.current.code === ConnectionStatus.TERMINATING,
        )
        .map((status) => status.connectionId);
      calls.push({ atMs, ...named, movedToTerminating });
      return output;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      calls.push({ atMs, ...named, movedToTerminating: [], error: typeof code === 'string' ? code : String(error) });
      throw error;
    }
  };
  return calls;
}
