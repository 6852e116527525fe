import { createHash } from 'node:crypto';
import { ConnectionStatus, ENDPOINT_ID_PATTERN as ENDPOINT_ID } from '../../lambda/domain/constants.js';
import { SimulatedClock } from '../clock.js';
import { SANDBOX_ACCOUNT_ID } from '../constants.js';
import { CallCounters } from '../counters.js';
import { SandboxControlError } from '../errors.js';
import { FaultInjector } from '../faults.js';
import { ConnectionLife } from './connection-life.js';
import {
  type DescribeConnectionsInput,
  type DescribeEndpointsInput,
  Ec2Actions,
  type ModifyEndpointInput,
  type TerminateInput,
  type TerminateOutput,
} from './ec2-actions.js';
import { Ec2ApiError } from './errors.js';
import { type ClientConnectFunctions, NO_CLIENT_CONNECT_HANDLER } from './client-connect.js';
import type { ConnectAttemptInput } from './client-connect-request.js';
import { type ConnectAttemptResult, ConnectAttempts } from './connect-attempts.js';
import {
  AuthenticationType,
  type ConnectionPatch,
  type ConnectionSpec,
  type ConnectionView,
  DEFAULT_BYTES_PER_PACKET,
  DEFAULT_PROFILE,
  EndpointStatus,
  type EndpointSpec,
  type EndpointView,
  type TrafficProfile,
} from './model.js';
import { type PaginationOptions, Paging } from './paging.js';
import { Permissions } from './permissions.js';
import { type ConnectionRecord, type EndpointRecord, endpointView } from './records.js';
import { Throttling, type ThrottlingConfig, type ThrottlingOptions } from './throttling.js';

/** Options of the emulator. */
export interface ClientVpnEmulatorOptions {
  /** @default a clock following real time */
  readonly clock?: SimulatedClock;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default DEFAULT_THROTTLING */
  readonly throttling?: ThrottlingOptions;
  /** Simulated time a terminated connection spends in `terminating`. @default 5000 */
  readonly terminationDelayMs?: number;
  /** How long an ended connection is still described. @default 3_600_000 (60 minutes, as EC2) */
  readonly endedRetentionMs?: number;
  readonly pagination?: PaginationOptions;
  /** Shared with the edge. @default its own */
  readonly counters?: CallCounters;
  /** Shared with the edge. @default its own */
  readonly faults?: FaultInjector;
  /** The account of the endpoints (their client connect handlers must be in it). @default '000000000000' */
  readonly accountId?: string;
  /** Lambda, for the client connect handlers. @default none: no function can be attached */
  readonly functions?: ClientConnectFunctions;
}

const CONNECTION_ID = /^cvpn-connection-[0-9a-f]{8,17}$/;

/**
 * The AWS Client VPN emulator: endpoints and connections, set up and changed from code or the admin
 * API, and the three EC2 actions the product calls (`Ec2Actions`). The connections' simulated life
 * and traffic is `ConnectionLife`; the HTTP side (`Ec2QueryHandler`) turns the Query protocol into
 * calls of the action methods here.
 */
export class ClientVpnEmulator {
  public readonly clock: SimulatedClock;
  public readonly region: string;
  public readonly accountId: string;
  public readonly permissions = new Permissions();
  /** Clients' connection attempts, each recorded (`connect` makes one). */
  public readonly connectAttempts: ConnectAttempts;
  public readonly counters: CallCounters;
  public readonly faults: FaultInjector;

  private readonly life: ConnectionLife;
  private readonly throttling: Throttling;
  private readonly paging: Paging;
  private readonly actions: Ec2Actions;
  private readonly endpoints = new Map<string, EndpointRecord>();
  private readonly connections = new Map<string, ConnectionRecord>();
  private nextSeq = 1;

