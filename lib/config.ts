/**
 * Deployment settings: read from CDK context (cdk.json "context", overridable with
 * `-c key=value`), coerced (values given with `-c` arrive as strings) and validated. Every
 * setting has a safe default; a bad value fails synthesis with a message naming the key, the
 * value and what would be accepted.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { ENDPOINT_ID_PATTERN } from '../lambda/domain/constants.js';
import { ConfigValidationError, type ConfigIssue } from './errors.js';
import { DEFAULT_STACK_NAME } from './outputs.js';
import { parseScheduleExpression, SCHEDULE_ACCEPTED, type ParsedSchedule } from './schedule-expression.js';

/** The context keys of every setting. */
export const Setting = {
  STACK_NAME: 'stackName',
  SCHEDULE: 'schedule',
  ENDPOINT_IDS: 'endpointIds',
  ENDPOINT_TAG: 'endpointTag',
  DRY_RUN: 'dryRun',
  DISABLED: 'disabled',
  MAX_TERMINATIONS_PER_RUN: 'maxTerminationsPerRun',
  AUDIT_RETENTION_DAYS: 'auditRetentionDays',
  STATE_RETENTION_DAYS: 'stateRetentionDays',
  NOTIFICATION_EMAIL: 'notificationEmail',
  LOG_RETENTION_DAYS: 'logRetentionDays',
  TABLE_REMOVAL_POLICY: 'tableRemovalPolicy',
  MEMORY_SIZE: 'memorySize',
  TIMEOUT_SECONDS: 'timeoutSeconds',
  LEASE_SECONDS: 'leaseSeconds',
  TIME_MARGIN_SECONDS: 'timeMarginSeconds',
  TERMINATE_RATE: 'terminateRate',
  TERMINATE_BURST: 'terminateBurst',
  TERMINATE_CONCURRENCY: 'terminateConcurrency',
} as const;
/** One setting's context key. */
export type Setting = (typeof Setting)[keyof typeof Setting];

/** Default of every setting, as written in cdk.json "context" (empty string or list: not set). */
export const SETTING_DEFAULTS = {
  [Setting.STACK_NAME]: DEFAULT_STACK_NAME,
  [Setting.SCHEDULE]: 'rate(5 minutes)',
  [Setting.ENDPOINT_IDS]: [],
  [Setting.ENDPOINT_TAG]: '',
  [Setting.DRY_RUN]: false,
  [Setting.DISABLED]: false,
  [Setting.MAX_TERMINATIONS_PER_RUN]: 100,
  [Setting.AUDIT_RETENTION_DAYS]: 365,
  [Setting.STATE_RETENTION_DAYS]: 2,
  [Setting.NOTIFICATION_EMAIL]: '',
  [Setting.LOG_RETENTION_DAYS]: 90,
  [Setting.TABLE_REMOVAL_POLICY]: 'retain',
  [Setting.MEMORY_SIZE]: 512,
  [Setting.TIMEOUT_SECONDS]: 240,
  [Setting.LEASE_SECONDS]: 300,
  [Setting.TIME_MARGIN_SECONDS]: 20,
  [Setting.TERMINATE_RATE]: 5,
  [Setting.TERMINATE_BURST]: 50,
  [Setting.TERMINATE_CONCURRENCY]: 10,
} as const satisfies Record<Setting, unknown>;

/** Which Client VPN endpoints the deployment acts on. */
export type EndpointSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'tag'; readonly key: string; readonly value: string };

