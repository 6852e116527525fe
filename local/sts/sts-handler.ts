import type { SimulatedClock } from '../clock.js';
import {
  type Caller,
  type ServiceHandler,
  type ServiceRequest,
  type ServiceResponse,
  NO_ACTION,
  queryParameters,
} from '../edge/types.js';
import type { SandboxAccounts } from '../org/accounts.js';
import { QueryApiError, queryError, queryResult } from '../query-protocol.js';
import { Service } from '../services.js';
import { node, text } from '../xml.js';

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** AssumeRole's default session length: one hour. */
const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * STS: GetCallerIdentity (who the request's credentials belong to) and AssumeRole (a session of a role of the
 * sandbox's accounts, when the role trusts the caller's account).
 */
export class StsQueryHandler implements ServiceHandler {
  public readonly service = Service.STS;

  constructor(
    private readonly accounts: SandboxAccounts,
    private readonly clock: SimulatedClock,
  ) {}

  public actionOf(request: ServiceRequest): string {
    return queryParameters(request).get('Action') || NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    const caller = request.caller ?? this.defaultCaller();
    try {
      switch (action) {
        case 'GetCallerIdentity': {
          const identity =
            text('Arn', caller.principalArn) +
            text('UserId', this.accounts.userIdOf(caller)) +
            text('Account', caller.accountId);
          return queryResult(action, STS_XMLNS, identity, request.requestId);
        }
        case 'AssumeRole':
          return queryResult(action, STS_XMLNS, this.assumeRole(caller, queryParameters(request)), request.requestId);
        case NO_ACTION:
          throw new QueryApiError('MissingAction', 'The request must contain the parameter Action.');
        default:
          throw new QueryApiError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
      }
    } catch (error) {
      if (error instanceof QueryApiError) return queryError(error, STS_XMLNS, request.requestId);
      throw error;
    }
  }

  public faultResponse(request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    const error =
      kind === 'error'
        ? new QueryApiError('InternalFailure', 'The request processing has failed because of an unknown error.', 500)
        : new QueryApiError('Throttling', 'Rate exceeded', 400);
    return queryError(error, STS_XMLNS, request.requestId);
  }

  private assumeRole(caller: Caller, params: URLSearchParams): string {
    const roleArn = params.get('RoleArn');
    const sessionName = params.get('RoleSessionName');
    if (roleArn === null) throw validationError('roleArn', null, 'Member must not be null');
    if (sessionName === null) throw validationError('roleSessionName', null, 'Member must not be null');
    if (!ROLE_ARN.test(roleArn)) {
      throw new QueryApiError('ValidationError', `${roleArn} is invalid`);
    }
    if (!SESSION_NAME.test(sessionName)) {
      throw validationError(
        'roleSessionName',
        sessionName,
        'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length from 2 to 64',
      );
    }
    const duration = Number(params.get('DurationSeconds') ?? DEFAULT_DURATION_SECONDS);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      throw validationError('durationSeconds', params.get('DurationSeconds'), 'Member must be from 900 to 43200');
    }
    const credentials = this.accounts.assumeRole(caller, roleArn, sessionName);
    const role = this.accounts.role(roleArn);
    if (!credentials || !role) {
      throw new QueryApiError(
        'AccessDenied',
        `User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const expiration = new Date(this.clock.nowMs() + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return (
      node('AssumedRoleUser', [
        text('Arn', `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`),
        text('AssumedRoleId', `${role.roleId}:${sessionName}`),
      ]) +
      node('Credentials', [
        text('AccessKeyId', credentials.accessKeyId),
        text('SecretAccessKey', credentials.secretAccessKey),
        text('SessionToken', credentials.sessionToken ?? ''),
        text('Expiration', expiration),
      ])
    );
  }

  private defaultCaller(): Caller {
    const { accountId, region } = this.accounts.defaultPlacement;
    return { accountId, region, principalArn: `arn:aws:iam::${accountId}:user/sandbox` };
  }
}

/** STS's wording for a parameter that fails its constraint. */
function validationError(field: string, value: string | null, constraint: string): QueryApiError {
  const shown = value === null ? 'null' : `'${value}'`;
  return new QueryApiError(
    'ValidationError',
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
