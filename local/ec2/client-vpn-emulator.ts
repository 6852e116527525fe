import { createHash } from 'node:crypto';
import { ConnectionStatus, MAX_CONNECTIONS_PER_USERNAME_CALL } from '../../lambda/domain/constants.js';
import { SimulatedClock } from '../clock.js';
import { CallCounters } from '../counters.js';
import { SandboxControlError } from '../errors.js';
import { FaultInjector } from '../faults.js';
import { isEc2Describe } from '../services.js';
import { Ec2Action } from './actions.js';
import { Ec2ApiError, ec2Errors } from './errors.js';
import {
  AuthenticationType,
  BUILT_IN_PROFILES,
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
import { Permissions } from './permissions.js';
import { type BucketSize, TokenBucket } from './token-bucket.js';
import { ENDPOINT_ID_PATTERN as ENDPOINT_ID } from '../../lambda/domain/constants.js';

/** EC2's throttling, per action, with the bucket sizes of the action's class. */
export interface ThrottlingOptions {
  /** @default true */
  readonly enabled?: boolean;
  /** Mutating actions (TerminateClientVpnConnections). @default { burst: 50, refillPerSecond: 5 } */
  readonly mutating?: BucketSize;
  /** Describe actions. @default { burst: 100, refillPerSecond: 20 } */
  readonly describe?: BucketSize;
}

/** The throttling in force. */
export interface ThrottlingConfig {
  readonly enabled: boolean;
  readonly mutating: BucketSize;
  readonly describe: BucketSize;
}

/** AWS's default bucket sizes for the two classes (Amazon EC2 developer guide, "Request throttling"). */
export const DEFAULT_THROTTLING: ThrottlingConfig = {
  enabled: true,
  mutating: { burst: 50, refillPerSecond: 5 },
  describe: { burst: 100, refillPerSecond: 20 },
};

/** How describe calls page. */
export interface PaginationOptions {
  /** Page size when the request has no MaxResults. @default 1000 */
  readonly defaultPageSize?: number;
  /** Never return more than this many items a page, whatever MaxResults says (to exercise pagination). @default none */
  readonly pageSizeCap?: number;
}

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
}

/** A describe filter. */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** DescribeClientVpnEndpoints input. */
export interface DescribeEndpointsInput {
  readonly endpointIds?: readonly string[];
  readonly filters?: readonly Ec2Filter[];
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly dryRun?: boolean;
}

/** DescribeClientVpnConnections input. */
export interface DescribeConnectionsInput {
  readonly endpointId?: string;
  readonly filters?: readonly Ec2Filter[];
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly dryRun?: boolean;
}

/** TerminateClientVpnConnections input. */
export interface TerminateInput {
  readonly endpointId?: string;
  readonly connectionId?: string;
  readonly username?: string;
  readonly dryRun?: boolean;
}

/** A status as EC2 reports it. */
export interface StatusView {
  readonly code: string;
  readonly message?: string;
}

/** TerminateClientVpnConnections output. */
export interface TerminateOutput {
  readonly endpointId: string;
  readonly username?: string;
  readonly statuses: readonly { connectionId: string; previous: StatusView; current: StatusView }[];
}

interface ConnectionRecord {
  readonly seq: number;
  readonly endpointId: string;
  readonly connectionId: string;
  username?: string;
  commonName?: string;
  clientIp?: string;
  clientIpv6Address?: string;
  readonly establishedAt: number;
  profile: string;
  /** Counters at `baseAt`; traffic grows from there by the profile. */
  baseIngress: number;
  baseEgress: number;
  basePacketsIn: number;
  basePacketsOut: number;
  baseAt: number;
  /** A status set directly (scenario or patch); the lifecycle below overrides it. */
  status: ConnectionStatus;
  statusMessage?: string;
  endedAt?: number;
  terminationRequestedAt?: number;
  failTermination: boolean;
  postureComplianceStatuses: string[];
}

interface EndpointRecord extends EndpointView {
  readonly seq: number;
  nextHost: number;
}