/** The validated settings the stack is built from. */
export interface GuardConfig {
  /** CloudFormation stack name. @default 'CvpnGuard' */
  readonly stackName: string;
  /** When the enforcer runs. @default rate(5 minutes) */
  readonly schedule: ParsedSchedule;
  /** Endpoints enforced on (and the only ones the function may terminate on). @default every endpoint of the region */
  readonly endpoints: EndpointSelection;
  /** Global dry run: never call terminate. @default false */
  readonly dryRun: boolean;
  /** Kill switch: runs record a summary and do nothing else. @default false */
  readonly disabled: boolean;
  /** Global cap of terminations per run; a run over it terminates nothing. @default 100 */
  readonly maxTerminationsPerRun: number;
  /** Days audit records are kept (DynamoDB TTL). @default 365 */
  readonly auditRetentionDays: number;
  /** Days the idle memory of a vanished connection is kept (DynamoDB TTL). @default 2 */
  readonly stateRetentionDays: number;
  /** E-mail address subscribed to the digest and alarm topic. @default no subscription */
  readonly notificationEmail?: string;
  /** Retention of the function's log group. @default RetentionDays.THREE_MONTHS */
  readonly logRetention: RetentionDays;
  /** What happens to the policies and audit tables when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly tableRemovalPolicy: RemovalPolicy;
  /** Function memory, MB. @default 512 */
  readonly memorySize: number;
  /** Function timeout, seconds: shorter than the schedule period and the lease. @default 240 */
  readonly timeoutSeconds: number;
  /** Seconds the run lease is held: a little longer than the timeout, so a run that died blocks the next tick at most once. @default 300 */
  readonly leaseSeconds: number;
  /** Stop starting terminate calls with less than this many seconds left. @default 20 */
  readonly timeMarginSeconds: number;
  /** Sustained terminate calls per second. @default 5 */
  readonly terminateRate: number;
  /** Token-bucket burst of terminate calls. @default 50 */
  readonly terminateBurst: number;
  /** Terminate calls in flight at once. @default 10 */
  readonly terminateConcurrency: number;
}

/** Reads one context value; `undefined` when the key is not set. */
export type ContextReader = (key: string) => unknown;

const LOG_RETENTION_VALUES = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');

/** `-c key=value` gives strings: read `"42"` as 42, leave anything else for the schema to refuse. */
function toNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

/** `"true"` / `"false"` (any case) as booleans. */
function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : value;
}

/** A list from a JSON array, a JSON array in a string, or a comma-separated string; empty string = empty list. */
function toList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return value;
    }
  }
  return text === ''
    ? []
    : text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
}

/** Trimmed string; empty string = not set. */
function toOptionalString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return text === '' ? undefined : text;
}

const integer = (min: number, max: number) => z.preprocess(toNumber, z.number().int().min(min).max(max));

