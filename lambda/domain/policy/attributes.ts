import * as z from 'zod';
import {
  ACCOUNT_ID_PATTERN,
  ALL_ENDPOINTS,
  ENDPOINT_ID_PATTERN,
  PolicyKind,
  PolicyLimits,
  PolicyMode,
  POLICY_ID_PATTERN,
  REGION_PATTERN,
  WEEKDAYS,
} from '../constants.js';

/** What a person may write in an attribute, in words: the `expected …` of an error message. */
export const acceptedValues = z.registry<{ readonly accepts: string }>();

/**
 * Documents one attribute: what it means (the JSON Schema's description) and what it accepts (error
 * messages and, after the meaning, the description too).
 */
export function attribute<T extends z.ZodType>(schema: T, means: string, accepts: string): T {
  const documented = schema.describe(`${means} Accepts ${accepts}.`);
  acceptedValues.add(documented, { accepts });
  return documented;
}

const ISO_DATE_TIME = 'an ISO 8601 date-time with seconds and a Z or ±HH:MM offset, such as "2026-12-31T23:59:59Z"';
const nonBlank = (value: string): boolean => value.trim() !== '';

/** A whole number in [min, max] (DynamoDB type N); strings such as "30" are refused by name. */
export function wholeNumber(min: number, max?: number): z.ZodInt {
  const atLeast = z.int().min(min);
  return max === undefined ? atLeast : atLeast.max(max);
}

/** Free text that is not blank, at most `PolicyLimits.MAX_TEXT_LENGTH` characters. */
export function text(): z.ZodString {
  return z.string().max(PolicyLimits.MAX_TEXT_LENGTH).refine(nonBlank, 'a text that is not blank');
}

/** `policyId`: the row's key. */
export const policyId = attribute(
  z.string().regex(POLICY_ID_PATTERN),
  'The row key, named in every decision and audit record.',
  `a string of 1 to ${PolicyLimits.POLICY_ID_MAX_LENGTH} letters, digits, ".", "_", ":" or "-"`,
);

/** `kind`, fixed to one kind per row schema. */
export function kind<K extends PolicyKind>(value: K): z.ZodLiteral<K> {
  return attribute(
    z.literal(value),
    'What the row enforces.',
    `one of ${Object.values(PolicyKind)
      .map((k) => `"${k}"`)
      .join(', ')}`,
  );
}

/** `enabled`: a disabled row is inactive. */
export const enabled = attribute(
  z.boolean().default(true),
  'A disabled row is inactive: it decides nothing.',
  'true or false (DynamoDB type BOOL); default true',
);

/** `mode`: required on every kind that can terminate, so a row always says whether it acts. */
export const mode = attribute(
  z.enum([PolicyMode.ENFORCE, PolicyMode.OBSERVE]),
  'Whether the row terminates ("enforce") or only records "would-terminate" ("observe").',
  '"enforce" or "observe"',
);

/** `mode` on an exempt row: allowed, ignored. */
export const ignoredMode = attribute(
  mode.optional(),
  'Ignored: an exemption never terminates.',
  '"enforce" or "observe"',
);

/** One entry of `endpoints`: the wildcard, or a string matching ENDPOINT_ID_PATTERN. */
const ENDPOINT_ENTRY = new RegExp(`^(\\${ALL_ENDPOINTS}|${ENDPOINT_ID_PATTERN.source.replace(/^\^|\$$/g, '')})$`);

const endpointEntries = z
  .array(z.string().regex(ENDPOINT_ENTRY))
  .min(1)
  .max(PolicyLimits.MAX_LIST_ENTRIES)
  .refine(
    (ids) => !ids.includes(ALL_ENDPOINTS) || ids.length === 1,
    `either ["${ALL_ENDPOINTS}"] alone, or endpoint ids without "${ALL_ENDPOINTS}"`,
  );
