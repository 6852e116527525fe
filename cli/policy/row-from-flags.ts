import { PolicyKind, PolicyMode } from '../../lambda/domain/index.js';
import { parseExpiry } from '../time.js';

/** The options of `policy add`, as commander parses them. */
export interface AddRowOptions {
  readonly id: string;
  readonly reason: string;
  readonly endpoints?: readonly string[];
  readonly users?: readonly string[];
  readonly commonNames?: readonly string[];
  readonly expires?: string;
  readonly maxTerminations?: string;
  readonly idleMinutes?: string;
  readonly minBytes?: string;
  readonly maxSessionMinutes?: string;
  readonly maxConnections?: string;
  readonly days?: readonly string[];
  readonly start?: string;
  readonly end?: string;
  readonly timezone?: string;
  readonly enforce?: boolean;
  readonly disabled?: boolean;
}

/** The flag that sets each attribute, so an error about the row can name what the person typed. */
export const FLAG_OF_ATTRIBUTE: Readonly<Record<string, string>> = {
  policyId: '--id',
  reason: '--reason',
  endpoints: '--endpoints',
  usernames: '--users',
  commonNames: '--common-names',
  expiresAt: '--expires',
  maxTerminations: '--max-terminations',
  idleMinutes: '--idle-minutes',
  minBytes: '--min-bytes',
  maxSessionMinutes: '--max-session-minutes',
  maxConnections: '--max-connections',
  days: '--days',
  start: '--start',
  end: '--end',
  timezone: '--timezone',
  mode: '--enforce',
  enabled: '--disabled',
};

/**
 * The row `policy add` writes, from its flags: observe mode unless `--enforce` (exempt rows have no
 * mode), every endpoint unless `--endpoints`. Numbers are numbers when they read as one and text
 * otherwise, so the row's own schema names a wrong value; flags that do not belong to the kind are kept,
 * and the schema refuses them by name.
 */
export function rowFromFlags(kind: PolicyKind, options: AddRowOptions, now: Date): Record<string, unknown> {
  const row: Record<string, unknown> = {
    policyId: options.id,
    kind,
    enabled: options.disabled !== true,
    ...(kind === PolicyKind.EXEMPT ? {} : { mode: options.enforce ? PolicyMode.ENFORCE : PolicyMode.OBSERVE }),
    endpoints: options.endpoints && options.endpoints.length > 0 ? [...options.endpoints] : ['*'],
    usernames: options.users ? [...options.users] : undefined,
    commonNames: options.commonNames ? [...options.commonNames] : undefined,
    idleMinutes: numberOrText(options.idleMinutes),
    minBytes: numberOrText(options.minBytes),
    maxSessionMinutes: numberOrText(options.maxSessionMinutes),
    maxConnections: numberOrText(options.maxConnections),
    days: options.days ? options.days.map((day) => day.toLowerCase()) : undefined,
    start: options.start,
    end: options.end,
    timezone: options.timezone,
    expiresAt: options.expires === undefined ? undefined : parseExpiry(options.expires, now),
    maxTerminations: numberOrText(options.maxTerminations),
    reason: options.reason,
  };
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

/** A flag's value as a number when it is one (`"30"` → 30), else the text as given. */
export function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
}
