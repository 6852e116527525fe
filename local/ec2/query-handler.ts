import {
  type ServiceHandler,
  type ServiceRequest,
  type ServiceResponse,
  NO_ACTION,
  queryParameters,
} from '../edge/types.js';
import { SANDBOX_ACCOUNT_ID } from '../constants.js';
import { Service } from '../services.js';
import { formatEc2ConnectionTime, formatEc2EndpointTime } from '../time.js';
import { XML_DECLARATION, escapeXml, itemList, node, text } from '../xml.js';
import { EC2_XMLNS, Ec2Action, isEc2Action } from './actions.js';
import type { ClientVpnEmulator } from './client-vpn-emulator.js';
import type { Ec2Filter, TerminateOutput } from './ec2-actions.js';
import { Ec2ApiError, ec2Errors } from './errors.js';
import type { ConnectionView, EndpointView, StatusView } from './model.js';

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

/**
 * The EC2 Query protocol in front of the Client VPN emulator: form parameters in (`Action`,
 * `Version=2016-11-15`, `Filter.N.Name`, `Filter.N.Value.M`, `ClientVpnEndpointId.N`…), XML out, and
 * EC2's error envelope `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`.
 */
export class Ec2QueryHandler implements ServiceHandler {
  public readonly service = Service.EC2;

  constructor(private readonly emulator: ClientVpnEmulator) {}

  public actionOf(request: ServiceRequest): string {
    return queryParameters(request).get('Action') || NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    try {
      const params = queryParameters(request);
      if (action === NO_ACTION) throw ec2Errors.missingAction();
      if (!isEc2Action(action)) throw ec2Errors.invalidAction(action);
      this.emulator.admit(action);
      return ok(this.dispatch(action, params, request.requestId));
    } catch (error) {
      if (error instanceof Ec2ApiError) return errorResponse(error, request.requestId);
      throw error;
    }
  }

  public faultResponse(request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    return errorResponse(kind === 'error' ? ec2Errors.internal() : ec2Errors.throttled(), request.requestId);
  }

