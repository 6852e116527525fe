/**
 * The deployment settings, each described once: its context key (cdk.json "context", `-c key=value`), the
 * environment variable the function reads it from, its default, its schema and what that schema accepts,
 * and what it does. The stack's context parsing, the function's environment (written by the stack, read
 * by the function), the CLI's endpoint selection and cap, cdk.json's defaults and docs/settings.md all
 * come from here.
 */
import * as z from 'zod';
import { DEFAULT_CONNECTION_HOUR_PRICE_USD } from '../domain/constants.js';
import { toLowerCase, toNumber } from './coerce.js';
import { CONNECTION_HOUR_PRICES_ACCEPTED, readConnectionHourPrices } from './connection-hour-prices.js';
import { ENDPOINT_TAG_ACCEPTED } from './endpoint-tag.js';
import { SCHEDULE_ACCEPTED, parseScheduleExpression } from './schedule-expression.js';
import { endpointIdList, endpointTag, flag, optionalText, patternList, refuse, wholeNumber } from './schemas.js';

/** The context key of every setting. */
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
  MAX_CONTINUATIONS: 'maxContinuations',
  CONNECTION_HOUR_PRICES: 'connectionHourPrices',
  CONNECT_FAIL_MODE: 'connectFailMode',
  CONNECT_DEADLINE_MS: 'connectDeadlineMs',
  POLICY_CACHE_SECONDS: 'policyCacheSeconds',
  CONNECT_HANDLER_PROVISIONED_CONCURRENCY: 'connectHandlerProvisionedConcurrency',
  ATTACH_CONNECT_HANDLER: 'attachConnectHandler',
  DEPLOYMENT: 'deployment',
  TARGET_OUS: 'targetOus',
  TARGET_REGIONS: 'targetRegions',
  ORGANIZATION_ID: 'organizationId',
} as const;
/** One setting's context key. */
export type Setting = (typeof Setting)[keyof typeof Setting];

/** A function that reads settings from its environment: the enforcer, or the client connect handler (the gate). */
export const SettingReader = {
  ENFORCER: 'enforcer',
  GATE: 'gate',
} as const;
/** One of the functions that read settings. */
export type SettingReader = (typeof SettingReader)[keyof typeof SettingReader];

/** One deployment setting. */
export interface SettingDefinition {
  /** The context key: cdk.json "context", or `-c key=value`. */
  readonly key: Setting;
  /** The environment variable the function reads it from; undefined when only the stack uses it. */
  readonly env: string | undefined;
  /** The functions that read `env`. @default only the enforcer (when `env` is set) */
  readonly readBy?: readonly SettingReader[];
  /** The default, as cdk.json writes it (an empty text or list: not set). */
  readonly default: unknown;
  /** Reads a value from cdk.json, from `-c` (text) or from the function's environment (text). */
  readonly schema: z.ZodType;
  /** What the schema accepts, in words; a refusal says `expected <accepted>`. */
  readonly accepted: string;
  /** What the setting does, for docs/settings.md. */
  readonly doc: string;
}

/** How the product is deployed: one account and Region, or a hub with spokes across an organization. */
export const Deployment = {
  SINGLE: 'single',
  HUB: 'hub',
} as const;
/** One kind of deployment. */
export type Deployment = (typeof Deployment)[keyof typeof Deployment];

/** An organizational unit id (`ou-…`) or an organization root id (`r-…`), as AWS Organizations gives them. */
export const ORGANIZATIONAL_UNIT_PATTERN = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
/** A Region name such as `eu-west-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An organization id, `o-` and 10 to 32 lower-case letters or digits. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/** Most OUs and Regions a hub may target (a StackSet's targets stay readable). */
export const MAX_TARGETS = 50;

/** Most endpoint ids a deployment may list (IAM policy size stays well inside its limit). */
export const MAX_ENDPOINT_IDS = 100;

/** The retention periods CloudWatch Logs accepts, in days (9999: never expire). */
export const LOG_RETENTION_PERIODS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999,
] as const;

/** What the stack and the function say when both endpointIds and endpointTag are set. */
export const ENDPOINT_SELECTION_EXCLUSIVE =
  'endpointTag and endpointIds are exclusive: select endpoints by ids or by tag, not both';

/** A whole-number setting: its schema and the words for what it accepts, from one range. */
function wholeNumberSetting(min: number, max: number, unit?: string, note?: string) {
  return {
    schema: wholeNumber(min, max),
    accepted: `a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}${note ? ` (${note})` : ''}`,
  };
}