const ENDPOINTS_MEANING = 'The Client VPN endpoints the row applies to.';
const ENDPOINTS_ACCEPTS = `a list of 1 to ${PolicyLimits.MAX_LIST_ENTRIES} endpoint ids (cvpn-endpoint- then 8 to 17 hex digits), or ["${ALL_ENDPOINTS}"] for every endpoint`;

/** `endpoints`: required, non-empty. */
export const endpoints = attribute(endpointEntries, ENDPOINTS_MEANING, ENDPOINTS_ACCEPTS);

/** `endpoints` on an exempt row: defaults to every endpoint. */
export const exemptEndpoints = attribute(
  endpointEntries.default([ALL_ENDPOINTS]),
  ENDPOINTS_MEANING,
  `${ENDPOINTS_ACCEPTS}; default ["${ALL_ENDPOINTS}"]`,
);

function placementEntries(pattern: RegExp, noun: string, example: string) {
  return z
    .array(z.string().regex(pattern, `${noun} such as "${example}"`))
    .min(1)
    .max(PolicyLimits.MAX_LIST_ENTRIES)
    .optional();
}

/**
 * `accounts`: the AWS accounts (spokes of an organization deployment) the row applies in; without it, every
 * account. A single-account deployment is the spoke of its own account.
 */
export const accounts = attribute(
  placementEntries(ACCOUNT_ID_PATTERN, 'a 12-digit AWS account id', '111122223333'),
  'Limits the row to the spokes in these AWS accounts; without it the row applies in every account. With endpoints ["*"], the row applies to every endpoint of every spoke accounts and regions select.',
  `a list of 1 to ${PolicyLimits.MAX_LIST_ENTRIES} 12-digit AWS account ids`,
);

/** `regions`: the AWS Regions the row applies in; without it, every Region. */
export const regions = attribute(
  placementEntries(REGION_PATTERN, 'an AWS Region name', 'eu-west-1'),
  'Limits the row to the spokes in these AWS Regions; without it the row applies in every Region.',
  `a list of 1 to ${PolicyLimits.MAX_LIST_ENTRIES} AWS Region names such as "eu-west-1"`,
);

/** The attributes that select identities; a row selects whom any of them names. */
export type SelectorAttribute = 'usernames' | 'commonNames' | 'groups';

const SELECTOR_NOUNS: Readonly<Record<SelectorAttribute, string>> = {
  usernames: 'user name',
  commonNames: 'certificate common name',
  groups: 'group',
};

function identityEntries(noun: string, wildcardHint: string, minEntries: number) {
  const entry = z
    .string()
    .max(PolicyLimits.MAX_TEXT_LENGTH)
    .refine(nonBlank, `a ${noun} that is not blank`)
    .refine((value) => value.trim() !== '*', `a ${noun}; "*" is not a wildcard here: ${wildcardHint}`);
  return z.array(entry).min(minEntries).max(PolicyLimits.MAX_LIST_ENTRIES);
}

const matchedAs = 'Matched exactly after trimming and case folding, never as a substring.';
const groupsMatchedAs =
  'Groups are known only when a client connects (EC2 does not list them): a connection whose groups are unknown is never matched by its groups.';

function meaningOf(attributeName: SelectorAttribute, meaning: string): string {
  return attributeName === 'groups' ? `${meaning} ${matchedAs} ${groupsMatchedAs}` : `${meaning} ${matchedAs}`;
}

/** A selector of the kinds where no selector means every identity: given, it lists at least one entry. */
export function optionalSelector(attributeName: SelectorAttribute) {
  const noun = SELECTOR_NOUNS[attributeName];
  const hint = 'omit usernames, commonNames and groups to match every identity';
  return attribute(
    identityEntries(noun, hint, 1).optional(),
    meaningOf(
      attributeName,
      `Limits the row to these ${noun}s (a client matches when any of usernames, commonNames or groups names it); without any of them the row applies to every identity.`,
    ),
    `a list of 1 to ${PolicyLimits.MAX_LIST_ENTRIES} ${noun}s (not blank, no "*")`,
  );
}