const CONNECTION_ID = /^cvpn-connection-[0-9a-f]{8,17}$/;
const MIN_RESULTS = 5;
const MAX_RESULTS = 1000;
const ENDPOINT_FILTERS = new Set(['endpoint-id', 'transport-protocol']);
const CONNECTION_FILTERS = new Set(['connection-id', 'username']);

/**
 * The AWS Client VPN emulator: endpoints, connections and their simulated life, and the three EC2
 * actions the product calls, with EC2's validation, errors, throttling and permissions. The HTTP
 * side (`Ec2QueryHandler`) turns the Query protocol into calls of the action methods here.
 */
export class ClientVpnEmulator {
  public readonly clock: SimulatedClock;
  public readonly region: string;
  public readonly permissions = new Permissions();
  public readonly counters: CallCounters;
  public readonly faults: FaultInjector;

  private readonly terminationDelayMs: number;
  private readonly endedRetentionMs: number;
  private readonly initialPagination: Required<Pick<PaginationOptions, 'defaultPageSize'>> & PaginationOptions;
  private readonly initialThrottling: ThrottlingConfig;
  private pagination: Required<Pick<PaginationOptions, 'defaultPageSize'>> & PaginationOptions;
  private throttling: ThrottlingConfig;
  private buckets = new Map<string, TokenBucket>();
  private endpoints = new Map<string, EndpointRecord>();
  private connections = new Map<string, ConnectionRecord>();
  private profiles = new Map<string, TrafficProfile>(Object.entries(BUILT_IN_PROFILES));
  private nextSeq = 1;

  constructor(options: ClientVpnEmulatorOptions = {}) {
    this.clock = options.clock ?? new SimulatedClock();
    this.region = options.region ?? 'us-east-1';
    this.counters = options.counters ?? new CallCounters();
    this.faults = options.faults ?? new FaultInjector();
    this.terminationDelayMs = options.terminationDelayMs ?? 5000;
    this.endedRetentionMs = options.endedRetentionMs ?? 3_600_000;
    this.initialPagination = { defaultPageSize: MAX_RESULTS, ...options.pagination };
    this.initialThrottling = mergeThrottling(DEFAULT_THROTTLING, options.throttling);
    this.pagination = this.initialPagination;
    this.throttling = this.initialThrottling;
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
    for (const record of this.connections.values()) if (record.profile === name) this.rebase(record, now);
    this.profiles.set(name, { ...profile });
  }

  /** Every traffic profile by name. */
  public listProfiles(): Record<string, TrafficProfile> {
    return Object.fromEntries(this.profiles);
  }

  /** Adds a connection. */
  public addConnection(spec: ConnectionSpec): ConnectionView {
    const endpoint = this.endpoints.get(spec.endpointId);
    if (!endpoint) throw new SandboxControlError(`connection on ${spec.endpointId}: no such endpoint`, 404);
    const profile = spec.profile ?? DEFAULT_PROFILE;
    const shape = this.profile(profile);
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
    return this.view(record, now);
  }

  /** One connection as it is now. */
  public getConnection(connectionId: string): ConnectionView {
    return this.view(this.record(connectionId), this.clock.nowMs());
  }

  /** Every connection as it is now (ended ones included, however old), optionally of one endpoint. */
  public listConnections(endpointId?: string): ConnectionView[] {
    const now = this.clock.nowMs();
    return [...this.connections.values()]
      .filter((record) => endpointId === undefined || record.endpointId === endpointId)
      .map((record) => this.view(record, now));
  }

