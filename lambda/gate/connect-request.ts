import * as z from 'zod';
import type { ConnectionAttempt } from '../domain/index.js';

/** Longest text a request field may hold and still be well formed (AWS sends far shorter values). */
const MAX_FIELD_LENGTH = 1024;
/** Most groups a well-formed request may list. */
const MAX_GROUPS = 1000;
/** Longest `groups` a well-formed request may send as one comma-separated text. */
const MAX_GROUPS_TEXT_LENGTH = 64 * 1024;
/** Longest text of a field in a log line or an audit record. */
const MAX_LOGGED_LENGTH = 256;

const field = z.string().max(MAX_FIELD_LENGTH);

/**
 * The request Client VPN sends the client connect handler, schema v2 (Client VPN administrator guide,
 * "Connection authorization"): every field a string. The guide shows `groups` as `<user groups>` without
 * saying list or text, so both are read: a list of names, or one text of names separated by commas (as the
 * sandbox sends it). It is only read with `safeParse`, so no input makes it throw; unknown fields are dropped.
 */
export const connectRequestSchema = z.object({
  'connection-id': field.min(1),
  'endpoint-id': field.min(1),
  'common-name': field.optional(),
  username: field.optional(),
  platform: field.optional(),
  'platform-version': field.optional(),
  'public-ip': field.optional(),
  'client-openvpn-version': field.optional(),
  groups: z.union([z.array(field).max(MAX_GROUPS), z.string().max(MAX_GROUPS_TEXT_LENGTH)]).optional(),
  'schema-version': field.optional(),
});
/** A well-formed connect request. */
export type ConnectRequest = z.infer<typeof connectRequestSchema>;

/** What a request says of the client beyond the attempt: kept with the connection's facts, never decided on. */
export interface ClientDetails {
  readonly platformVersion?: string;
  readonly clientOpenVpnVersion?: string;
}

/** What could be read of a request: the attempt, and whether the whole request was well formed. */
export interface ReadRequest {
  /** The attempt, from the fields that hold text; undefined when the request is not even an object. */
  readonly attempt?: ConnectionAttempt;
  /** The client's versions, from the fields that hold text; undefined with the attempt. */
  readonly client?: ClientDetails;
  /** True when the request matches {@link connectRequestSchema}. */
  readonly wellFormed: boolean;
  /** What is wrong with it, in words (escaped and truncated); empty when well formed. */
  readonly problems: readonly string[];
}

/**
 * Reads a request leniently: the decision needs every identity the request names, even in a request that is
 * otherwise malformed, so that a refused identity is never let in by a malformed request. A field that is not
 * text counts as absent; an empty user name or common name too; `groups` keeps its text entries.
 */
export function readConnectRequest(event: unknown): ReadRequest {
  const parsed = connectRequestSchema.safeParse(event);
  const problems = parsed.success
    ? []
    : parsed.error.issues
        .slice(0, 10)
        .map((issue) => `${issue.path.map(String).join('.') || '(request)'}: ${issue.message}`);
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return { wellFormed: false, problems: problems.length > 0 ? problems : ['(request): not an object'] };
  const fields = event as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const groups = readGroups(fields.groups);
  const attempt: ConnectionAttempt = {
    endpointId: text('endpoint-id') ?? '',
    connectionId: text('connection-id') ?? '',
    username: text('username'),
    commonName: text('common-name'),
    groups,
    platform: text('platform'),
    publicIp: text('public-ip'),
  };
  const client: ClientDetails = {
    platformVersion: text('platform-version'),
    clientOpenVpnVersion: text('client-openvpn-version'),
  };
  return { attempt: dropUndefined(attempt), client: dropUndefined(client), wellFormed: parsed.success, problems };
}

/** The groups a request names: the text entries of a list, or the names of a comma-separated text (none in ""). */
function readGroups(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** Control characters, and the line and paragraph separators, that a log line or a terminal could misread. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text safe in a log line or a record: control characters escaped (`\u001b`), at most 256 characters. */
export function escapeField(value: string): string {
  const escaped = value.replace(
    UNPRINTABLE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > MAX_LOGGED_LENGTH ? `${escaped.slice(0, MAX_LOGGED_LENGTH - 1)}…` : escaped;
}

/** The request's fields for a log line, each escaped and truncated; anything not text described by its type. */
export function requestFieldsForLog(event: unknown): Record<string, string> {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return { request: event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event };
  const entries = Object.entries(event as Record<string, unknown>).slice(0, 20);
  return Object.fromEntries(
    entries.map(([name, value]) => [
      escapeField(name),
      typeof value === 'string'
        ? escapeField(value)
        : Array.isArray(value)
          ? escapeField(value.map((item) => (typeof item === 'string' ? item : typeof item)).join(','))
          : value === null
            ? 'null'
            : typeof value,
    ]),
  );
}
