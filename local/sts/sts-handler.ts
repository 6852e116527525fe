import {
  type ServiceHandler,
  type ServiceRequest,
  type ServiceResponse,
  NO_ACTION,
  queryParameters,
} from '../edge/types.js';
import { QueryApiError, queryError, queryResult } from '../query-protocol.js';
import { Service } from '../services.js';
import { text } from '../xml.js';

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS GetCallerIdentity, so tools that ask "who am I" before acting work against the sandbox. */
export class StsQueryHandler implements ServiceHandler {
  public readonly service = Service.STS;

  constructor(private readonly accountId: string) {}

  public actionOf(request: ServiceRequest): string {
    return queryParameters(request).get('Action') || NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    if (action === 'GetCallerIdentity') {
      const identity =
        text('Arn', `arn:aws:iam::${this.accountId}:user/sandbox`) +
        text('UserId', 'AIDASANDBOXSANDBOXSAND') +
        text('Account', this.accountId);
      return queryResult(action, STS_XMLNS, identity, request.requestId);
    }
    const error =
      action === NO_ACTION
        ? new QueryApiError('MissingAction', 'The request must contain the parameter Action.')
        : new QueryApiError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
    return queryError(error, STS_XMLNS, request.requestId);
  }

  public faultResponse(request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    const error =
      kind === 'error'
        ? new QueryApiError('InternalFailure', 'The request processing has failed because of an unknown error.', 500)
        : new QueryApiError('Throttling', 'Rate exceeded', 400);
    return queryError(error, STS_XMLNS, request.requestId);
  }
}