/** Adds each definition's key (its property name), so a definition can be passed around on its own. */
function defineSettings<const T extends { readonly [K in Setting]: Omit<SettingDefinition, 'key'> }>(
  definitions: T,
): { readonly [K in Setting]: T[K] & { readonly key: K } } {
  return Object.fromEntries(Object.entries(definitions).map(([key, definition]) => [key, { key, ...definition }])) as {
    readonly [K in Setting]: T[K] & { readonly key: K };
  };
}

/** Every deployment setting, in the order the docs list them and errors report them. */
export const SETTINGS = defineSettings({
  [Setting.STACK_NAME]: {
    env: undefined,
    default: 'CvpnGuard',
    schema: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/),
    accepted: 'a CloudFormation stack name: a letter, then up to 127 letters, digits or hyphens',
    doc: 'CloudFormation stack name. Change it to deploy a second, separate copy.',
  },
  [Setting.SCHEDULE]: {
    env: undefined,
    default: 'rate(5 minutes)',
    schema: z.string().transform((text, context) => {
      const parsed = parseScheduleExpression(text);
      if (parsed.ok) return parsed.schedule;
      refuse(context, parsed.reason);
      return z.NEVER;
    }),
    accepted: SCHEDULE_ACCEPTED,
    doc: 'When the enforcer runs, as EventBridge Scheduler accepts it (cron in UTC). One-time `at(...)` is refused: enforcement must recur.',
  },
  [Setting.ENDPOINT_IDS]: {
    env: 'CVPN_GUARD_ENDPOINT_IDS',
    default: [],
    schema: endpointIdList(MAX_ENDPOINT_IDS),
    accepted: `a list of up to ${MAX_ENDPOINT_IDS} Client VPN endpoint ids like cvpn-endpoint-0123456789abcdef0 (a JSON list, or comma-separated); empty for every endpoint`,
    doc: 'Client VPN endpoints to enforce on; the function may terminate connections on these endpoints only. Exclusive with `endpointTag`.',
  },
  [Setting.ENDPOINT_TAG]: {
    env: 'CVPN_GUARD_ENDPOINT_TAG',
    default: '',
    schema: endpointTag(),
    accepted: ENDPOINT_TAG_ACCEPTED,
    doc: 'Enforce only on endpoints carrying this tag; the function may terminate only on endpoints carrying it (IAM `aws:ResourceTag` condition). Exclusive with `endpointIds`. Neither set: every endpoint of the account and region.',
  },
  [Setting.DRY_RUN]: {
    env: 'CVPN_GUARD_DRY_RUN',
    readBy: [SettingReader.ENFORCER, SettingReader.GATE],
    default: false,
    schema: flag(),
    accepted: 'true or false',
    doc: '`true`: never call terminate; every decision to terminate is recorded as `would-terminate`, and the client connect handler admits every attempt it would refuse, recorded `would-refuse`. A deployment-wide brake; each policy row also states its own `mode`.',
  },
  [Setting.DISABLED]: {
    env: 'CVPN_GUARD_DISABLED',
    readBy: [SettingReader.ENFORCER, SettingReader.GATE],
    default: false,
    schema: flag(),
    accepted: 'true or false',
    doc: 'Kill switch. `true`: each run writes a summary and does nothing else, and the client connect handler admits every attempt without deciding.',
  },
  [Setting.MAX_TERMINATIONS_PER_RUN]: {
    env: 'CVPN_GUARD_MAX_TERMINATIONS_PER_RUN',
    default: 100,
    ...wholeNumberSetting(0, 10_000),
    doc: 'Global cap per run. A run that would terminate more terminates none, records them `capped` and raises the capped alarm. `0` terminates nothing.',
  },
  [Setting.AUDIT_RETENTION_DAYS]: {
    env: 'CVPN_GUARD_AUDIT_RETENTION_DAYS',
    readBy: [SettingReader.ENFORCER, SettingReader.GATE],
    default: 365,
    ...wholeNumberSetting(1, 3650, 'days'),
    doc: 'Days audit records are kept (DynamoDB TTL).',
  },
  [Setting.STATE_RETENTION_DAYS]: {
    env: 'CVPN_GUARD_STATE_RETENTION_DAYS',
    default: 2,
    ...wholeNumberSetting(1, 365, 'days'),
    doc: 'Days the idle memory of a connection no longer seen is kept (DynamoDB TTL).',
  },
  [Setting.NOTIFICATION_EMAIL]: {
    env: undefined,
    default: '',
    schema: optionalText(z.email()),
    accepted: 'an e-mail address; empty for no subscription',
    doc: 'E-mail address subscribed to the topic that receives run digests and alarms; confirm the subscription from the e-mail AWS sends.',
  },
  [Setting.LOG_RETENTION_DAYS]: {
    env: undefined,
    default: 90,
    schema: z.preprocess(toNumber, z.literal(LOG_RETENTION_PERIODS)),
    accepted: `one of the CloudWatch Logs retention periods: ${LOG_RETENTION_PERIODS.join(', ')} (9999 = never expire)`,
    doc: "Retention of the function's log group, in days.",
  },
  [Setting.TABLE_REMOVAL_POLICY]: {
    env: undefined,
    default: 'retain',
    schema: z.preprocess(toLowerCase, z.enum(['retain', 'destroy'])),
    accepted: 'retain or destroy',
    doc: '`retain`: the policies and audit tables survive `cdk destroy` and have deletion protection on. `destroy`: they are deleted with the stack (deletion protection off). The state table is always deleted with the stack.',
  },
  [Setting.MEMORY_SIZE]: {
    env: undefined,
    default: 512,
    ...wholeNumberSetting(128, 10_240, 'MB'),
    doc: 'Function memory.',
  },
  [Setting.TIMEOUT_SECONDS]: {
    env: undefined,
    default: 240,
    ...wholeNumberSetting(30, 900, 'seconds'),
    doc: 'Function timeout. Must be shorter than the schedule period (checked for `rate(...)`; keep it so for `cron(...)` too) and than `leaseSeconds`, so a run ends before the next one and before its lease expires.',
  },
  [Setting.LEASE_SECONDS]: {
    env: 'CVPN_GUARD_LEASE_SECONDS',
    default: 300,
    ...wholeNumberSetting(60, 3600, 'seconds'),
    doc: 'How long a run holds the run lease that keeps two runs from overlapping. A little longer than the timeout: a run that dies blocks the next tick at most once.',
  },
  [Setting.TIME_MARGIN_SECONDS]: {
    env: 'CVPN_GUARD_TIME_MARGIN_SECONDS',
    default: 20,
    ...wholeNumberSetting(5, 600, 'seconds'),
    doc: 'A run stops starting terminate calls when the function has less time left than this, and records the rest `deferred` for the next run. Shorter than `timeoutSeconds`.',
  },
  [Setting.TERMINATE_RATE]: {
    env: 'CVPN_GUARD_TERMINATE_RATE',
    default: 5,
    ...wholeNumberSetting(1, 100, 'calls per second', 'EC2 allows about 5 sustained'),
    doc: 'Terminate calls per second, sustained, of the client-side token bucket (EC2 allows about 5 mutating calls per second).',
  },
  [Setting.TERMINATE_BURST]: {
    env: 'CVPN_GUARD_TERMINATE_BURST',
    default: 50,
    ...wholeNumberSetting(1, 1000),
    doc: 'Burst of the client-side token bucket for terminate calls: calls that may go at once after a quiet spell.',
  },
  [Setting.TERMINATE_CONCURRENCY]: {
    env: 'CVPN_GUARD_TERMINATE_CONCURRENCY',
    default: 10,
    ...wholeNumberSetting(1, 100),
    doc: 'Terminate calls in flight at once.',
  },
  [Setting.MAX_CONTINUATIONS]: {
    env: 'CVPN_GUARD_MAX_CONTINUATIONS',
    default: 12,
    ...wholeNumberSetting(0, 100, undefined, '0: no continuations'),
    doc: 'Most continuations one run may lead to: a run that ends with work deferred after making progress, or that finds a policy change arrived while it held the lease, invokes its own function at once (asynchronously) to go on, and each continuation may do the same up to this many generations. Past the bound, the next scheduled run takes the work up. `0`: no continuations.',
  },
  [Setting.CONNECTION_HOUR_PRICES]: {
    env: 'CVPN_GUARD_CONNECTION_HOUR_PRICES',
    default: '',
    schema: z.string().transform((text, context) => {
      const read = readConnectionHourPrices(text);
      if (read.ok) return read.prices;
      refuse(context, read.reason);
      return z.NEVER;
    }),
    accepted: CONNECTION_HOUR_PRICES_ACCEPTED,
    doc: `What one Client VPN connection-hour costs, in US dollars, in each Region named; every other Region costs ${DEFAULT_CONNECTION_HOUR_PRICE_USD}. It prices the estimated cost saved (connection-hours that idle, max-session and off-hours rows ended early) on the dashboard, for the stack's own Region, and in \`cvpn-guard report\`. Set it from the Client VPN price list of your Regions: the figure is an estimate either way.`,
  },
  [Setting.CONNECT_FAIL_MODE]: {
    env: 'CVPN_GUARD_CONNECT_FAIL_MODE',
    readBy: [SettingReader.GATE],
    default: 'admit',
    schema: z.preprocess(toLowerCase, z.enum(['admit', 'refuse'])),
    accepted: 'admit or refuse',
    doc: 'What the client connect handler answers when it cannot decide in time (no policy rows loaded yet, the deadline passed, a malformed request): `admit` lets the attempt in (the next run still ends what breaks a policy), `refuse` turns it away with the neutral message. Each use is recorded and counted.',
  },
  [Setting.CONNECT_DEADLINE_MS]: {
    env: 'CVPN_GUARD_CONNECT_DEADLINE_MS',
    readBy: [SettingReader.GATE],
    default: 3000,
    ...wholeNumberSetting(100, 25_000, 'milliseconds', 'Client VPN waits 30 seconds at most'),
    doc: 'How long the client connect handler may take to decide; past it, it answers by `connectFailMode`. Well inside the 30 seconds after which Client VPN refuses the connection itself.',
  },
  [Setting.POLICY_CACHE_SECONDS]: {
    env: 'CVPN_GUARD_POLICY_CACHE_SECONDS',
    readBy: [SettingReader.GATE],
    default: 30,
    ...wholeNumberSetting(1, 3600, 'seconds'),
    doc: 'The client connect handler keeps the policy rows in memory and reads them again at most this often; when a read fails it keeps deciding with the rows it last read.',
  },
  [Setting.CONNECT_HANDLER_PROVISIONED_CONCURRENCY]: {
    env: undefined,
    default: 0,
    ...wholeNumberSetting(0, 1000, 'instances', '0: none'),
    doc: "Provisioned concurrency of the client connect handler, through its alias `live`; `0`: none, the endpoints call the function itself. A login storm (everyone connecting at 9:00, or reconnecting after an outage) otherwise meets cold starts, and Client VPN refuses an attempt the handler does not answer in time. Each instance is billed while provisioned and counts against the account's concurrency.",
  },
  [Setting.ATTACH_CONNECT_HANDLER]: {
    env: undefined,
    default: false,
    schema: flag(),
    accepted: 'true or false',
    doc: '`true`: the stack attaches the client connect handler to each of `endpointIds` (ModifyClientVpnEndpoint `ClientConnectOptions`) and detaches it when the stack is deleted, or when an endpoint leaves the list, only from endpoints still pointing at it. Needs `endpointIds`; refused with `endpointTag` or with no ids. `false`: the handler is deployed but attached to nothing; attach it with `cvpn-guard gate attach`.',
  },
  [Setting.DEPLOYMENT]: {
    env: undefined,
    default: Deployment.SINGLE,
    schema: z.preprocess(toLowerCase, z.enum([Deployment.SINGLE, Deployment.HUB])),
    accepted: 'single or hub',
    doc: '`single`: everything in one account and Region. `hub`: this stack is the hub of an organization (the policies and audit tables, the topic, the relay and hub-watch functions) and rolls a spoke (the enforcer, the client connect handler, the state table) out to every account of `targetOus` in every Region of `targetRegions` as a service-managed StackSet. Needs `targetOus`, `targetRegions` and `organizationId`; see docs/deploy.md.',
  },
  [Setting.TARGET_OUS]: {
    env: undefined,
    default: [],
    schema: patternList(MAX_TARGETS, ORGANIZATIONAL_UNIT_PATTERN, 'an organizational unit or root id'),
    accepted: `a list of up to ${MAX_TARGETS} organizational unit ids like ou-ab12-abcdefgh or root ids like r-ab12 (a JSON list, or comma-separated)`,
    doc: '`deployment=hub` only: the organizational units whose accounts (nested OUs included) get a spoke. An account that joins one of them gets a spoke automatically; one that leaves has its spokes deleted.',
  },
  [Setting.TARGET_REGIONS]: {
    env: undefined,
    default: [],
    schema: patternList(MAX_TARGETS, REGION_PATTERN, 'a Region name'),
    accepted: `a list of up to ${MAX_TARGETS} Region names like eu-west-1 (a JSON list, or comma-separated)`,
    doc: '`deployment=hub` only: the Regions each target account gets a spoke in. Each needs the spoke asset bucket (docs/deploy.md).',
  },
  [Setting.ORGANIZATION_ID]: {
    env: undefined,
    default: '',
    schema: optionalText(z.string().regex(ORGANIZATION_ID_PATTERN)),
    accepted: 'an organization id like o-abcdefghij',
    doc: "`deployment=hub` only: the organization the spokes belong to. The hub's tables and topic admit spoke roles of this organization only (`aws:PrincipalOrgID`).",
  },
});

