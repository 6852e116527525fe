import type { ClientVpnEmulator } from '../ec2/client-vpn-emulator.js';
import type { ConnectAttemptInput } from '../ec2/client-connect-request.js';
import type { ConnectAttempt } from '../ec2/connect-attempts.js';
import { type RouteEntry, objectBody } from './routing.js';

/** The admin routes of clients connecting: an attempt, as Client VPN admits it, and the attempts recorded. */
export function connectRoutes(emulator: ClientVpnEmulator): RouteEntry[] {
  return [
    {
      method: 'POST',
      pattern: '/connect',
      summary:
        'a client connects {"endpoint", "username"?, "commonName"?, "groups"?, "platform"?, "publicIp"?, …}: ' +
        'admitted, or refused with the failure reason',
      run: (_request, body) => emulator.connect(objectBody(body) as unknown as ConnectAttemptInput),
    },
    {
      method: 'GET',
      pattern: '/connect-attempts',
      summary: 'every connection attempt, with the client connect handler request and answer (?endpoint=id to narrow)',
      run: (request) => ({
        attempts: emulator.connectAttempts.list(request.query.get('endpoint') ?? undefined).map(attemptJson),
      }),
    },
    {
      method: 'DELETE',
      pattern: '/connect-attempts',
      summary: 'forget the connection attempts',
      run: () => (emulator.connectAttempts.clear(), { attempts: [] }),
    },
  ];
}

function attemptJson(attempt: ConnectAttempt) {
  return { ...attempt, at: attempt.at.toISOString() };
}
