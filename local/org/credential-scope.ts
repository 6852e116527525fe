import type { ServiceRequest } from '../edge/types.js';

/** The access key id and Region a request was signed with, from its SigV4 credential scope. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string;
}

const AUTHORIZATION_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/;
const PRESIGNED_SCOPE = /^([^/]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request$/;

/**
 * The credential scope of a request: the `Credential=` of its `Authorization` header, or a presigned URL's
 * `X-Amz-Credential`; undefined for an unsigned request.
 */
export function credentialScopeOf(request: ServiceRequest): CredentialScope | undefined {
  const match =
    AUTHORIZATION_SCOPE.exec(String(request.headers.authorization ?? '')) ??
    PRESIGNED_SCOPE.exec(request.query.get('X-Amz-Credential') ?? '');
  if (!match) return undefined;
  return { accessKeyId: match[1] ?? '', region: match[2] ?? '' };
}
