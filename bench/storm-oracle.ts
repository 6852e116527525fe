/**
 * The storm's oracle: what the client connect handler must answer each attempt, worked out here from the policy
 * semantics in docs/policies.md, on the raw rows as the bench writes them, without the product's domain. The bench
 * compares the handler's answers to it; were both to share code, a bug in that code would agree with itself.
 *
 * The bench's rows are valid by construction (a unit test parses them), so the oracle does not validate them.
 */
import { DEFAULT_REFUSAL_MESSAGE } from '../lambda/domain/constants.js';

/** What the oracle expects of one attempt. */
export type OracleVerdict =
  | { readonly verdict: 'refuse'; readonly policyId: string; readonly message: string; readonly kind: string }
  | { readonly verdict: 'would-refuse'; readonly policyId: string }
  | { readonly verdict: 'admit'; readonly exemptedBy?: string };

/** Who attempts to connect, and where. */
export interface OracleAttempt {
  readonly endpoint: string;
  readonly username?: string;
  readonly commonName?: string;
  /** The groups the request names (known at connect, unlike in a run). */
  readonly groups: readonly string[];
  /**
   * The active connections the user already holds on the endpoint, as EC2 lists them (the bench's ground truth,
   * not the handler's count); undefined when not known, and then `max-connections` refuses no one.
   */
  readonly held?: number;
}

type RawRow = Readonly<Record<string, unknown>>;

/** Strongest first, as docs/policies.md "When several rows fire" lists the kinds. */
const STRENGTH = ['lockdown', 'revoked-user', 'max-connections', 'max-session', 'off-hours', 'idle'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * The answer to `attempt` at `now` under `rows`: an exemption naming the identity admits; otherwise the strongest
 * `enforce` rule that fires refuses, with its row's message or the neutral one; otherwise an `observe` rule that
 * fires gives `would-refuse` (admitted); otherwise admit.
 */
export function oracleVerdict(rows: readonly RawRow[], attempt: OracleAttempt, now: Date): OracleVerdict {
  const inForce = rows.filter((row) => isInForce(row, now) && onEndpoint(row, attempt.endpoint));
  const exemption = inForce.find((row) => row.kind === 'exempt' && names(row, attempt));
  const fired = inForce
    .filter((row) => row.kind !== 'exempt' && fires(row, attempt, now))
    .sort((left, right) => strength(left) - strength(right) || text(left.policyId).localeCompare(text(right.policyId)));
  if (fired.length === 0) return { verdict: 'admit' };
  if (exemption !== undefined) return { verdict: 'admit', exemptedBy: text(exemption.policyId) };
  const enforcing = fired.find((row) => row.mode === 'enforce');
  if (enforcing !== undefined) {
    const message = typeof enforcing.message === 'string' ? enforcing.message : DEFAULT_REFUSAL_MESSAGE;
    return { verdict: 'refuse', policyId: text(enforcing.policyId), message, kind: text(enforcing.kind) };
  }
  return { verdict: 'would-refuse', policyId: text(fired[0]?.policyId) };
}

/** Whether one rule fires on an attempt: lockdown always (on whom it selects), the rest by their kind. */
function fires(row: RawRow, attempt: OracleAttempt, now: Date): boolean {
  switch (row.kind) {
    case 'revoked-user':
      return names(row, attempt);
    case 'lockdown':
      return selects(row, attempt);
    case 'off-hours':
      return selects(row, attempt) && !withinAllowedHours(row, now);
    case 'max-connections':
      // One more connection would take the user over the limit. The handler counts by user name only, so an
      // attempt without one is never counted.
      return (
        attempt.username !== undefined &&
        attempt.held !== undefined &&
        selects(row, attempt) &&
        attempt.held + 1 > Number(row.maxConnections)
      );
    default:
      // idle and max-session judge a session; an attempt has none yet.
      return false;
  }
}

/** In force: enabled (the default), and not expired at `now`. */
function isInForce(row: RawRow, now: Date): boolean {
  if (row.enabled === false) return false;
  return typeof row.expiresAt !== 'string' || Date.parse(row.expiresAt) > now.getTime();
}

/** `["*"]` is every endpoint; an exempt row without endpoints is too. */
function onEndpoint(row: RawRow, endpoint: string): boolean {
  const endpoints = Array.isArray(row.endpoints) ? (row.endpoints as unknown[]) : ['*'];
  return endpoints.includes('*') || endpoints.includes(endpoint);
}

/** Whether the row's identity selectors name the attempt: exact match after trimming and case folding. */
function names(row: RawRow, attempt: OracleAttempt): boolean {
  const listed = (attribute: string) => (Array.isArray(row[attribute]) ? (row[attribute] as string[]).map(fold) : []);
  const has = (attribute: string, value: string | undefined) =>
    value !== undefined && value.trim() !== '' && listed(attribute).includes(fold(value));
  return (
    has('usernames', attempt.username) ||
    has('commonNames', attempt.commonName) ||
    attempt.groups.some((group) => has('groups', group))
  );
}

/** Rows other than revoked-user and exempt select everyone when they name no one. */
function selects(row: RawRow, attempt: OracleAttempt): boolean {
  const selectors = ['usernames', 'commonNames', 'groups'].filter((attribute) => Array.isArray(row[attribute]));
  return selectors.length === 0 || names(row, attempt);
}

function fold(value: string): string {
  return value.trim().toLowerCase();
}

/** Whether `now`, on the wall clock of the row's time zone, is inside one of its allowed windows. */
function withinAllowedHours(row: RawRow, now: Date): boolean {
  const { day, minute } = wallClock(now, text(row.timezone));
  const days = Array.isArray(row.days) ? (row.days as string[]) : [];
  const start = minutesOf(text(row.start));
  const end = minutesOf(text(row.end));
  if (start < end) return days.includes(day) && minute >= start && minute < end;
  // A window whose end is before its start runs past midnight into the next day.
  const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7] ?? day;
  return (days.includes(day) && minute >= start) || (days.includes(yesterday) && minute < end);
}

function wallClock(now: Date, timeZone: string): { day: string; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
  return { day: part('weekday').toLowerCase().slice(0, 3), minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function strength(row: RawRow): number {
  return STRENGTH.indexOf(text(row.kind));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