  constructor(options: ClientVpnEmulatorOptions = {}) {
    this.clock = options.clock ?? new SimulatedClock();
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? SANDBOX_ACCOUNT_ID;
    this.counters = options.counters ?? new CallCounters();
    this.faults = options.faults ?? new FaultInjector();
    this.life = new ConnectionLife(options.terminationDelayMs ?? 5000, options.endedRetentionMs ?? 3_600_000);
    this.paging = new Paging(options.pagination);
    this.throttling = new Throttling(this.clock, options.throttling);
    this.actions = new Ec2Actions({
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      functions: options.functions,
      endpoints: this.endpoints,
      connections: this.connections,
      life: this.life,
      permissions: this.permissions,
      throttling: this.throttling,
      paging: this.paging,
    });
    this.connectAttempts = new ConnectAttempts({
      clock: this.clock,
      endpoints: this.endpoints,
      functions: options.functions,
      newConnectionId: (endpointId) => this.generateConnectionId(endpointId, this.nextSeq++),
      checkProfile: (name) => void this.life.profile(name),
      addConnection: (spec) => this.addConnection(spec),
    });
  }

  // ----- state, from code or the admin API -----

  /** Adds an endpoint. */
  public addEndpoint(spec: EndpointSpec): EndpointView {
    if (!ENDPOINT_ID.test(spec.id)) {
      throw new SandboxControlError(
        `endpoint id ${JSON.stringify(spec.id)}: expected "cvpn-endpoint-" followed by 8 to 17 hex digits`,
      );
    }
    if (this.endpoints.has(spec.id)) throw new SandboxControlError(`endpoint ${spec.id} already exists`, 409);
    const cidr = spec.clientCidrBlock ?? '10.100.0.0/22';
    const record: EndpointRecord = {
      seq: this.nextSeq++,
      nextHost: 2,
      id: spec.id,
      description: spec.description,
      tags: { ...spec.tags },
      transportProtocol: spec.transportProtocol ?? 'udp',
      vpnPort: spec.vpnPort ?? 443,
      clientCidrBlock: cidr,
      status: spec.status ?? EndpointStatus.AVAILABLE,
      createdAt: spec.createdAt ?? this.clock.now(),
      authentication: spec.authentication ?? [AuthenticationType.CERTIFICATE],
      sessionTimeoutHours: spec.sessionTimeoutHours ?? 24,
      splitTunnel: spec.splitTunnel ?? false,
      vpcId: spec.vpcId ?? `vpc-${hexDigest(spec.id, 17)}`,
      dnsServers: [...(spec.dnsServers ?? [])],
      dnsName: `*.${spec.id}.prod.clientvpn.${this.region}.amazonaws.com`,
      clientConnect: NO_CLIENT_CONNECT_HANDLER,
    };
    this.endpoints.set(spec.id, record);
    return endpointView(record);
  }

  /** Every endpoint, in the order added. */
  public listEndpoints(): EndpointView[] {
    return [...this.endpoints.values()].map(endpointView);
  }

  /** Defines (or redefines) a traffic profile. */
  public defineProfile(name: string, profile: TrafficProfile): void {
    if (!(profile.ingressBytesPerMinute >= 0 && profile.egressBytesPerMinute >= 0)) {
      throw new SandboxControlError(`traffic profile ${name}: byte rates must be numbers ≥ 0`);
    }
    if (profile.bytesPerPacket !== undefined && !(profile.bytesPerPacket > 0)) {
      throw new SandboxControlError(`traffic profile ${name}: bytesPerPacket must be a number > 0`);
    }
    // Connections on the profile keep the bytes they had; the new rate applies from now.
    const now = this.clock.nowMs();
    for (const record of this.connections.values()) if (record.profile === name) this.life.rebase(record, now);
    this.life.defineProfile(name, profile);
  }

  /** Every traffic profile by name. */
  public listProfiles(): Record<string, TrafficProfile> {
    return this.life.listProfiles();
  }

