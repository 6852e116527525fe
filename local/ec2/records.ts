import type { ConnectionStatus } from '../../lambda/domain/constants.js';
import type { ClientConnectOptionsView, EndpointView } from './model.js';

/** A connection as the emulator keeps it; its admin API and its EC2 actions share the record. */
export interface ConnectionRecord {
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
  /** A status set directly (scenario or patch); the lifecycle (`ConnectionLife`) overrides it. */
  status: ConnectionStatus;
  statusMessage?: string;
  endedAt?: number;
  terminationRequestedAt?: number;
  failTermination: boolean;
  postureComplianceStatuses: string[];
}

/** An endpoint as the emulator keeps it: what EC2 describes, the order it was added in, its next client address. */
export interface EndpointRecord extends EndpointView {
  readonly seq: number;
  nextHost: number;
  /** Replaced by ModifyClientVpnEndpoint. */
  clientConnect: ClientConnectOptionsView;
}

/** An endpoint as EC2 describes it: a copy, so no caller can change the record. */
export function endpointView(record: EndpointRecord): EndpointView {
  const { seq: _seq, nextHost: _nextHost, ...view } = record;
  return {
    ...view,
    tags: { ...view.tags },
    authentication: [...view.authentication],
    dnsServers: [...view.dnsServers],
    clientConnect: { ...view.clientConnect, status: { ...view.clientConnect.status } },
  };
}
