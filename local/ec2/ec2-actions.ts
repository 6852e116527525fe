import { ConnectionStatus, MAX_CONNECTIONS_PER_USERNAME_CALL } from '../../lambda/domain/constants.js';
import type { SimulatedClock } from '../clock.js';
import { Ec2Action } from './actions.js';
import {
  type ClientConnectFunctions,
  type ClientConnectOptionsInput,
  checkClientConnectOptions,
} from './client-connect.js';
import type { ConnectionLife } from './connection-life.js';
import { ec2Errors } from './errors.js';
import type { ConnectionView, EndpointView, StatusView } from './model.js';
import { type Paging, readPageToken, writePageToken } from './paging.js';
import type { Permissions } from './permissions.js';
import { type ConnectionRecord, type EndpointRecord, endpointView } from './records.js';
import type { Throttling } from './throttling.js';

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

/** ModifyClientVpnEndpoint input: the emulator changes `ClientConnectOptions` only. */
export interface ModifyEndpointInput {
  readonly endpointId?: string;
  readonly clientConnectOptions?: ClientConnectOptionsInput;
  readonly dryRun?: boolean;
}

/** TerminateClientVpnConnections output. */
export interface TerminateOutput {
  readonly endpointId: string;
  readonly username?: string;
  readonly statuses: readonly { connectionId: string; previous: StatusView; current: StatusView }[];
}

/** What the EC2 actions work on: the emulator's state, which its admin API changes. */
export interface Ec2ActionState {
  readonly clock: SimulatedClock;
  readonly region: string;
  /** The account the endpoints are in (a client connect handler must be in it too). */
  readonly accountId: string;
  /** Lambda, for the client connect handlers; without it no function exists. */
  readonly functions?: ClientConnectFunctions;
  readonly endpoints: ReadonlyMap<string, EndpointRecord>;
  readonly connections: ReadonlyMap<string, ConnectionRecord>;
  readonly life: ConnectionLife;
  readonly permissions: Permissions;
  readonly throttling: Throttling;
  readonly paging: Paging;
}

const ENDPOINT_FILTERS = new Set(['endpoint-id', 'transport-protocol']);
const CONNECTION_FILTERS = new Set(['connection-id', 'username']);

/**
 * The EC2 actions of Client VPN the emulator answers (the three the product calls, and ModifyClientVpnEndpoint for
 * the client connect handler), as EC2 answers them: validation, errors, throttling, permissions, DryRun and paging.
 * The HTTP side (`Ec2QueryHandler`) turns the Query protocol into these calls.
 */
export class Ec2Actions {
  constructor(private readonly state: Ec2ActionState) {}

  /** Takes a token from the action's bucket or answers RequestLimitExceeded. */
  public admit(action: string): void {
    this.state.throttling.admit(action);
  }