  private dispatch(action: Ec2Action, params: URLSearchParams, requestId: string): string {
    switch (action) {
      case Ec2Action.DESCRIBE_CLIENT_VPN_ENDPOINTS: {
        const result = this.emulator.describeClientVpnEndpoints({
          endpointIds: listParam(params, 'ClientVpnEndpointId'),
          filters: filtersParam(params),
          maxResults: integerParam(params, 'MaxResults'),
          nextToken: stringParam(params, 'NextToken'),
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, [
          itemList(
            'clientVpnEndpoint',
            result.endpoints.map((endpoint) => endpointXml(endpoint, this.emulator.region)),
          ),
          text('nextToken', result.nextToken),
        ]);
      }
      case Ec2Action.DESCRIBE_CLIENT_VPN_CONNECTIONS: {
        const result = this.emulator.describeClientVpnConnections({
          endpointId: stringParam(params, 'ClientVpnEndpointId'),
          filters: filtersParam(params),
          maxResults: integerParam(params, 'MaxResults'),
          nextToken: stringParam(params, 'NextToken'),
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, [
          itemList('connections', result.connections.map(connectionXml)),
          text('nextToken', result.nextToken),
        ]);
      }
      case Ec2Action.TERMINATE_CLIENT_VPN_CONNECTIONS: {
        const result = this.emulator.terminateClientVpnConnections({
          endpointId: stringParam(params, 'ClientVpnEndpointId'),
          connectionId: stringParam(params, 'ConnectionId'),
          username: stringParam(params, 'Username'),
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, terminateXml(result));
      }
    }
  }
}

function ok(body: string): ServiceResponse {
  return { status: 200, headers: { 'content-type': XML_CONTENT_TYPE }, body };
}

function envelope(action: string, requestId: string, children: readonly string[]): string {
  return `${XML_DECLARATION}\n<${action}Response xmlns="${EC2_XMLNS}">${text('requestId', requestId)}${children.join('')}</${action}Response>`;
}

/** EC2's error envelope (note `RequestID`, not `RequestId`, as EC2 spells it there). */
export function errorResponse(error: Ec2ApiError, requestId: string): ServiceResponse {
  const body =
    `${XML_DECLARATION}\n<Response><Errors><Error>${text('Code', error.code)}${text('Message', error.message)}</Error></Errors>` +
    `${text('RequestID', requestId)}</Response>`;
  return { status: error.status, headers: { 'content-type': XML_CONTENT_TYPE }, body, errorCode: error.code };
}

function statusXml(status: StatusView): string {
  return [text('code', status.code), text('message', status.message)].join('');
}

function endpointXml(endpoint: EndpointView, region: string): string {
  return [
    text('clientVpnEndpointId', endpoint.id),
    text('description', endpoint.description),
    node('status', [text('code', endpoint.status)]),
    text('creationTime', formatEc2EndpointTime(endpoint.createdAt)),
    text('dnsName', endpoint.dnsName),
    text('clientCidrBlock', endpoint.clientCidrBlock),
    endpoint.dnsServers.length > 0 ? itemList('dnsServer', endpoint.dnsServers.map(escapeXml)) : '',
    text('splitTunnel', endpoint.splitTunnel),
    text('vpnProtocol', 'openvpn'),
    text('transportProtocol', endpoint.transportProtocol),
    text('vpnPort', endpoint.vpnPort),
    text(
      'serverCertificateArn',
      `arn:aws:acm:${region}:${SANDBOX_ACCOUNT_ID}:certificate/${endpoint.id.slice(-12)}-server`,
    ),
    itemList(
      'authenticationOptions',
      endpoint.authentication.map((type) => authenticationXml(type, endpoint.id, region)),
    ),
    // The SDKs read these three members capitalised: the EC2 model gives them no lower-case name.
    node('connectionLogOptions', [text('Enabled', false)]),
    itemList(
      'tagSet',
      Object.entries(endpoint.tags).map(([key, value]) => text('key', key) + text('value', value)),
    ),
    itemList('securityGroupIdSet', []),
    text('vpcId', endpoint.vpcId),
    node('clientConnectOptions', [text('enabled', false), node('status', [text('code', 'applied')])]),
    text('sessionTimeoutHours', endpoint.sessionTimeoutHours),
    node('clientLoginBannerOptions', [text('enabled', false)]),
    text('disconnectOnSessionTimeout', true),
  ].join('');
}

function authenticationXml(type: string, endpointId: string, region: string): string {
  const suffix = endpointId.slice(-12);
  switch (type) {
    case 'directory-service-authentication':
      return text('type', type) + node('activeDirectory', [text('directoryId', `d-${suffix.slice(0, 10)}`)]);
    case 'federated-authentication':
      return (
        text('type', type) +
        node('federatedAuthentication', [
          text('samlProviderArn', `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:saml-provider/sandbox-${suffix}`),
        ])
      );
    default:
      return (
        text('type', type) +
        node('mutualAuthentication', [
          text(
            'clientRootCertificateChain',
            `arn:aws:acm:${region}:${SANDBOX_ACCOUNT_ID}:certificate/${suffix}-client`,
          ),
        ])
      );
  }
}

function connectionXml(connection: ConnectionView): string {
  return [
    text('clientVpnEndpointId', connection.endpointId),
    text('timestamp', formatEc2ConnectionTime(connection.timestamp)),
    text('connectionId', connection.connectionId),
    text('username', connection.username),
    text('connectionEstablishedTime', formatEc2ConnectionTime(connection.establishedAt)),
    text('ingressBytes', String(connection.ingressBytes)),
    text('egressBytes', String(connection.egressBytes)),
    text('ingressPackets', String(connection.ingressPackets)),
    text('egressPackets', String(connection.egressPackets)),
    text('clientIp', connection.clientIp),
    text('clientIpv6Address', connection.clientIpv6Address),
    text('commonName', connection.commonName),
    node('status', [statusXml({ code: connection.status, message: connection.statusMessage })]),
    text('connectionEndTime', connection.endedAt ? formatEc2ConnectionTime(connection.endedAt) : undefined),
    connection.postureComplianceStatuses.length > 0
      ? itemList('postureComplianceStatusSet', connection.postureComplianceStatuses.map(escapeXml))
      : '',
  ].join('');
}

function terminateXml(result: TerminateOutput): string[] {
  return [
    text('clientVpnEndpointId', result.endpointId),
    text('username', result.username),
    itemList(
      'connectionStatuses',
      result.statuses.map(
        (status) =>
          text('connectionId', status.connectionId) +
          node('previousStatus', [statusXml(status.previous)]) +
          node('currentStatus', [statusXml(status.current)]),
      ),
    ),
  ];
}

// ----- parameters -----

function stringParam(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

function integerParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^-?\d+$/.test(value.trim()))
    throw ec2Errors.invalidValue(`Invalid value '${value}' for ${name}. It must be an integer.`);
  return Number(value.trim());
}

function booleanParam(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  const folded = value.trim().toLowerCase();
  if (folded !== 'true' && folded !== 'false') {
    throw ec2Errors.invalidValue(`Invalid value '${value}' for ${name}. It must be true or false.`);
  }
  return folded === 'true';
}

/** `Name.1`, `Name.2`… in index order. */
function listParam(params: URLSearchParams, name: string): string[] {
  return indexed(params, new RegExp(`^${name}\\.(\\d+)$`)).map(([, value]) => value);
}

/** `Filter.N.Name` with `Filter.N.Value.M`. */
function filtersParam(params: URLSearchParams): Ec2Filter[] {
  const names = indexed(params, /^Filter\.(\d+)\.Name$/);
  const indices = new Set(
    [...params.keys()].map((key) => /^Filter\.(\d+)\./.exec(key)?.[1]).filter((n): n is string => !!n),
  );
  return [...indices]
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => {
      const name = names.find(([n]) => n === Number(index))?.[1];
      if (name === undefined) throw ec2Errors.missingParameter(`Filter.${index}.Name`);
      return {
        name,
        values: indexed(params, new RegExp(`^Filter\\.${index}\\.Value\\.(\\d+)$`)).map(([, value]) => value),
      };
    });
}

function indexed(params: URLSearchParams, pattern: RegExp): [number, string][] {
  const found: [number, string][] = [];
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match) found.push([Number(match[1]), value]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}
