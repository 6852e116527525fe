/** The answer of a client connect handler, read as strictly as Client VPN documents it (response schema v2). */

/** What a client connect handler must answer: every field is required. */
export interface ClientConnectResponse {
  readonly allow: boolean;
  /** Up to 255 characters, shown to the client when the connection is denied. */
  readonly 'error-msg-on-denied-connection': string;
  /** Up to 10 statuses of up to 255 characters each. */
  readonly 'posture-compliance-statuses': readonly string[];
  readonly 'schema-version': string;
}

/** Longest `error-msg-on-denied-connection`, and longest posture compliance status. */
export const MAX_HANDLER_TEXT = 255;
/** Most posture compliance statuses. */
export const MAX_POSTURE_STATUSES = 10;

/** A handler's answer: the response when it is valid, else every problem found. */
export type HandlerAnswer =
  | { readonly valid: true; readonly response: ClientConnectResponse }
  | { readonly valid: false; readonly problems: readonly string[] };

/**
 * Reads a handler's answer (its invocation payload, JSON): a JSON object with every field of the response schema,
 * each of its type and within its length. Fields the schema does not name are left alone.
 */
export function readHandlerAnswer(payload: string): HandlerAnswer {
  let answer: unknown;
  try {
    answer = JSON.parse(payload);
  } catch {
    return { valid: false, problems: ['the answer is not JSON'] };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { valid: false, problems: [`the answer is not a JSON object (got ${shown(answer)})`] };
  }
  const fields = answer as Record<string, unknown>;
  const problems = [
    ...checkAllow(fields.allow),
    ...checkText('error-msg-on-denied-connection', fields['error-msg-on-denied-connection']),
    ...checkStatuses(fields['posture-compliance-statuses']),
    ...checkSchemaVersion(fields['schema-version']),
  ];
  if (problems.length > 0) return { valid: false, problems };
  return { valid: true, response: fields as unknown as ClientConnectResponse };
}

function checkAllow(value: unknown): string[] {
  if (value === undefined) return ['allow is missing'];
  return typeof value === 'boolean' ? [] : [`allow: expected true or false (got ${shown(value)})`];
}

function checkText(name: string, value: unknown): string[] {
  if (value === undefined) return [`${name} is missing`];
  if (typeof value !== 'string') return [`${name}: expected a string (got ${shown(value)})`];
  const length = [...value].length;
  return length <= MAX_HANDLER_TEXT ? [] : [`${name}: ${length} characters; at most ${MAX_HANDLER_TEXT}`];
}

function checkStatuses(value: unknown): string[] {
  const name = 'posture-compliance-statuses';
  if (value === undefined) return [`${name} is missing`];
  if (!Array.isArray(value)) return [`${name}: expected a list of strings (got ${shown(value)})`];
  const problems =
    value.length <= MAX_POSTURE_STATUSES ? [] : [`${name}: ${value.length} statuses; at most ${MAX_POSTURE_STATUSES}`];
  value.forEach((status: unknown, index) => problems.push(...checkText(`${name}[${index}]`, status)));
  return problems;
}

function checkSchemaVersion(value: unknown): string[] {
  if (value === undefined) return ['schema-version is missing'];
  return typeof value === 'string' && value !== ''
    ? []
    : [`schema-version: expected a version such as "v2" (got ${shown(value)})`];
}

function shown(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