/** Every setting's context key, in registry order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as Setting[];

/** The default of every setting, as cdk.json "context" holds it (an empty text or list: not set). */
export const SETTING_DEFAULTS = Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].default])) as {
  readonly [K in Setting]: (typeof SETTINGS)[K]['default'];
};

/** What a setting's schema gives: its value once read. */
export type SettingValue<K extends Setting> = z.output<(typeof SETTINGS)[K]['schema']>;
/** A value for every setting. */
export type SettingValues = { readonly [K in Setting]: SettingValue<K> };

/** The functions that read a setting's definition `D` from their environment. */
type ReadersOf<D> = D extends { readonly env: string }
  ? D extends { readonly readBy: readonly (infer R)[] }
    ? R
    : typeof SettingReader.ENFORCER
  : never;

/** The functions that read a setting from their environment (none for a setting only the stack uses). */
export function readersOf(key: Setting): readonly SettingReader[] {
  const definition: SettingDefinition = SETTINGS[key];
  if (definition.env === undefined) return [];
  return definition.readBy ?? [SettingReader.ENFORCER];
}

/** The settings a given function reads from its environment. */
type SettingReadBy<R extends SettingReader> = {
  [K in Setting]: R extends ReadersOf<(typeof SETTINGS)[K]> ? K : never;
}[Setting];