/** A selector of `revoked-user` and `exempt`: the selectors name who is meant; nothing widens to everyone. */
export function namingSelector(attributeName: SelectorAttribute, kindName: string) {
  const noun = SELECTOR_NOUNS[attributeName];
  return attribute(
    identityEntries(noun, `a ${kindName} row must name each identity`, 0).optional(),
    meaningOf(
      attributeName,
      `The ${noun}s the row names (a client matches when any of usernames, commonNames or groups names it); together they must name at least one identity.`,
    ),
    `a list of up to ${PolicyLimits.MAX_LIST_ENTRIES} ${noun}s (not blank, no "*")`,
  );
}

/** `expiresAt`: from this instant on the row is inactive. */
export const expiresAt = attribute(
  z.iso.datetime({ offset: true }).optional(),
  'From this instant on, the row is inactive.',
  ISO_DATE_TIME,
);

/** `maxTerminations`: per-run cap of this row; above it, none of its terminations happen. */
export const maxTerminations = attribute(
  wholeNumber(0).optional(),
  'Most terminations this row may decide in one run; when it decides more, none of them happens (capped).',
  'a whole number ≥ 0 (DynamoDB type N)',
);

/** `reason`: why the row exists, for the people who read decisions. */
export const reason = attribute(
  text(),
  'Why the row exists, in words.',
  `a text that is not blank, at most ${PolicyLimits.MAX_TEXT_LENGTH} characters`,
);

/**
 * Characters a `message` may not hold: control characters (line breaks and tabs included), line and
 * paragraph separators, and the bidirectional embeddings, overrides and isolates that can make a text
 * read other than it is written.
 */
const UNSHOWABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

const MESSAGE_ACCEPTS = `one line of text that is not blank, at most ${PolicyLimits.MAX_MESSAGE_LENGTH} characters, without control characters, line breaks or bidirectional overrides`;

/** `message`: what the Client VPN client shows a user this row refuses at connect. */
export const message = attribute(
  z
    .string()
    .max(PolicyLimits.MAX_MESSAGE_LENGTH)
    .refine(nonBlank, MESSAGE_ACCEPTS)
    .refine((value) => !UNSHOWABLE.test(value), MESSAGE_ACCEPTS)
    .optional(),
  'What the Client VPN client shows a user the row refuses when connecting; without it, a neutral text that names no policy.',
  MESSAGE_ACCEPTS,
);

/** `updatedBy`: who last changed the row. */
export const updatedBy = attribute(
  text().optional(),
  'Who last changed the row.',
  `a text that is not blank, at most ${PolicyLimits.MAX_TEXT_LENGTH} characters`,
);

/** `updatedAt`: when the row last changed. */
export const updatedAt = attribute(
  z.iso.datetime({ offset: true }).optional(),
  'When the row last changed.',
  ISO_DATE_TIME,
);

/** `version`: optimistic locking counter. */
export const version = attribute(
  wholeNumber(0).optional(),
  'Optimistic locking: incremented by each change.',
  'a whole number ≥ 0 (DynamoDB type N)',
);

/** The days of an off-hours window. */
export const days = attribute(
  z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .max(WEEKDAYS.length)
    .refine((list) => new Set(list).size === list.length, 'each day at most once'),
  'The days on which the allowed window opens.',
  `a non-empty list of distinct days among ${WEEKDAYS.map((day) => `"${day}"`).join(', ')}`,
);

/** A wall-clock time `HH:MM`, 00:00 to 23:59. */
export function wallClock(means: string) {
  return attribute(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/), means, 'a time "HH:MM" from "00:00" to "23:59"');
}

/** An IANA time zone the runtime's Intl knows. */
export const timezone = attribute(
  z.string().min(1).refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin", "America/New_York" or "UTC"'),
  'The time zone of start and end.',
  'an IANA time zone such as "Europe/Berlin", "America/New_York" or "UTC"',
);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
