import { describe, expect, it } from '@jest/globals';
import { recordTerminateCalls } from '../../../bench/revoke-terminate-calls.js';
import { ClientVpnEmulator, Ec2ErrorCode, SimulatedClock } from '../../../local/index.js';

const ENDPOINT = 'cvpn-endpoint-0be9c000000000000';

/** An emulator on a frozen clock with three connections: two of ann's, one of bob's. */
function emulator(): ClientVpnEmulator {
  const clock = new SimulatedClock({ start: '2026-11-26T10:00:00Z', frozen: true });
  const vpn = new ClientVpnEmulator({ clock });
  vpn.addEndpoint({ id: ENDPOINT });
  vpn.addConnection({ endpointId: ENDPOINT, connectionId: 'cvpn-connection-0000000000000001', username: 'ann' });
  vpn.addConnection({ endpointId: ENDPOINT, connectionId: 'cvpn-connection-0000000000000002', username: 'ann' });
  vpn.addConnection({ endpointId: ENDPOINT, connectionId: 'cvpn-connection-0000000000000003', username: 'bob' });
  return vpn;
}

describe('recordTerminateCalls', () => {
  it('records each call with its time from the origin, what it named and the connections it moved to terminating', () => {
    // Arrange
    const vpn = emulator();
    const calls = recordTerminateCalls(vpn, vpn.clock.nowMs());

    // Act
    vpn.clock.advance(1500);
    vpn.terminateClientVpnConnections({ endpointId: ENDPOINT, username: 'ann' });
    vpn.clock.advance(500);
    vpn.terminateClientVpnConnections({ endpointId: ENDPOINT, connectionId: 'cvpn-connection-0000000000000001' });

    // Assert
    expect(calls).toEqual([
      {
        atMs: 1500,
        endpointId: ENDPOINT,
        username: 'ann',
        movedToTerminating: ['cvpn-connection-0000000000000001', 'cvpn-connection-0000000000000002'],
      },
      // Already terminating: named, moved nothing.
      { atMs: 2000, endpointId: ENDPOINT, connectionId: 'cvpn-connection-0000000000000001', movedToTerminating: [] },
    ]);
    expect(vpn.getConnection('cvpn-connection-0000000000000003').status).toBe('active');
  });

  it("records a refused call with EC2's error code, and still refuses it", () => {
    const vpn = emulator();
    const calls = recordTerminateCalls(vpn, vpn.clock.nowMs());

    expect(() => vpn.terminateClientVpnConnections({ endpointId: ENDPOINT, username: 'carol' })).toThrow();

    expect(calls).toEqual([
      { atMs: 0, endpointId: ENDPOINT, username: 'carol', movedToTerminating: [], error: Ec2ErrorCode.USER_NOT_FOUND },
    ]);
  });
});