const TAG_PART = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** How each setting is read, and what it accepts (said in the error message). */
const SPECS = {
  [Setting.STACK_NAME]: {
    schema: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/),
    accepted: 'a CloudFormation stack name: a letter, then up to 127 letters, digits or hyphens',
  },
  [Setting.SCHEDULE]: { schema: z.string(), accepted: SCHEDULE_ACCEPTED },
  [Setting.ENDPOINT_IDS]: {
    schema: z.preprocess(toList, z.array(z.string().regex(ENDPOINT_ID_PATTERN)).max(100)),
    accepted:
      'a list of up to 100 Client VPN endpoint ids like cvpn-endpoint-0123456789abcdef0 (JSON list in cdk.json, comma-separated with -c); empty for every endpoint',
  },
  [Setting.ENDPOINT_TAG]: {
    schema: z.preprocess(toOptionalString, z.string().optional()),
    accepted:
      'key=value (a tag key of 1 to 128 characters not starting with "aws:", a value of up to 256); empty for no tag',
  },
  [Setting.DRY_RUN]: { schema: z.preprocess(toBoolean, z.boolean()), accepted: 'true or false' },
  [Setting.DISABLED]: { schema: z.preprocess(toBoolean, z.boolean()), accepted: 'true or false' },
  [Setting.MAX_TERMINATIONS_PER_RUN]: { schema: integer(0, 10_000), accepted: 'a whole number from 0 to 10000' },
  [Setting.AUDIT_RETENTION_DAYS]: { schema: integer(1, 3650), accepted: 'a whole number of days from 1 to 3650' },
  [Setting.STATE_RETENTION_DAYS]: { schema: integer(1, 365), accepted: 'a whole number of days from 1 to 365' },
  [Setting.NOTIFICATION_EMAIL]: {
    schema: z.preprocess(toOptionalString, z.email().optional()),
    accepted: 'an e-mail address; empty for no subscription',
  },
  [Setting.LOG_RETENTION_DAYS]: {
    schema: z.preprocess(
      toNumber,
      z.number().refine((days) => LOG_RETENTION_VALUES.includes(days)),
    ),
    accepted: `one of the CloudWatch Logs retention periods: ${LOG_RETENTION_VALUES.join(', ')} (9999 = never expire)`,
  },
  [Setting.TABLE_REMOVAL_POLICY]: {
    schema: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
      z.enum(['retain', 'destroy']),
    ),
    accepted: 'retain or destroy',
  },
  [Setting.MEMORY_SIZE]: { schema: integer(128, 10_240), accepted: 'a whole number of MB from 128 to 10240' },
  [Setting.TIMEOUT_SECONDS]: { schema: integer(30, 900), accepted: 'a whole number of seconds from 30 to 900' },
  [Setting.LEASE_SECONDS]: { schema: integer(60, 3600), accepted: 'a whole number of seconds from 60 to 3600' },
  [Setting.TIME_MARGIN_SECONDS]: { schema: integer(5, 600), accepted: 'a whole number of seconds from 5 to 600' },
  [Setting.TERMINATE_RATE]: {
    schema: integer(1, 100),
    accepted: 'a whole number of calls per second from 1 to 100 (EC2 allows about 5 sustained)',
  },
  [Setting.TERMINATE_BURST]: { schema: integer(1, 1000), accepted: 'a whole number from 1 to 1000' },
  [Setting.TERMINATE_CONCURRENCY]: { schema: integer(1, 100), accepted: 'a whole number from 1 to 100' },
} as const satisfies Record<Setting, { schema: z.ZodType; accepted: string }>;

type Parsed = { -readonly [K in Setting]: z.output<(typeof SPECS)[K]['schema']> };

/** Splits `key=value` at the first `=`; undefined when the text is not a valid tag. */
function parseTag(text: string): { key: string; value: string } | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  const key = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  if (key.length > 128 || value.length > 256 || key.toLowerCase().startsWith('aws:')) return undefined;
  return TAG_PART.test(key) && TAG_PART.test(value) ? { key, value } : undefined;
}

/** Names the offending entries of a list setting, so the message points at them. */
function describeRefusal(key: Setting, value: unknown): string {
  if (key !== Setting.ENDPOINT_IDS) return '';
  const list = toList(value);
  if (!Array.isArray(list)) return 'not a list; ';
  const bad = list.filter((item) => typeof item !== 'string' || !ENDPOINT_ID_PATTERN.test(item));
  return bad.length > 0
    ? `${bad.map((item) => JSON.stringify(item)).join(', ')} ${bad.length === 1 ? 'is not an endpoint id' : 'are not endpoint ids'}; `
    : '';
}

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const KNOWN_KEYS = new Map(Object.values(Setting).map((key) => [normalizeKey(key), key]));

/**
 * Reads and validates every setting.
 *
 * @param read reads one context value (e.g. `(key) => app.node.tryGetContext(key)`)
 * @param contextKeys every context key set, to catch near-misses such as `dryrun` for `dryRun`
 * @throws ConfigValidationError naming each bad key, its value and what would be accepted
 */