  /** DescribeClientVpnEndpoints. */
  public describeClientVpnEndpoints(input: DescribeEndpointsInput): { endpoints: EndpointView[]; nextToken?: string } {
    const pageSize = this.state.paging.pageSize(input.maxResults);
    const filters = checkFilters(input.filters, ENDPOINT_FILTERS);
    this.authorize(Ec2Action.DESCRIBE_CLIENT_VPN_ENDPOINTS, undefined, input.dryRun);
    for (const id of input.endpointIds ?? []) if (!this.state.endpoints.has(id)) throw ec2Errors.endpointNotFound(id);
    const after = readPageToken(input.nextToken, 'e', '');
    const ids = input.endpointIds && input.endpointIds.length > 0 ? new Set(input.endpointIds) : undefined;
    const matching = [...this.state.endpoints.values()].filter(
      (endpoint) =>
        endpoint.seq > after &&
        (!ids || ids.has(endpoint.id)) &&
        filters.every((filter) => filter.values.includes(endpointFilterValue(endpoint, filter.name))),
    );
    const page = matching.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      endpoints: page.map(endpointView),
      nextToken: matching.length > pageSize && last ? writePageToken('e', '', last.seq) : undefined,
    };
  }

  /** DescribeClientVpnConnections: active connections and those ended within the retention window. */
  public describeClientVpnConnections(input: DescribeConnectionsInput): {
    connections: ConnectionView[];
    nextToken?: string;
  } {
    const endpointId = required(input.endpointId, 'ClientVpnEndpointId');
    const pageSize = this.state.paging.pageSize(input.maxResults);
    const filters = checkFilters(input.filters, CONNECTION_FILTERS);
    this.authorize(Ec2Action.DESCRIBE_CLIENT_VPN_CONNECTIONS, endpointId, input.dryRun);
    if (!this.state.endpoints.has(endpointId)) throw ec2Errors.endpointNotFound(endpointId);
    const after = readPageToken(input.nextToken, 'c', endpointId);
    const now = this.state.clock.nowMs();
    const matching = [...this.state.connections.values()].filter((record) => {
      if (record.endpointId !== endpointId || record.seq <= after) return false;
      if (this.state.life.forgotten(record, now)) return false;
      return filters.every((filter) =>
        filter.values.includes((filter.name === 'connection-id' ? record.connectionId : record.username) ?? ''),
      );
    });
    const page = matching.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      connections: page.map((record) => this.state.life.view(record, now)),
      nextToken: matching.length > pageSize && last ? writePageToken('c', endpointId, last.seq) : undefined,
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
    if (!this.state.endpoints.has(endpointId)) throw ec2Errors.endpointNotFound(endpointId);
    const { life } = this.state;
    const now = this.state.clock.nowMs();
    let targets: ConnectionRecord[];
    if (input.connectionId !== undefined) {
      const record = this.state.connections.get(input.connectionId);
      if (!record || record.endpointId !== endpointId || life.forgotten(record, now)) {
        throw ec2Errors.connectionNotFound(input.connectionId, endpointId);
      }
      targets = [record];
    } else {
      const username = input.username ?? '';
      targets = [...this.state.connections.values()].filter(
        (record) =>
          record.endpointId === endpointId &&
          record.username === username &&
          life.statusAt(record, now) === ConnectionStatus.ACTIVE,
      );
      if (targets.length === 0) throw ec2Errors.userNotFound(username, endpointId);
      if (targets.length > MAX_CONNECTIONS_PER_USERNAME_CALL) {
        throw ec2Errors.terminateLimitExceeded(username, targets.length, MAX_CONNECTIONS_PER_USERNAME_CALL);
      }
    }
    const statuses = targets.map((record) => {
      const previous = life.statusView(record, now);
      if (previous.code === ConnectionStatus.ACTIVE || previous.code === ConnectionStatus.FAILED_TO_TERMINATE) {
        life.rebase(record, now);
        record.terminationRequestedAt = now;
        record.status = ConnectionStatus.ACTIVE;
        record.statusMessage = undefined;
      }
      return { connectionId: record.connectionId, previous, current: life.statusView(record, now) };
    });
    const username = input.username ?? targets[0]?.username;
    return { endpointId, ...(username ? { username } : {}), statuses };
  }

  /**
   * ModifyClientVpnEndpoint with `ClientConnectOptions`: attaches a client connect handler (`Enabled` true and a
   * `LambdaFunctionArn`) or detaches it (`Enabled` false); the change is `applied` at once.
   */
  public modifyClientVpnEndpoint(input: ModifyEndpointInput): void {
    const endpointId = required(input.endpointId, 'ClientVpnEndpointId');
    const { region, accountId, functions } = this.state;
    const clientConnect =
      input.clientConnectOptions && checkClientConnectOptions(input.clientConnectOptions, { region, accountId });
    this.authorize(Ec2Action.MODIFY_CLIENT_VPN_ENDPOINT, endpointId, input.dryRun);
    const endpoint = this.state.endpoints.get(endpointId);
    if (!endpoint) throw ec2Errors.endpointNotFound(endpointId);
    if (!clientConnect) return;
    const arn = clientConnect.lambdaFunctionArn;
    if (arn !== undefined && (!functions || functions.check(arn) !== undefined)) {
      throw ec2Errors.invalidValue(`Invalid LambdaFunctionArn '${arn}': the Lambda function does not exist`);
    }
    endpoint.clientConnect = clientConnect;
  }

  private authorize(action: string, endpointId: string | undefined, dryRun: boolean | undefined): void {
    if (this.state.permissions.isDenied(action, endpointId)) throw ec2Errors.unauthorized();
    if (dryRun) throw ec2Errors.dryRun();
  }
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
