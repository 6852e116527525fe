/** The EC2 Query API's XML for the emulator's answers: endpoints, connections, termination statuses. */
import { SANDBOX_ACCOUNT_ID } from '../constants.js';
import { formatEc2ConnectionTime, formatEc2EndpointTime } from '../time.js';
import { escapeXml, itemList, node, text } from '../xml.js';
import type { TerminateOutput } from './ec2-actions.js';
import type { ConnectionView, EndpointView, StatusView } from './model.js';

function statusXml(status: StatusView): string {
  return [text('code', status.code), text('message', status.message)].join('');
}

/** One `clientVpnEndpoint` item, as DescribeClientVpnEndpoints answers it. */
export function endpointXml(endpoint: EndpointView, region: string): string {
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
    node('clientConnectOptions', [
      text('enabled', endpoint.clientConnect.enabled),
      text('lambdaFunctionArn', endpoint.clientConnect.lambdaFunctionArn),
      node('status', [
        text('code', endpoint.clientConnect.status.code),
        text('message', endpoint.clientConnect.status.message),
      ]),
    ]),
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

/** One `connections` item, as DescribeClientVpnConnections answers it. */
export function connectionXml(connection: ConnectionView): string {
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

/** The body of TerminateClientVpnConnectionsResponse. */
export function terminateXml(result: TerminateOutput): string[] {
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
