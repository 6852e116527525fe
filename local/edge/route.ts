import { isEc2Action } from '../ec2/actions.js';
import { Service } from '../services.js';
import { type ServiceRequest, queryParameters } from './types.js';

/** How the edge told which service a request is for. */
export const RouteSource = {
  /** The service in the SigV4 credential scope of the Authorization header. */
  SIGNATURE: 'signature',
  /** The service in a presigned URL's X-Amz-Credential. */
  PRESIGNED: 'presigned',
  /** An unsigned JSON request's X-Amz-Target prefix. */
  TARGET: 'target',
  /** An unsigned Query request's Version or Action. */
  FORM: 'form',
  /** An unsigned REST request's path (`/2015-03-31/functions/…` is Lambda's). */
  PATH: 'path',
  /** Nothing told. */
  NONE: 'none',
} as const;
/** One of the ways a route is found. */
export type RouteSource = (typeof RouteSource)[keyof typeof RouteSource];

/** Where a request goes. */
export interface Route {
  /** The SigV4 signing name of the service (may be one the sandbox does not emulate). */
  readonly service?: string;
  readonly source: RouteSource;
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;
const PRESIGNED_SCOPE = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/;
/** JSON protocol targets: the prefix of X-Amz-Target → the service. */
const TARGET_PREFIXES: readonly [string, string][] = [['DynamoDB_', Service.DYNAMODB]];
/** Query protocol API versions → the service. */
const QUERY_VERSIONS: Readonly<Record<string, string>> = {
  '2016-11-15': Service.EC2,
  '2010-03-31': Service.SNS,
  '2011-06-15': Service.STS,
};
const SNS_ACTIONS = new Set(['Publish', 'CreateTopic', 'ListTopics']);
/** REST API path prefixes → the service. */
const PATH_PREFIXES: readonly [string, string][] = [['/2015-03-31/functions/', Service.LAMBDA]];

/**
 * The service a request is for: the signing name in its SigV4 credential scope, as every AWS SDK
 * and CLI signs; failing that (an unsigned request), its X-Amz-Target prefix, its Query Version/Action, or its
 * REST path.
 */
export function routeRequest(request: ServiceRequest): Route {
  const authorization = String(request.headers.authorization ?? '');
  const signed = CREDENTIAL_SCOPE.exec(authorization)?.[1];
  if (signed) return { service: signed, source: RouteSource.SIGNATURE };
  const presigned = PRESIGNED_SCOPE.exec(request.query.get('X-Amz-Credential') ?? '')?.[1];
  if (presigned) return { service: presigned, source: RouteSource.PRESIGNED };
  const target = String(request.headers['x-amz-target'] ?? '');
  const byTarget = TARGET_PREFIXES.find(([prefix]) => target.startsWith(prefix))?.[1];
  if (byTarget) return { service: byTarget, source: RouteSource.TARGET };
  const params = queryParameters(request);
  const byVersion = QUERY_VERSIONS[params.get('Version') ?? ''];
  if (byVersion) return { service: byVersion, source: RouteSource.FORM };
  const action = params.get('Action') ?? '';
  if (isEc2Action(action)) return { service: Service.EC2, source: RouteSource.FORM };
  if (SNS_ACTIONS.has(action)) return { service: Service.SNS, source: RouteSource.FORM };
  if (action === 'GetCallerIdentity') return { service: Service.STS, source: RouteSource.FORM };
  const byPath = PATH_PREFIXES.find(([prefix]) => request.path.startsWith(prefix))?.[1];
  if (byPath) return { service: byPath, source: RouteSource.PATH };
  return { source: RouteSource.NONE };
}
