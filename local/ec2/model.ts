import type { ConnectionStatus } from '../../lambda/domain/constants.js';

/** How a connection's byte counters grow, per simulated minute. */
export interface TrafficProfile {
  /** Bytes received by the client per simulated minute. */
  readonly ingressBytesPerMinute: number;
  /** Bytes sent by the client per simulated minute. */
  readonly egressBytesPerMinute: number;
  /** Average packet size, from which the packet counters follow. @default 1000 */
  readonly bytesPerPacket?: number;
}

/** The profiles every sandbox knows; a scenario may redefine them or add its own. */
export const BUILT_IN_PROFILES: Readonly<Record<string, TrafficProfile>> = {
  /** A person at work: about 3 MB an hour in, 1 MB out. */
  active: { ingressBytesPerMinute: 48_000, egressBytesPerMinute: 16_000 },
  /** Connected, nothing moves. */
  idle: { ingressBytesPerMinute: 0, egressBytesPerMinute: 0 },
};

/** The profile a connection gets when none is named. */
export const DEFAULT_PROFILE = 'active';

/** Average packet size when a profile does not say. */
export const DEFAULT_BYTES_PER_PACKET = 1000;

/** Client VPN endpoint states, as EC2 reports them. */
export const EndpointStatus = {
  PENDING_ASSOCIATE: 'pending-associate',
  AVAILABLE: 'available',
  DELETING: 'deleting',
  DELETED: 'deleted',
} as const;
/** One of the endpoint states. */
export type EndpointStatus = (typeof EndpointStatus)[keyof typeof EndpointStatus];

/** States of an endpoint attribute's update (ClientVpnEndpointAttributeStatus), as EC2 reports them. */
export const AttributeStatus = {
  APPLYING: 'applying',
  APPLIED: 'applied',
} as const;
/** One of the attribute update states. */
export type AttributeStatus = (typeof AttributeStatus)[keyof typeof AttributeStatus];

/** An endpoint's client connect handler, as DescribeClientVpnEndpoints reports it (`ClientConnectOptions`). */
export interface ClientConnectOptionsView {
  /** True when a handler is attached: every new connection waits for its answer. */
  readonly enabled: boolean;
  /** The handler's Lambda function ARN, while attached. */
  readonly lambdaFunctionArn?: string;
  /** The status of the last change (the emulator applies a change at once: `applied`). */
  readonly status: { readonly code: AttributeStatus; readonly message?: string };
}

/** Client authentication types of an endpoint. */
export const AuthenticationType = {
  CERTIFICATE: 'certificate-authentication',
  DIRECTORY: 'directory-service-authentication',
  FEDERATED: 'federated-authentication',
} as const;
/** One of the authentication types. */
export type AuthenticationType = (typeof AuthenticationType)[keyof typeof AuthenticationType];

/** An endpoint to add to the emulator. */
export interface EndpointSpec {
  /** `cvpn-endpoint-` followed by hex digits. */
  readonly id: string;
  readonly description?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default 'udp' */
  readonly transportProtocol?: 'udp' | 'tcp';
  /** @default 443 */
  readonly vpnPort?: number;
  /** @default '10.100.0.0/22' */
  readonly clientCidrBlock?: string;
  /** @default 'available' */
  readonly status?: EndpointStatus;
  /** @default the clock's now at creation */
  readonly createdAt?: Date;
  /** @default ['certificate-authentication'] */
  readonly authentication?: readonly AuthenticationType[];
  /** @default 24 */
  readonly sessionTimeoutHours?: number;
  /** @default false */
  readonly splitTunnel?: boolean;
  /** @default a vpc id derived from the endpoint id */
  readonly vpcId?: string;
  /** @default [] */
  readonly dnsServers?: readonly string[];
}

/** A connection to add to the emulator. */
export interface ConnectionSpec {
  readonly endpointId: string;
  /** @default derived deterministically from the endpoint and the order of addition */
  readonly connectionId?: string;
  /** Active Directory or SAML user name (absent for certificate-only authentication). */
  readonly username?: string;
  /** Common name of the client certificate. */
  readonly commonName?: string;
  /** @default the next address of the endpoint's client CIDR */
  readonly clientIp?: string;
  readonly clientIpv6Address?: string;
  /** @default the clock's now */
  readonly establishedAt?: Date;
  /** Name of a traffic profile. @default 'active' */
  readonly profile?: string;
  /** Byte counters at establishment. @default 0 */
  readonly ingressBytes?: number;
  readonly egressBytes?: number;
  /** @default 'active' */
  readonly status?: ConnectionStatus;
  readonly statusMessage?: string;
  /** For `terminated`: when it ended. @default the clock's now */
  readonly endedAt?: Date;
  /** @default [] */
  readonly postureComplianceStatuses?: readonly string[];
  /** A terminate call on it ends in `failed-to-terminate` instead of `terminated`. @default false */
  readonly failTermination?: boolean;
}

/** What can be changed on a live connection (from code or the admin API). */
export interface ConnectionPatch {
  readonly profile?: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly clientIp?: string;
  readonly statusMessage?: string;
  readonly postureComplianceStatuses?: readonly string[];
  readonly failTermination?: boolean;
  /** Adds bytes to the counters now (a burst of traffic). */
  readonly addIngressBytes?: number;
  readonly addEgressBytes?: number;
}

/** One connection as EC2 would describe it now. Byte and packet counters are numbers here; the wire has strings. */
export interface ConnectionView {
  readonly endpointId: string;
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly clientIp?: string;
  readonly clientIpv6Address?: string;
  readonly ingressBytes: number;
  readonly egressBytes: number;
  readonly ingressPackets: number;
  readonly egressPackets: number;
  readonly establishedAt: Date;
  readonly endedAt?: Date;
  /** When EC2 produced this description. */
  readonly timestamp: Date;
  readonly status: ConnectionStatus;
  readonly statusMessage?: string;
  readonly postureComplianceStatuses: readonly string[];
  /** Sandbox only: the traffic profile. */
  readonly profile: string;
}

/** One endpoint as EC2 would describe it. */
export interface EndpointView {
  readonly id: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly transportProtocol: 'udp' | 'tcp';
  readonly vpnPort: number;
  readonly clientCidrBlock: string;
  readonly status: EndpointStatus;
  readonly createdAt: Date;
  readonly authentication: readonly AuthenticationType[];
  readonly sessionTimeoutHours: number;
  readonly splitTunnel: boolean;
  readonly vpcId: string;
  readonly dnsServers: readonly string[];
  readonly dnsName: string;
  /** The client connect handler (none until ModifyClientVpnEndpoint attaches one). */
  readonly clientConnect: ClientConnectOptionsView;
}

/** A connection status as EC2 reports it: the code and, when there is one, its message. */
export interface StatusView {
  readonly code: string;
  readonly message?: string;
}
