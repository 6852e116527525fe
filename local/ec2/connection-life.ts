import { ConnectionStatus } from '../../lambda/domain/constants.js';
import { SandboxControlError } from '../errors.js';
import {
  BUILT_IN_PROFILES,
  type ConnectionView,
  DEFAULT_BYTES_PER_PACKET,
  type StatusView,
  type TrafficProfile,
} from './model.js';
import type { ConnectionRecord } from './records.js';

/**
 * The simulated life of a connection: a termination takes `terminationDelayMs` of simulated time and
 * ends in `terminated` (or `failed-to-terminate`), an ended connection is described for
 * `endedRetentionMs`, and the byte and packet counters grow by the connection's traffic profile.
 */
export class ConnectionLife {
  private profiles = new Map<string, TrafficProfile>(Object.entries(BUILT_IN_PROFILES));

  constructor(
    private readonly terminationDelayMs: number,
    private readonly endedRetentionMs: number,
  ) {}

  /** A defined traffic profile; a control error naming the defined ones otherwise. */
  public profile(name: string): TrafficProfile {
    const profile = this.profiles.get(name);
    if (!profile) {
      throw new SandboxControlError(
        `traffic profile ${JSON.stringify(name)} is not defined; defined: ${[...this.profiles.keys()].join(', ')}`,
      );
    }
    return profile;
  }

  /** Defines (or redefines) a traffic profile; connections on it take the new rate from their next rebase. */
  public defineProfile(name: string, profile: TrafficProfile): void {
    this.profiles.set(name, { ...profile });
  }

  /** Every traffic profile by name. */
  public listProfiles(): Record<string, TrafficProfile> {
    return Object.fromEntries(this.profiles);
  }

  /** Back to the built-in profiles only. */
  public resetProfiles(): void {
    this.profiles = new Map(Object.entries(BUILT_IN_PROFILES));
  }

  /** When the connection ended (or will end, for a termination in progress that succeeds), if it has. */
  public endedAt(record: ConnectionRecord, now: number): number | undefined {
    if (record.terminationRequestedAt !== undefined && !record.failTermination) {
      const end = record.terminationRequestedAt + this.terminationDelayMs;
      return end <= now ? end : undefined;
    }
    return record.endedAt !== undefined && record.endedAt <= now ? record.endedAt : undefined;
  }

  /** True when the connection ended longer ago than EC2 still describes it. */
  public forgotten(record: ConnectionRecord, now: number): boolean {
    const endedAt = this.endedAt(record, now);
    return endedAt !== undefined && now - endedAt > this.endedRetentionMs;
  }

  /** The connection's status at `now`. */
  public statusAt(record: ConnectionRecord, now: number): ConnectionStatus {
    if (record.terminationRequestedAt !== undefined) {
      if (now < record.terminationRequestedAt + this.terminationDelayMs) return ConnectionStatus.TERMINATING;
      return record.failTermination ? ConnectionStatus.FAILED_TO_TERMINATE : ConnectionStatus.TERMINATED;
    }
    if (record.endedAt !== undefined && record.endedAt <= now) return ConnectionStatus.TERMINATED;
    return record.status;
  }

  /** The connection's status at `now` as EC2 reports it, with its message. */
  public statusView(record: ConnectionRecord, now: number): StatusView {
    const code = this.statusAt(record, now);
    return record.statusMessage ? { code, message: record.statusMessage } : { code };
  }

  /** Folds the traffic grown so far into the base counters, so a change applies from `now` on. */
  public rebase(record: ConnectionRecord, now: number): void {
    const traffic = this.traffic(record, now);
    record.baseIngress = traffic.ingressBytes;
    record.baseEgress = traffic.egressBytes;
    record.basePacketsIn = traffic.ingressPackets;
    record.basePacketsOut = traffic.egressPackets;
    record.baseAt = Math.max(record.baseAt, Math.min(now, this.endedAt(record, now) ?? now));
  }

  /** The connection as EC2 describes it at `now`. */
  public view(record: ConnectionRecord, now: number): ConnectionView {
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
}
