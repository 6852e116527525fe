/** What a client connecting tells Client VPN, and what Client VPN asks its client connect handler (schema v2). */
import { SandboxControlError } from '../errors.js';

/** A client that authenticated and now connects. */
export interface ConnectAttemptInput {
  /** The endpoint id. */
  readonly endpoint: string;
  /** Active Directory user name or SAML NameID (none for certificate-only authentication). */
  readonly username?: string;
  /** Common name of the client certificate. */
  readonly commonName?: string;
  /** Directory or identity provider groups. @default [] */
  readonly groups?: readonly string[];
  /** @default '' (not reported) */
  readonly platform?: string;
  /** @default '' (not reported) */
  readonly platformVersion?: string;
  /** The device's public address. @default '203.0.113.10' */
  readonly publicIp?: string;
  /** @default '' (not reported) */
  readonly clientOpenVpnVersion?: string;
  /** Traffic profile of the connection once admitted. @default 'active' */
  readonly profile?: string;
}

/** The request Client VPN sends its client connect handler (schema v2). */
export interface ClientConnectRequest {
  readonly 'connection-id': string;
  readonly 'endpoint-id': string;
  readonly 'common-name': string;
  readonly username: string;
  readonly platform: string;
  readonly 'platform-version': string;
  readonly 'public-ip': string;
  readonly 'client-openvpn-version': string;
  /**
   * The groups, comma-separated (empty without any, as for mutual authentication). The guide writes the field as
   * `<group identifier>`; public handlers read it as text.
   */
  readonly groups: string;
  readonly 'schema-version': 'v2';
}

/** The fields of an attempt that are text. */
const TEXT_FIELDS = [
  'username',
  'commonName',
  'platform',
  'platformVersion',
  'publicIp',
  'clientOpenVpnVersion',
  'profile',
] as const;
const INPUT_FIELDS = new Set<string>(['endpoint', 'groups', ...TEXT_FIELDS]);
const DEFAULT_PUBLIC_IP = '203.0.113.10';

/** The request Client VPN sends its client connect handler for an attempt: every field, empty when unknown. */
export function clientConnectRequest(input: ConnectAttemptInput, connectionId: string): ClientConnectRequest {
  return {
    'connection-id': connectionId,
    'endpoint-id': input.endpoint,
    'common-name': input.commonName ?? '',
    username: input.username ?? '',
    platform: input.platform ?? '',
    'platform-version': input.platformVersion ?? '',
    'public-ip': input.publicIp ?? DEFAULT_PUBLIC_IP,
    'client-openvpn-version': input.clientOpenVpnVersion ?? '',
    groups: (input.groups ?? []).join(','),
    'schema-version': 'v2',
  };
}

/** Refuses an attempt written wrong (from code or the admin API), naming the field, the value and what is accepted. */
export function checkConnectAttempt(input: ConnectAttemptInput): void {
  const where = `connect ${JSON.stringify(input)}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxControlError(`${where}: expected an object {"endpoint", "username"?, "commonName"?, …}`);
  }
  const unknown = Object.keys(input).filter((key) => !INPUT_FIELDS.has(key));
  if (unknown.length > 0) {
    throw new SandboxControlError(
      `${where}: unknown field ${unknown.join(', ')}; accepted: ${[...INPUT_FIELDS].join(', ')}`,
    );
  }
  if (typeof input.endpoint !== 'string' || input.endpoint === '') {
    throw new SandboxControlError(`${where}: endpoint must be an endpoint id`);
  }
  for (const field of TEXT_FIELDS) {
    if (input[field] !== undefined && typeof input[field] !== 'string') {
      throw new SandboxControlError(`${where}: ${field} must be a string`);
    }
  }
  if (!input.username && !input.commonName) {
    throw new SandboxControlError(`${where}: give a username, a commonName, or both (who connects)`);
  }
  if (
    input.groups !== undefined &&
    !(Array.isArray(input.groups) && input.groups.every((g) => typeof g === 'string'))
  ) {
    throw new SandboxControlError(`${where}: groups must be a list of group names`);
  }
}