  /** Changes a live connection: its traffic profile, identity, status message, posture, or a burst of bytes. */
  public modifyConnection(connectionId: string, patch: ConnectionPatch): ConnectionView {
    const record = this.record(connectionId);
    const now = this.clock.nowMs();
    this.rebase(record, now);
    if (patch.profile !== undefined) {
      this.profile(patch.profile);
      record.profile = patch.profile;
    }
    if (patch.username !== undefined) record.username = patch.username || undefined;
    if (patch.commonName !== undefined) record.commonName = patch.commonName || undefined;
    if (patch.clientIp !== undefined) record.clientIp = patch.clientIp;
    if (patch.statusMessage !== undefined) record.statusMessage = patch.statusMessage || undefined;
    if (patch.postureComplianceStatuses !== undefined)
      record.postureComplianceStatuses = [...patch.postureComplianceStatuses];
    if (patch.failTermination !== undefined) record.failTermination = patch.failTermination;
    const perPacket = this.profile(record.profile).bytesPerPacket ?? DEFAULT_BYTES_PER_PACKET;
    if (patch.addIngressBytes) {
      record.baseIngress += patch.addIngressBytes;
      record.basePacketsIn += Math.floor(patch.addIngressBytes / perPacket);
    }
    if (patch.addEgressBytes) {
      record.baseEgress += patch.addEgressBytes;
      record.basePacketsOut += Math.floor(patch.addEgressBytes / perPacket);
    }
    return this.view(record, now);
  }

  /** The client hangs up: the connection ends now (`terminated`, with an end time). */
  public disconnect(connectionId: string): ConnectionView {
    const record = this.record(connectionId);
    const now = this.clock.nowMs();
    if (this.statusAt(record, now) !== ConnectionStatus.TERMINATED) {
      this.rebase(record, now);
      record.endedAt = now;
      record.terminationRequestedAt = undefined;
      record.status = ConnectionStatus.TERMINATED;
    }
    return this.view(record, now);
  }

  /** The throttling in force. */
  public throttlingConfig(): ThrottlingConfig {
    return { ...this.throttling, mutating: { ...this.throttling.mutating }, describe: { ...this.throttling.describe } };
  }

  /** Changes the throttling (what is not given stays); buckets start full with the new sizes. */
  public configureThrottling(options: ThrottlingOptions): ThrottlingConfig {
    this.throttling = mergeThrottling(this.throttling, options);
    this.buckets.clear();
    return this.throttlingConfig();
  }

  /** Refills every bucket. */
  public resetThrottling(): void {
    this.buckets.clear();
  }

  /** Tokens left in an action's bucket now. */
  public tokensLeft(action: string): number {
    return this.bucket(action).available(this.clock.nowMs());
  }

  /** Changes paging (what is not given stays). */
  public configurePagination(options: PaginationOptions): void {
    this.pagination = { ...this.pagination, ...options };
  }

  /** Forgets every endpoint, connection, custom profile, denial and bucket; throttling and paging go back to the constructor's options. */
  public reset(): void {
    this.throttling = this.initialThrottling;
    this.pagination = this.initialPagination;
    this.endpoints.clear();
    this.connections.clear();
    this.profiles = new Map(Object.entries(BUILT_IN_PROFILES));
    this.permissions.clear();
    this.buckets.clear();
    this.nextSeq = 1;
  }

  // ----- the EC2 actions -----

  /** Takes a token from the action's bucket or answers RequestLimitExceeded. */
  public admit(action: string): void {
    if (!this.throttling.enabled) return;
    if (!this.bucket(action).take(this.clock.nowMs())) throw ec2Errors.throttled();
  }

