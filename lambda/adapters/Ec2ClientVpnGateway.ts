import {
  type ClientVpnConnection,
  type EC2Client,
  type Filter,
  TerminateClientVpnConnectionsCommand,
  paginateDescribeClientVpnConnections,
  paginateDescribeClientVpnEndpoints,
} from '@aws-sdk/client-ec2';
import { type Connection, ConnectionStatus, type TerminationCall } from '../domain/index.js';
import type {
  ClientVpnEndpoint,
  ClientVpnGateway,
  ConnectionCounter,
  EndpointSelection,
  TerminateOptions,
  TerminationResult,
} from '../ports/index.js';
import { toClientVpnError } from './aws-errors.js';

/** EC2 returns at most this many items a page; asking for the maximum keeps describe calls minimal. */
const PAGE_SIZE = 1000;

/** Client VPN over @aws-sdk/client-ec2. */
export class Ec2ClientVpnGateway implements ClientVpnGateway, ConnectionCounter {
  constructor(
    private readonly ec2: EC2Client,
    /** Time of observation when EC2 leaves out a connection's establishment time. */
    private readonly now: () => Date = () => new Date(),
    /** The client terminate calls go through. @default the describe client */
    private readonly terminateEc2: EC2Client = ec2,
  ) {}

  public async listEndpoints(selection: EndpointSelection): Promise<ClientVpnEndpoint[]> {
    const endpoints: ClientVpnEndpoint[] = [];
    try {
      // Listed without ids: an unknown id would fail the whole call, and the run reports it by name instead.
      for await (const page of paginateDescribeClientVpnEndpoints({ client: this.ec2, pageSize: PAGE_SIZE }, {})) {
        for (const endpoint of page.ClientVpnEndpoints ?? []) {
          if (!endpoint.ClientVpnEndpointId) continue;
          const tags = Object.fromEntries((endpoint.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
          endpoints.push({ endpointId: endpoint.ClientVpnEndpointId, tags });
        }
      }
    } catch (error) {
      throw toClientVpnError(error, 'DescribeClientVpnEndpoints failed');
    }
    return endpoints.filter((endpoint) => isSelected(endpoint, selection));
  }

  public async listConnections(endpointId: string): Promise<Connection[]> {
    return this.describeConnections(endpointId, undefined);
  }

  public async getConnection(endpointId: string, connectionId: string): Promise<Connection | undefined> {
    const found = await this.describeConnections(endpointId, [{ Name: 'connection-id', Values: [connectionId] }]);
    return found.find((connection) => connection.connectionId === connectionId);
  }

  public async countActive(endpointId: string, username: string, exceptConnectionId: string): Promise<number> {
    // EC2's filter matches the user name exactly; the check below keeps the count right should it not.
    const found = await this.describeConnections(endpointId, [{ Name: 'username', Values: [username] }]);
    return found.filter(
      (connection) =>
        connection.status === ConnectionStatus.ACTIVE &&
        connection.username === username &&
        connection.connectionId !== exceptConnectionId,
    ).length;
  }

  public async terminate(call: TerminationCall, options: TerminateOptions = {}): Promise<TerminationResult> {
    const target = call.by === 'username' ? { Username: call.username } : { ConnectionId: call.connectionId };
    try {
      const output = await this.terminateEc2.send(
        new TerminateClientVpnConnectionsCommand({
          ClientVpnEndpointId: call.endpointId,
          ...target,
          DryRun: options.dryRun,
        }),
      );
      return {
        requestId: output.$metadata.requestId,
        attempts: output.$metadata.attempts ?? 1,
        statuses: (output.ConnectionStatuses ?? []).flatMap((status) =>
          status.ConnectionId
            ? [
                {
                  connectionId: status.ConnectionId,
                  previousStatus: status.PreviousStatus?.Code,
                  currentStatus: status.CurrentStatus?.Code,
                },
              ]
            : [],
        ),
      };
    } catch (error) {
      throw toClientVpnError(error, `TerminateClientVpnConnections on ${call.endpointId} failed`);
    }
  }

  private async describeConnections(endpointId: string, filters: Filter[] | undefined): Promise<Connection[]> {
    const connections: Connection[] = [];
    const seenTokens = new Set<string>();
    try {
      const pages = paginateDescribeClientVpnConnections(
        { client: this.ec2, pageSize: PAGE_SIZE },
        { ClientVpnEndpointId: endpointId, Filters: filters },
      );
      for await (const page of pages) {
        for (const raw of page.Connections ?? []) {
          const connection = toConnection(endpointId, raw, this.now);
          if (connection) connections.push(connection);
        }
        // A NextToken EC2 already gave is a loop: stop rather than read forever.
        if (page.NextToken) {
          if (seenTokens.has(page.NextToken)) break;
          seenTokens.add(page.NextToken);
        }
      }
    } catch (error) {
      throw toClientVpnError(error, `DescribeClientVpnConnections on ${endpointId} failed`);
    }
    return connections;
  }
}

function isSelected(endpoint: ClientVpnEndpoint, selection: EndpointSelection): boolean {
  if (selection.endpointIds && !selection.endpointIds.includes(endpoint.endpointId)) return false;
  if (selection.tag && endpoint.tags[selection.tag.key] !== selection.tag.value) return false;
  return true;
}

/**
 * EC2's ClientVpnConnection as the domain's Connection. A connection without an id cannot be acted
 * on and is left out. Missing fields fall back to the values that can never end a session wrongly:
 * no establishment time counts as established now, unreadable byte counters as unknown traffic.
 */
export function toConnection(endpointId: string, raw: ClientVpnConnection, now: () => Date): Connection | undefined {
  if (!raw.ConnectionId) return undefined;
  return {
    endpointId,
    connectionId: raw.ConnectionId,
    username: raw.Username || undefined,
    commonName: raw.CommonName || undefined,
    clientIp: raw.ClientIp || undefined,
    ingressBytes: parseCounter(raw.IngressBytes),
    egressBytes: parseCounter(raw.EgressBytes),
    establishedAt: parseEc2Time(raw.ConnectionEstablishedTime) ?? parseEc2Time(raw.Timestamp) ?? now(),
    status: raw.Status?.Code ?? 'unknown',
  };
}

/** A byte counter as EC2 sends it (a decimal string); NaN when absent or unreadable. */
function parseCounter(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return Number.NaN;
  return Number(value.trim());
}

/** EC2 writes Client VPN times as `YYYY-MM-DD HH:MM:SS` in UTC; ISO 8601 is accepted too. */
export function parseEc2Time(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const text = value.trim().replace(' ', 'T');
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