  /** Adds a connection. */
  public addConnection(spec: ConnectionSpec): ConnectionView {
    const endpoint = this.endpoints.get(spec.endpointId);
    if (!endpoint) throw new SandboxControlError(`connection on ${spec.endpointId}: no such endpoint`, 404);
    const profile = spec.profile ?? DEFAULT_PROFILE;
    const shape = this.life.profile(profile);
    const seq = this.nextSeq++;
    const connectionId = spec.connectionId ?? this.generateConnectionId(spec.endpointId, seq);
    if (!CONNECTION_ID.test(connectionId)) {
      throw new SandboxControlError(
        `connection id ${JSON.stringify(connectionId)}: expected "cvpn-connection-" followed by 8 to 17 hex digits`,
      );
    }
    if (this.connections.has(connectionId))
      throw new SandboxControlError(`connection ${connectionId} already exists`, 409);
    const now = this.clock.nowMs();
    const establishedAt = spec.establishedAt?.getTime() ?? now;
    const status = spec.status ?? ConnectionStatus.ACTIVE;
    const perPacket = shape.bytesPerPacket ?? DEFAULT_BYTES_PER_PACKET;
    const ingress = spec.ingressBytes ?? 0;
    const egress = spec.egressBytes ?? 0;
    const record: ConnectionRecord = {
      seq,
      endpointId: spec.endpointId,
      connectionId,
      username: spec.username,
      commonName: spec.commonName,
      clientIp: spec.clientIp ?? nextClientIp(endpoint),
      clientIpv6Address: spec.clientIpv6Address,
      establishedAt,
      profile,
      baseIngress: ingress,
      baseEgress: egress,
      basePacketsIn: Math.floor(ingress / perPacket),
      basePacketsOut: Math.floor(egress / perPacket),
      baseAt: establishedAt,
      status: status === ConnectionStatus.TERMINATING ? ConnectionStatus.ACTIVE : status,
      statusMessage: spec.statusMessage,
      failTermination: spec.failTermination ?? false,
      postureComplianceStatuses: [...(spec.postureComplianceStatuses ?? [])],
    };
    if (status === ConnectionStatus.TERMINATED) record.endedAt = spec.endedAt?.getTime() ?? now;
    if (status === ConnectionStatus.TERMINATING) record.terminationRequestedAt = now;
    this.connections.set(connectionId, record);
    return this.life.view(record, now);
  }

  /** One connection as it is now. */
  public getConnection(connectionId: string): ConnectionView {
    return this.life.view(this.record(connectionId), this.clock.nowMs());
  }

  /** Every connection as it is now (ended ones included, however old), optionally of one endpoint. */
  public listConnections(endpointId?: string): ConnectionView[] {
    const now = this.clock.nowMs();
    return [...this.connections.values()]
      .filter((record) => endpointId === undefined || record.endpointId === endpointId)
      .map((record) => this.life.view(record, now));
  }

  /** Changes a live connection: its traffic profile, identity, status message, posture, or a burst of bytes. */
  public modifyConnection(connectionId: string, patch: ConnectionPatch): ConnectionView {
    const record = this.record(connectionId);
    const now = this.clock.nowMs();
    this.life.rebase(record, now);
    if (patch.profile !== undefined) {
      this.life.profile(patch.profile);
      record.profile = patch.profile;
    }
    if (patch.username !== undefined) record.username = patch.username || undefined;
    if (patch.commonName !== undefined) record.commonName = patch.commonName || undefined;
    if (patch.clientIp !== undefined) record.clientIp = patch.clientIp;
    if (patch.statusMessage !== undefined) record.statusMessage = patch.statusMessage || undefined;
    if (patch.postureComplianceStatuses !== undefined)
      record.postureComplianceStatuses = [...patch.postureComplianceStatuses];
    if (patch.failTermination !== undefined) record.failTermination = patch.failTermination;
    const perPacket = this.life.profile(record.profile).bytesPerPacket ?? DEFAULT_BYTES_PER_PACKET;
    if (patch.addIngressBytes) {
      record.baseIngress += patch.addIngressBytes;
      record.basePacketsIn += Math.floor(patch.addIngressBytes / perPacket);
    }
    if (patch.addEgressBytes) {
      record.baseEgress += patch.addEgressBytes;
      record.basePacketsOut += Math.floor(patch.addEgressBytes / perPacket);
    }
    return this.life.view(record, now);
  }

