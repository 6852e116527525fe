/**
 * Edits of a valid policy row as a person in the DynamoDB console, or a script, could leave it:
 * wrong types, required attributes gone, sets instead of lists, huge lists, odd unicode, time zones
 * that do not exist, typos, wrong case, wildcards where none is allowed, numbers no row means.
 */
import fc from 'fast-check';
import { PolicyLimits } from '../../../lambda/domain/index.js';
import { arbOddText, fullWidth } from './fuzz.js';

/** A raw policy row. */
export type Row = Record<string, unknown>;

/** One edit of one attribute, and what parsing must make of it. */
export interface Edit {
  readonly what: string;
  /** The attribute the edit touched (a rejection must name it, or `alsoNamed`). */
  readonly field: string;
  /** Other attributes a rejection may name instead (a renamed attribute is missing under its own name). */
  readonly alsoNamed?: readonly string[];
  /** The edit leaves no valid row. */
  readonly mustReject: boolean;
  readonly apply: (row: Row) => Row;
}

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'revoked-user': ['policyId', 'kind', 'mode', 'endpoints', 'reason'],
  idle: ['policyId', 'kind', 'mode', 'endpoints', 'reason', 'idleMinutes'],
  'max-session': ['policyId', 'kind', 'mode', 'endpoints', 'reason', 'maxSessionMinutes'],
  'off-hours': ['policyId', 'kind', 'mode', 'endpoints', 'reason', 'days', 'start', 'end', 'timezone'],
  'max-connections': ['policyId', 'kind', 'mode', 'endpoints', 'reason', 'maxConnections'],
  lockdown: ['policyId', 'kind', 'mode', 'endpoints', 'reason'],
  exempt: ['policyId', 'kind', 'reason'],
};
const NUMBERS = ['idleMinutes', 'minBytes', 'maxSessionMinutes', 'maxConnections', 'maxTerminations', 'version'];
const IDENTITIES = ['usernames', 'commonNames', 'groups'];
const TIME_ZONES_THAT_DO_NOT_EXIST = [
  'Mars/Olympus_Mons',
  'UTC+25',
  'America/New York',
  'Europe/Berlin ',
  ' UTC',
  'Etc/GMT+15',
  'Europe/Berlín',
  'Moon',
  'CEST',
  'GMT+1:00',
  '+01:00',
  'Asia/Tokyo\u200b',
  'Europe/Kyiv/Old',
  '',
];
const TYPOS: Readonly<Record<string, readonly string[]>> = {
  idleMinutes: ['idleMinute', 'IdleMinutes', 'idle_minutes', 'idleminutes'],
  maxSessionMinutes: ['maxSessionMinute', 'maxSessionMins'],
  maxConnections: ['maxConnection', 'MaxConnections'],
  usernames: ['userNames', 'username', 'Usernames', 'users'],
  commonNames: ['commonName', 'commonnames', 'cn'],
  endpoints: ['endpoint', 'Endpoints', 'endpointIds'],
  timezone: ['timeZone', 'tz'],
  mode: ['Mode', 'modes'],
  reason: ['Reason', 'reasons'],
};

/** Values of the wrong type for `value`, as a console edit or a script could write them. */
function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'number')
    return [String(value), ` ${value}`, `${value}m`, true, [value], { N: String(value) }, null];
  if (typeof value === 'boolean') return [String(value), value ? 1 : 0, value ? 'yes' : 'no', [value], null];
  if (typeof value === 'string') return [value.length, [value], true, { S: value }, null, new Set([value])];
  if (Array.isArray(value))
    return [value.join(','), value[0] ?? '', { L: value }, [value], [...value, 7], [...value, null], null];
  return [null, 'x'];
}

