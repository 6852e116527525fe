import { DEFAULT_REFUSAL_MESSAGE, PolicyLimits } from '../domain/index.js';

/**
 * The schema version of the answer. The Client VPN administrator guide ("Connection authorization", Lambda
 * interface) shows the request carrying `"schema-version": "v2"` and the response schema with the same
 * `"schema-version": "v2"`; the answer states the version of the format it follows, so it is always `v2`
 * rather than an echo of whatever a request claims.
 */
export const CONNECT_SCHEMA_VERSION = 'v2';

/** The answer Client VPN expects; every field is required, or the connection is refused. */
export interface ConnectResponse {
  readonly allow: boolean;
  /** Shown to a refused user; at most 255 characters. Empty when allowed. */
  readonly 'error-msg-on-denied-connection': string;
  /** At most 10 entries of at most 255 characters; cvpn-guard checks no posture. */
  readonly 'posture-compliance-statuses': readonly string[];
  readonly 'schema-version': typeof CONNECT_SCHEMA_VERSION;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A message a client can show: control characters become spaces, trimmed, at most 255 characters; never empty. */
export function displayMessage(message: string | undefined): string {
  const cleaned = (message ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  const text = cleaned === '' ? DEFAULT_REFUSAL_MESSAGE : cleaned;
  if (text.length <= PolicyLimits.MAX_MESSAGE_LENGTH) return text;
  // Cut by code points, so that a surrogate pair is never split, within 255 UTF-16 units.
  let cut = '';
  for (const point of text) {
    if (cut.length + point.length > PolicyLimits.MAX_MESSAGE_LENGTH) break;
    cut += point;
  }
  return cut;
}

/** A well-formed answer: allowed, or refused with a message the client shows. */
export function connectResponse(allow: boolean, message?: string): ConnectResponse {
  return {
    allow,
    'error-msg-on-denied-connection': allow ? '' : displayMessage(message),
    'posture-compliance-statuses': [],
    'schema-version': CONNECT_SCHEMA_VERSION,
  };
}