  /**
   * A client connects, as Client VPN admits it: at once with no client connect handler; with one, after invoking
   * it (the v2 request, 30 s at most) and reading its answer strictly. Admitted, it is a new `active` connection.
   */
  public connect(input: ConnectAttemptInput): Promise<ConnectAttemptResult> {
    return this.connectAttempts.connect(input);
  }

  /** The client hangs up: the connection ends now (`terminated`, with an end time). */
  public disconnect(connectionId: string): ConnectionView {
    const record = this.record(connectionId);
    const now = this.clock.nowMs();
    if (this.life.statusAt(record, now) !== ConnectionStatus.TERMINATED) {
      this.life.rebase(record, now);
      record.endedAt = now;
      record.terminationRequestedAt = undefined;
      record.status = ConnectionStatus.TERMINATED;
    }
    return this.life.view(record, now);
  }

  /** The throttling in force. */
  public throttlingConfig(): ThrottlingConfig {
    return this.throttling.current();
  }

  /** Changes the throttling (what is not given stays); buckets start full with the new sizes. */
  public configureThrottling(options: ThrottlingOptions): ThrottlingConfig {
    return this.throttling.configure(options);
  }

  /** Refills every bucket. */
  public resetThrottling(): void {
    this.throttling.refill();
  }

  /** Tokens left in an action's bucket now. */
  public tokensLeft(action: string): number {
    return this.throttling.tokensLeft(action);
  }

  /** Changes paging (what is not given stays). */
  public configurePagination(options: PaginationOptions): void {
    this.paging.configure(options);
  }

  /**
   * Forgets every endpoint, connection, connection attempt, custom profile, denial and bucket; throttling and
   * paging go back to the constructor's options.
   */
  public reset(): void {
    this.throttling.restore();
    this.paging.restore();
    this.endpoints.clear();
    this.connections.clear();
    this.life.resetProfiles();
    this.permissions.clear();
    this.connectAttempts.clear();
    this.nextSeq = 1;
  }

  // ----- the EC2 actions (Ec2Actions) -----

  /** Takes a token from the action's bucket or answers RequestLimitExceeded. */
  public admit(action: string): void {
    this.actions.admit(action);
  }

  /** DescribeClientVpnEndpoints. */
  public describeClientVpnEndpoints(input: DescribeEndpointsInput): { endpoints: EndpointView[]; nextToken?: string } {
    return this.actions.describeClientVpnEndpoints(input);
  }

  /** DescribeClientVpnConnections: active connections and those ended within the retention window. */
  public describeClientVpnConnections(input: DescribeConnectionsInput): {
    connections: ConnectionView[];
    nextToken?: string;
  } {
    return this.actions.describeClientVpnConnections(input);
  }

  /** TerminateClientVpnConnections: by ConnectionId, or by Username for a user with at most five active connections. */
  public terminateClientVpnConnections(input: TerminateInput): TerminateOutput {
    return this.actions.terminateClientVpnConnections(input);
  }

  /** ModifyClientVpnEndpoint: attaches or detaches the endpoint's client connect handler (`ClientConnectOptions`). */
  public modifyClientVpnEndpoint(input: ModifyEndpointInput): void {
    this.actions.modifyClientVpnEndpoint(input);
  }

  private record(connectionId: string): ConnectionRecord {
    const record = this.connections.get(connectionId);
    if (!record) throw new SandboxControlError(`no connection ${connectionId}`, 404);
    return record;
  }

  private generateConnectionId(endpointId: string, seq: number): string {
    let salt = 0;
    let id: string;
    do {
      id = `cvpn-connection-${hexDigest(`${endpointId}#${seq}#${salt++}`, 17)}`;
    } while (this.connections.has(id));
    return id;
  }
}

function nextClientIp(endpoint: EndpointRecord): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(endpoint.clientCidrBlock);
  if (!match) return undefined;
  const base = match.slice(1, 5).reduce((acc, part) => acc * 256 + Number(part), 0);
  const address = base + endpoint.nextHost++;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

function hexDigest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Re-exported so callers of the emulator can tell its API errors apart. */
export { Ec2ApiError };