/** The edits that apply to `row`. */
export function editsOf(row: Row): fc.Arbitrary<Edit> {
  const kind = String(row.kind);
  const present = Object.keys(row);
  const arbitraries: fc.Arbitrary<Edit>[] = [];

  arbitraries.push(
    fc.constantFrom(...present).chain((field) =>
      fc.constantFrom(...wrongTypes(row[field])).map((value): Edit => ({
        what: `${field} of the wrong type`,
        field,
        mustReject: true,
        apply: (r) => ({ ...r, [field]: value }),
      })),
    ),
  );

  const required = (REQUIRED[kind] ?? []).filter((field) => field in row);
  if (required.length > 0) {
    arbitraries.push(
      fc
        .constantFrom(...required)
        .map((field): Edit => ({ what: `${field} deleted`, field, mustReject: true, apply: (r) => without(r, field) })),
    );
  }
  if (kind === 'revoked-user' || kind === 'exempt') {
    const named = IDENTITIES.filter((field) => field in row);
    arbitraries.push(
      fc.constantFrom(...named).map((field): Edit => ({
        what: `${field} deleted from a row that must name someone`,
        field,
        alsoNamed: IDENTITIES,
        mustReject: named.length === 1,
        apply: (r) => without(r, field),
      })),
    );
  }

  const lists = present.filter((field) => Array.isArray(row[field]));
  if (lists.length > 0) {
    arbitraries.push(
      fc.constantFrom(...lists).map((field): Edit => ({
        what: `${field} as a set`,
        field,
        mustReject: false,
        apply: (r) => ({ ...r, [field]: new Set(row[field] as unknown[]) }),
      })),
    );
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...lists), fc.integer({ min: 1, max: 3 * PolicyLimits.MAX_LIST_ENTRIES }))
        .map(([field, extra]): Edit => ({
          what: `${field} with ${extra} more entries`,
          field,
          mustReject:
            (row[field] as unknown[]).length + extra > PolicyLimits.MAX_LIST_ENTRIES ||
            (field === 'endpoints' && (row[field] as unknown[]).includes('*')) ||
            field === 'days',
          apply: (r) => ({
            ...r,
            [field]: [
              ...(row[field] as unknown[]),
              ...Array.from({ length: extra }, (_, index) => junkEntry(field, index)),
            ],
          }),
        })),
    );
  }

  const identities = IDENTITIES.filter((field) => Array.isArray(row[field]) && (row[field] as unknown[]).length > 0);
  if (identities.length > 0) {
    arbitraries.push(
      fc
        .tuple(
          fc.constantFrom(...identities),
          fc.nat(),
          fc.oneof(fc.constant('full-width'), fc.constant('odd')),
          fc.nat(),
        )
        .chain(([field, at, how, seed]) => {
          const list = row[field] as string[];
          const index = at % list.length;
          const base = list[index] ?? '';
          const edited = how === 'full-width' ? fc.constant(fullWidth(base)) : arbOddText(base);
          return edited.map((text): Edit => ({
            what: `${field}[${index}] with odd unicode (${seed % 2 ? 'kept' : 'replaced'})`,
            field,
            mustReject: false,
            apply: (r) => ({
              ...r,
              [field]: seed % 2 ? [...list, text] : list.map((entry, position) => (position === index ? text : entry)),
            }),
          }));
        }),
    );
    arbitraries.push(
      fc
        .tuple(fc.constantFrom(...identities), fc.constantFrom(['*'], [' * '], ['*', 'alice'], [''], ['   '], []))
        .map(([field, value]): Edit => ({
          what: `${field} as ${JSON.stringify(value)}`,
          field,
          alsoNamed: IDENTITIES,
          // An empty list is refused, except on a naming row whose other selector still names someone.
          mustReject:
            value.length > 0 ||
            !(
              (kind === 'revoked-user' || kind === 'exempt') &&
              IDENTITIES.some((other) => other !== field && ((row[other] as unknown[] | undefined)?.length ?? 0) > 0)
            ),
          apply: (r) => ({ ...r, [field]: value }),
        })),
    );
  }
  if ('endpoints' in row) {
    arbitraries.push(
      fc
        .constantFrom(
          ['*', 'cvpn-endpoint-0123456789abcdef0'],
          ['cvpn-endpoint-*'],
          ['all'],
          ['ALL'],
          [],
          ['cvpn-endpoint-0123456789ABCDEF0'],
          [' cvpn-endpoint-0123456789abcdef0'],
        )
        .map((value): Edit => ({
          what: `endpoints as ${JSON.stringify(value)}`,
          field: 'endpoints',
          mustReject: true,
          apply: (r) => ({ ...r, endpoints: value }),
        })),
    );
  }
  if (kind === 'off-hours') {
    arbitraries.push(
      fc
        .oneof(
          fc.constantFrom(...TIME_ZONES_THAT_DO_NOT_EXIST),
          fc.string({ maxLength: 12 }).filter((text) => !isTimeZone(text)),
        )
        .map((value): Edit => ({
          what: `timezone ${JSON.stringify(value)}`,
          field: 'timezone',
          mustReject: true,
          apply: (r) => ({ ...r, timezone: value }),
        })),
      fc
        .tuple(
          fc.constantFrom('start', 'end'),
          fc.constantFrom('8:00', '24:00', '08:60', '0800', '08:00:00', '8am', '08.00', ''),
        )
        .map(([field, value]): Edit => ({
          what: `${field} ${JSON.stringify(value)}`,
          field,
          alsoNamed: ['start', 'end'],
          mustReject: true,
          apply: (r) => ({ ...r, [field]: value }),
        })),
      fc
        .constantFrom(['Mon'], ['monday'], ['mon', 'mon'], ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'fri'], [])
        .map((value): Edit => ({
          what: `days ${JSON.stringify(value)}`,
          field: 'days',
          mustReject: true,
          apply: (r) => ({ ...r, days: value }),
        })),
    );
  }
  const numbers = NUMBERS.filter((field) => field in row);
  if (numbers.length > 0) {
    arbitraries.push(
      fc
        .tuple(
          fc.constantFrom(...numbers),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0.5, 1e308, 2 ** 53 + 2, -0),
        )
        .map(([field, value]): Edit => ({
          what: `${field} = ${String(value)}`,
          field,
          mustReject: !(
            Object.is(value, -0) &&
            (field === 'minBytes' || field === 'maxTerminations' || field === 'version')
          ),
          apply: (r) => ({ ...r, [field]: value }),
        })),
    );
  }
  arbitraries.push(
    fc
      .constantFrom(
        ...(kind === 'exempt'
          ? ['Enforce', 'ENFORCE', ' enforce', 'enforced', 'on']
          : ['Enforce', 'ENFORCE', ' enforce', 'enforced', 'observe ', 'dry-run']),
      )
      .map((value): Edit => ({
        what: `mode ${JSON.stringify(value)}`,
        field: 'mode',
        mustReject: true,
        apply: (r) => ({ ...r, mode: value }),
      })),
    fc
      .constantFrom(
        ...[`${kind} `, kind.toUpperCase(), kind.replace('-', '_'), `${kind}s`].filter((value) => value !== kind),
      )
      .map((value): Edit => ({
        what: `kind ${JSON.stringify(value)}`,
        field: 'kind',
        mustReject: true,
        apply: (r) => ({ ...r, kind: value }),
      })),
  );
  const typoed = Object.keys(TYPOS).filter((field) => field in row);
  if (typoed.length > 0) {
    arbitraries.push(
      fc.constantFrom(...typoed).chain((field) =>
        fc.constantFrom(...(TYPOS[field] ?? [])).map((typo): Edit => ({
          what: `${field} spelled ${typo}`,
          field: typo,
          alsoNamed: [field, ...IDENTITIES],
          mustReject: true,
          apply: (r) => ({ ...without(r, field), [typo]: r[field] }),
        })),
      ),
    );
  }
  return fc.oneof(...arbitraries);
}

function junkEntry(field: string, index: number): string {
  if (field === 'endpoints') return `cvpn-endpoint-${(0xa0000000 + index).toString(16)}`;
  if (field === 'days') return 'mon';
  return `zz-junk-${index}`;
}

/** The row without one attribute. */
export function without(row: Row, field: string): Row {
  const { [field]: _removed, ...rest } = row;
  return rest;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