export function loadConfig(read: ContextReader, contextKeys: readonly string[] = []): GuardConfig {
  const issues: ConfigIssue[] = [];
  const parsed: Partial<Parsed> = {};

  for (const key of contextKeys) {
    const known = KNOWN_KEYS.get(normalizeKey(key));
    if (known !== undefined && known !== key) {
      issues.push({ key, value: read(key), message: `unknown setting; did you mean ${known}?` });
    }
  }

  for (const key of Object.values(Setting)) {
    const raw = read(key);
    const value = raw === undefined || raw === null ? SETTING_DEFAULTS[key] : raw;
    const result = SPECS[key].schema.safeParse(value);
    if (result.success) {
      (parsed as Record<string, unknown>)[key] = result.data;
    } else {
      issues.push({ key, value, message: `${describeRefusal(key, value)}expected ${SPECS[key].accepted}` });
    }
  }

  const schedule = typeof parsed.schedule === 'string' ? parseScheduleExpression(parsed.schedule) : undefined;
  if (schedule && !schedule.ok) {
    issues.push({
      key: Setting.SCHEDULE,
      value: parsed.schedule,
      message: `${schedule.reason}; expected ${SCHEDULE_ACCEPTED}`,
    });
  }

  const tag = parsed.endpointTag === undefined ? undefined : parseTag(parsed.endpointTag);
  if (parsed.endpointTag !== undefined && tag === undefined) {
    issues.push({
      key: Setting.ENDPOINT_TAG,
      value: parsed.endpointTag,
      message: `expected ${SPECS.endpointTag.accepted}`,
    });
  }
  if (tag && parsed.endpointIds !== undefined && parsed.endpointIds.length > 0) {
    issues.push({
      key: Setting.ENDPOINT_TAG,
      value: parsed.endpointTag,
      message: `endpointTag and endpointIds are exclusive: select endpoints by ids or by tag, not both (endpointIds=${JSON.stringify(parsed.endpointIds)})`,
    });
  }

  const { timeoutSeconds, leaseSeconds, timeMarginSeconds } = parsed;
  if (timeoutSeconds !== undefined) {
    const periodSeconds = schedule?.ok ? schedule.schedule.periodSeconds : undefined;
    if (periodSeconds !== undefined && timeoutSeconds >= periodSeconds) {
      issues.push({
        key: Setting.TIMEOUT_SECONDS,
        value: timeoutSeconds,
        message: `must be less than the schedule period (${periodSeconds} s for ${parsed.schedule}), so a run ends before the next one starts`,
      });
    }
    if (leaseSeconds !== undefined && timeoutSeconds >= leaseSeconds) {
      issues.push({
        key: Setting.TIMEOUT_SECONDS,
        value: timeoutSeconds,
        message: `must be less than leaseSeconds (${leaseSeconds}), so the run lease outlives the run`,
      });
    }
    if (timeMarginSeconds !== undefined && timeMarginSeconds >= timeoutSeconds) {
      issues.push({
        key: Setting.TIME_MARGIN_SECONDS,
        value: timeMarginSeconds,
        message: `must be less than timeoutSeconds (${timeoutSeconds})`,
      });
    }
  }

  if (issues.length > 0 || !schedule?.ok) {
    const order = (issue: ConfigIssue): number => (Object.values(Setting) as string[]).indexOf(issue.key);
    throw new ConfigValidationError([...issues].sort((a, b) => order(a) - order(b)));
  }
  const settings = parsed as Parsed;

  const endpoints: EndpointSelection = tag
    ? { kind: 'tag', key: tag.key, value: tag.value }
    : settings.endpointIds.length > 0
      ? { kind: 'ids', ids: [...new Set(settings.endpointIds)] }
      : { kind: 'all' };

  return {
    stackName: settings.stackName,
    schedule: schedule.schedule,
    endpoints,
    dryRun: settings.dryRun,
    disabled: settings.disabled,
    maxTerminationsPerRun: settings.maxTerminationsPerRun,
    auditRetentionDays: settings.auditRetentionDays,
    stateRetentionDays: settings.stateRetentionDays,
    ...(settings.notificationEmail === undefined ? {} : { notificationEmail: settings.notificationEmail }),
    logRetention: settings.logRetentionDays as RetentionDays,
    tableRemovalPolicy: settings.tableRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    memorySize: settings.memorySize,
    timeoutSeconds: settings.timeoutSeconds,
    leaseSeconds: settings.leaseSeconds,
    timeMarginSeconds: settings.timeMarginSeconds,
    terminateRate: settings.terminateRate,
    terminateBurst: settings.terminateBurst,
    terminateConcurrency: settings.terminateConcurrency,
  };
}
