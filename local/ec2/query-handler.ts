import {
  type Caller,
  type ServiceHandler,
  type ServiceRequest,
  type ServiceResponse,
  NO_ACTION,
  queryParameters,
} from '../edge/types.js';
import { Service } from '../services.js';
import { XML_DECLARATION, itemList, text } from '../xml.js';
import { EC2_XMLNS, Ec2Action, isEc2Action } from './actions.js';
import type { ClientVpnEmulator } from './client-vpn-emulator.js';
import { connectionXml, endpointXml, terminateXml } from './ec2-xml.js';
import { Ec2ApiError, ec2Errors } from './errors.js';
import { booleanParam, filtersParam, integerParam, listParam, stringParam } from './query-params.js';

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

/**
 * The EC2 Query protocol in front of the Client VPN emulator: form parameters in (`Action`,
 * `Version=2016-11-15`, `Filter.N.Name`, `Filter.N.Value.M`, `ClientVpnEndpointId.N`…), XML out, and
 * EC2's error envelope `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`.
 */
export class Ec2QueryHandler implements ServiceHandler {
  public readonly service = Service.EC2;

  private readonly emulatorOf: (caller: Caller | undefined) => ClientVpnEmulator;

  /** `emulators`: the one emulator, or the emulator of the caller's account and Region. */
  constructor(emulators: ClientVpnEmulator | ((caller: Caller | undefined) => ClientVpnEmulator)) {
    this.emulatorOf = typeof emulators === 'function' ? emulators : () => emulators;
  }

  public actionOf(request: ServiceRequest): string {
    return queryParameters(request).get('Action') || NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    try {
      const params = queryParameters(request);
      if (action === NO_ACTION) throw ec2Errors.missingAction();
      if (!isEc2Action(action)) throw ec2Errors.invalidAction(action);
      const emulator = this.emulatorOf(request.caller);
      emulator.admit(action);
      return ok(this.dispatch(emulator, action, params, request.requestId));
    } catch (error) {
      if (error instanceof Ec2ApiError) return errorResponse(error, request.requestId);
      throw error;
    }
  }

  public faultResponse(request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    return errorResponse(kind === 'error' ? ec2Errors.internal() : ec2Errors.throttled(), request.requestId);
  }

  private dispatch(emulator: ClientVpnEmulator, action: Ec2Action, params: URLSearchParams, requestId: string): string {
    switch (action) {
      case Ec2Action.DESCRIBE_CLIENT_VPN_ENDPOINTS: {
        const result = emulator.describeClientVpnEndpoints({
          endpointIds: listParam(params, 'ClientVpnEndpointId'),
          filters: filtersParam(params),
          maxResults: integerParam(params, 'MaxResults'),
          nextToken: stringParam(params, 'NextToken'),
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, [
          itemList(
            'clientVpnEndpoint',
            result.endpoints.map((endpoint) => endpointXml(endpoint, emulator.region)),
          ),
          text('nextToken', result.nextToken),
        ]);
      }
      case Ec2Action.DESCRIBE_CLIENT_VPN_CONNECTIONS: {
        const result = emulator.describeClientVpnConnections({
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
        const result = emulator.terminateClientVpnConnections({
          endpointId: stringParam(params, 'ClientVpnEndpointId'),
          connectionId: stringParam(params, 'ConnectionId'),
          username: stringParam(params, 'Username'),
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, terminateXml(result));
      }
      case Ec2Action.MODIFY_CLIENT_VPN_ENDPOINT: {
        checkModifyParameters(params);
        const given = [...params.keys()].some((key) => key.startsWith('ClientConnectOptions.'));
        emulator.modifyClientVpnEndpoint({
          endpointId: stringParam(params, 'ClientVpnEndpointId'),
          clientConnectOptions: given
            ? {
                enabled: booleanParam(params, 'ClientConnectOptions.Enabled'),
                lambdaFunctionArn: stringParam(params, 'ClientConnectOptions.LambdaFunctionArn'),
              }
            : undefined,
          dryRun: booleanParam(params, 'DryRun'),
        });
        return envelope(action, requestId, [text('return', true)]);
      }
    }
  }
}

/** The ModifyClientVpnEndpoint parameters the emulator applies; any other is refused rather than ignored. */
const MODIFY_PARAMETERS = new Set([
  'Action',
  'Version',
  'ClientVpnEndpointId',
  'DryRun',
  'ClientConnectOptions.Enabled',
  'ClientConnectOptions.LambdaFunctionArn',
]);

function checkModifyParameters(params: URLSearchParams): void {
  const others = [...params.keys()].filter((key) => !MODIFY_PARAMETERS.has(key));
  if (others.length > 0) {
    throw ec2Errors.unsupported(
      "The sandbox's ModifyClientVpnEndpoint changes ClientConnectOptions only; " +
        `it does not emulate ${others.join(', ')}.`,
    );
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