  /** DescribeClientVpnEndpoints. */
  public describeClientVpnEndpoints(input: DescribeEndpointsInput): { endpoints: EndpointView[]; nextToken?: string } {
    const pageSize = this.pageSize(input.maxResults);
    const filters = checkFilters(input.filters, ENDPOINT_FILTERS);
    this.authorize(Ec2Action.DESCRIBE_CLIENT_VPN_ENDPOINTS, undefined, input.dryRun);
    for (const id of input.endpointIds ?? []) if (!this.endpoints.has(id)) throw ec2Errors.endpointNotFound(id);
    const after = this.readToken(input.nextToken, 'e', '');
    const ids = input.endpointIds && input.endpointIds.length > 0 ? new Set(input.endpointIds) : undefined;
    const matching = [...this.endpoints.values()].filter(
      (endpoint) =>
        endpoint.seq > after &&
        (!ids || ids.has(endpoint.id)) &&
        filters.every((filter) => filter.values.includes(endpointFilterValue(endpoint, filter.name))),
    );
    const page = matching.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      endpoints: page.map(endpointView),
      nextToken: matching.length > pageSize && last ? this.writeToken('e', '', last.seq) : undefined,
    };
  }

  /** DescribeClientVpnConnections: active connections and those ended within the retention window. */
  public describeClientVpnConnections(input: DescribeConnectionsInput): {
    connections: ConnectionView[];
    nextToken?: string;
  } {
    const endpointId = required(input.endpointId, 'ClientVpnEndpointId');
    const pageSize = this.pageSize(input.maxResults);
    const filters = checkFilters(input.filters, CONNECTION_FILTERS);
    this.authorize(Ec2Action.DESCRIBE_CLIENT_VPN_CONNECTIONS, endpointId, input.dryRun);
    if (!this.endpoints.has(endpointId)) throw ec2Errors.endpointNotFound(endpointId);
    const after = this.readToken(input.nextToken, 'c', endpointId);
    const now = this.clock.nowMs();
    const matching = [...this.connections.values()].filter((record) => {
      if (record.endpointId !== endpointId || record.seq <= after) return false;
      const endedAt = this.endedAt(record, now);
      if (endedAt !== undefined && now - endedAt > this.endedRetentionMs) return false;
      return filters.every((filter) =>
        filter.values.includes((filter.name === 'connection-id' ? record.connectionId : record.username) ?? ''),
      );
    });
    const page = matching.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      connections: page.map((record) => this.view(record, now)),
      nextToken: matching.length > pageSize && last ? this.writeToken('c', endpointId, last.seq) : undefined,
    };
  }

  /** TerminateClientVpnConnections: by ConnectionId, or by Username for a user with at most five active connections. */
  public terminateClientVpnConnections(input: TerminateInput): TerminateOutput {
    const endpointId = required(input.endpointId, 'ClientVpnEndpointId');
    if (input.connectionId !== undefined && input.username !== undefined) {
      throw ec2Errors.invalidCombination('Specify either ConnectionId or Username, not both.');
    }
    if (input.connectionId === undefined && input.username === undefined) {
      throw ec2Errors.missingParameter('ConnectionId or Username');
    }
    this.authorize(Ec2Action.TERMINATE_CLIENT_VPN_CONNECTIONS, endpointId, input.dryRun);
    if (!this.endpoints.has(endpointId)) throw ec2Errors.endpointNotFound(endpointId);
    const now = this.clock.nowMs();
    let targets: ConnectionRecord[];
    if (input.connectionId !== undefined) {
      const record = this.connections.get(input.connectionId);
      const endedAt = record ? this.endedAt(record, now) : undefined;
      const forgotten = endedAt !== undefined && now - endedAt > this.endedRetentionMs;
      if (!record || record.endpointId !== endpointId || forgotten) {
        throw ec2Errors.connectionNotFound(input.connectionId, endpointId);
      }
      targets = [record];
    } else {
      const username = input.username ?? '';
      targets = [...this.connections.values()].filter(
        (record) =>
          record.endpointId === endpointId &&
          record.username === username &&
          this.statusAt(record, now) === ConnectionStatus.ACTIVE,
      );
      if (targets.length === 0) throw ec2Errors.userNotFound(username, endpointId);
      if (targets.length > MAX_CONNECTIONS_PER_USERNAME_CALL) {
        throw ec2Errors.terminateLimitExceeded(username, targets.length, MAX_CONNECTIONS_PER_USERNAME_CALL);
      }
    }
    const statuses = targets.map((record) => {
      const previous = this.statusView(record, now);
      if (previous.code === ConnectionStatus.ACTIVE || previous.code === ConnectionStatus.FAILED_TO_TERMINATE) {
        this.rebase(record, now);
        record.terminationRequestedAt = now;
        record.status = ConnectionStatus.ACTIVE;
        record.statusMessage = undefined;
      }
      return { connectionId: record.connectionId, previous, current: this.statusView(record, now) };
    });
    const username = input.username ?? targets[0]?.username;
    return { endpointId, ...(username ? { username } : {}), statuses };
  }

  // ----- internals -----

  private authorize(action: string, endpointId: string | undefined, dryRun: boolean | undefined): void {
    if (this.permissions.isDenied(action, endpointId)) throw ec2Errors.unauthorized();
    if (dryRun) throw ec2Errors.dryRun();
  }

  private pageSize(maxResults: number | undefined): number {
    if (
      maxResults !== undefined &&
      (!Number.isInteger(maxResults) || maxResults < MIN_RESULTS || maxResults > MAX_RESULTS)
    ) {
      throw ec2Errors.invalidValue(
        `Value (${maxResults}) for parameter MaxResults is invalid. Expecting a value between ${MIN_RESULTS} and ${MAX_RESULTS}.`,
      );
    }
    const size = maxResults ?? this.pagination.defaultPageSize;
    return this.pagination.pageSizeCap ? Math.min(size, this.pagination.pageSizeCap) : size;
  }

  private writeToken(kind: string, scope: string, seq: number): string {
    return Buffer.from(JSON.stringify({ k: kind, s: scope, n: seq })).toString('base64url');
  }

  private readToken(token: string | undefined, kind: string, scope: string): number {
    if (token === undefined || token === '') return 0;
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        k?: unknown;
        s?: unknown;
        n?: unknown;
      };
      if (parsed.k === kind && parsed.s === scope && Number.isInteger(parsed.n)) return parsed.n as number;
    } catch {
      // answered below
    }
    throw ec2Errors.invalidPaginationToken(token);
  }

  private bucket(action: string): TokenBucket {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      const size = isEc2Describe(action) ? this.throttling.describe : this.throttling.mutating;
      bucket = new TokenBucket(size, this.clock.nowMs());
      this.buckets.set(action, bucket);
    }
    return bucket;
  }

  private record(connectionId: string): ConnectionRecord {
    const record = this.connections.get(connectionId);
    if (!record) throw new SandboxControlError(`no connection ${connectionId}`, 404);
    return record;
  }

  private profile(name: string): TrafficProfile {
    const profile = this.profiles.get(name);
    if (!profile) {
      throw new SandboxControlError(
        `traffic profile ${JSON.stringify(name)} is not defined; defined: ${[...this.profiles.keys()].join(', ')}`,
      );
    }
    return profile;
  }

  private generateConnectionId(endpointId: string, seq: number): string {
    let salt = 0;
    let id: string;
    do {
      id = `cvpn-connection-${hexDigest(`${endpointId}#${seq}#${salt++}`, 17)}`;
    } while (this.connections.has(id));
    return id;
  }

  /** When the connection ended (or will end, for a termination in progress that succeeds), if it has. */
  private endedAt(record: ConnectionRecord, now: number): number | undefined {
    if (record.terminationRequestedAt !== undefined && !record.failTermination) {
      const end = record.terminationRequestedAt + this.terminationDelayMs;
      return end <= now ? end : undefined;
    }
    return record.endedAt !== undefined && record.endedAt <= now ? record.endedAt : undefined;
  }

  private statusAt(record: ConnectionRecord, now: number): ConnectionStatus {
    if (record.terminationRequestedAt !== undefined) {
      if (now < record.terminationRequestedAt + this.terminationDelayMs) return ConnectionStatus.TERMINATING;
      return record.failTermination ? ConnectionStatus.FAILED_TO_TERMINATE : ConnectionStatus.TERMINATED;
    }
    if (record.endedAt !== undefined && record.endedAt <= now) return ConnectionStatus.TERMINATED;
    return record.status;
  }

  private statusView(record: ConnectionRecord, now: number): StatusView {
    const code = this.statusAt(record, now);
    return record.statusMessage ? { code, message: record.statusMessage } : { code };
  }

  /** Folds the traffic grown so far into the base counters, so a change applies from `now` on. */
  private rebase(record: ConnectionRecord, now: number): void {
    const traffic = this.traffic(record, now);
    record.baseIngress = traffic.ingressBytes;
    record.baseEgress = traffic.egressBytes;
    record.basePacketsIn = traffic.ingressPackets;
    record.basePacketsOut = traffic.egressPackets;
    record.baseAt = Math.max(record.baseAt, Math.min(now, this.endedAt(record, now) ?? now));
  }

  private traffic(record: ConnectionRecord, now: number) {
    const profile = this.profiles.get(record.profile) ??
      BUILT_IN_PROFILES.idle ?? { ingressBytesPerMinute: 0, egressBytesPerMinute: 0 };
    const until = Math.min(now, this.endedAt(record, now) ?? now);
    const minutes = Math.max(0, until - record.baseAt) / 60_000;
    const perPacket = profile.bytesPerPacket ?? DEFAULT_BYTES_PER_PACKET;
    const grownIn = Math.floor(profile.ingressBytesPerMinute * minutes);
    const grownOut = Math.floor(profile.egressBytesPerMinute * minutes);
    return {
      ingressBytes: record.baseIngress + grownIn,
      egressBytes: record.baseEgress + grownOut,
      ingressPackets: record.basePacketsIn + Math.floor(grownIn / perPacket),
      egressPackets: record.basePacketsOut + Math.floor(grownOut / perPacket),
    };
  }

  private view(record: ConnectionRecord, now: number): ConnectionView {
    const status = this.statusView(record, now);
    const endedAt = this.endedAt(record, now);
    return {
      endpointId: record.endpointId,
      connectionId: record.connectionId,
      username: record.username,
      commonName: record.commonName,
      clientIp: record.clientIp,
      clientIpv6Address: record.clientIpv6Address,
      ...this.traffic(record, now),
      establishedAt: new Date(record.establishedAt),
      endedAt: endedAt === undefined ? undefined : new Date(endedAt),
      // EC2 stamps an ended connection with its end time, a live one with the time of the description.
      timestamp: new Date(endedAt ?? now),
      status: status.code as ConnectionStatus,
      statusMessage: status.message,
      postureComplianceStatuses: [...record.postureComplianceStatuses],
      profile: record.profile,
    };
  }
}