/** The settings the enforcer reads from its environment. */
export type EnforcerSetting = SettingReadBy<typeof SettingReader.ENFORCER>;
/** The settings the enforcer reads, with their values. */
export type EnforcerSettings = Pick<SettingValues, EnforcerSetting>;
/** The context keys of the settings the enforcer reads, in registry order. */
export const ENFORCER_SETTING_KEYS = SETTING_KEYS.filter((key) =>
  readersOf(key).includes(SettingReader.ENFORCER),
) as EnforcerSetting[];

/** The settings the client connect handler (the gate) reads from its environment. */
export type GateSetting = SettingReadBy<typeof SettingReader.GATE>;
/** The settings the gate reads, with their values. */
export type GateSettings = Pick<SettingValues, GateSetting>;
/** The context keys of the settings the gate reads, in registry order. */
export const GATE_SETTING_KEYS = SETTING_KEYS.filter((key) =>
  readersOf(key).includes(SettingReader.GATE),
) as GateSetting[];

/** The gate's settings among `values` (a stack's configuration holds them with others). */
export function gateSettingsOf(values: GateSettings): GateSettings {
  return Object.fromEntries(GATE_SETTING_KEYS.map((key) => [key, values[key]])) as unknown as GateSettings;
}

/** A setting some function reads from its environment. */
export type FunctionSetting = EnforcerSetting | GateSetting;

/** The settings that say how each run behaves: those the function reads, the endpoint selection aside. */
export type RunSetting = Exclude<EnforcerSetting, typeof Setting.ENDPOINT_IDS | typeof Setting.ENDPOINT_TAG>;
/** How each run behaves. */
export type RunSettings = Pick<SettingValues, RunSetting>;
/** The context keys of the run settings, in registry order. */
export const RUN_SETTING_KEYS = ENFORCER_SETTING_KEYS.filter(
  (key) => key !== Setting.ENDPOINT_IDS && key !== Setting.ENDPOINT_TAG,
) as RunSetting[];

/** The run settings among `values` (a stack's configuration holds them with others). */
export function runSettingsOf(values: RunSettings): RunSettings {
  return Object.fromEntries(RUN_SETTING_KEYS.map((key) => [key, values[key]])) as unknown as RunSettings;
}