function mergeThrottling(base: ThrottlingConfig, options: ThrottlingOptions | undefined): ThrottlingConfig {
  const merged = {
    enabled: options?.enabled ?? base.enabled,
    mutating: { ...base.mutating, ...options?.mutating },
    describe: { ...base.describe, ...options?.describe },
  };
  for (const [name, size] of [
    ['mutating', merged.mutating],
    ['describe', merged.describe],
  ] as const) {
    if (!(size.burst >= 1 && size.refillPerSecond >= 0)) {
      throw new SandboxControlError(
        `throttling.${name}: burst must be ≥ 1 and refillPerSecond ≥ 0; got ${JSON.stringify(size)}`,
      );
    }
  }
  return merged;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw ec2Errors.missingParameter(name);
  return value;
}

function checkFilters(filters: readonly Ec2Filter[] | undefined, allowed: ReadonlySet<string>): readonly Ec2Filter[] {
  for (const filter of filters ?? []) {
    if (!allowed.has(filter.name)) {
      throw ec2Errors.invalidValue(
        `The filter '${filter.name}' is invalid. Valid filters: ${[...allowed].join(', ')}.`,
      );
    }
    if (filter.values.length === 0) {
      throw ec2Errors.invalidValue(`The filter '${filter.name}' must have at least one value.`);
    }
  }
  return filters ?? [];
}

function endpointFilterValue(endpoint: EndpointRecord, name: string): string {
  return name === 'endpoint-id' ? endpoint.id : endpoint.transportProtocol;
}

function endpointView(record: EndpointRecord): EndpointView {
  const { seq: _seq, nextHost: _nextHost, ...view } = record;
  return {
    ...view,
    tags: { ...view.tags },
    authentication: [...view.authentication],
    dnsServers: [...view.dnsServers],
  };
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
