/**
 * The stack's configuration, from CDK context (cdk.json "context", overridable with `-c key=value`): each
 * setting is read with its schema from the settings registry (lambda/settings), then checked against the
 * others, then translated to what the CDK takes. A bad value fails synthesis with a message naming the key,
 * the value and what would be accepted.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  connectHandlerNameProblem,
  Deployment,
  ENDPOINT_SELECTION_EXCLUSIVE,
  type EndpointTag,
  formatEndpointTag,
  type GateSettings,
  gateSettingsOf,
  parseSetting,
  type ParsedSchedule,
  type RunSettings,
  runSettingsOf,
  Setting,
  SpokeRole,
  spokeRoleName,
  SETTING_DEFAULTS,
  SETTING_KEYS,
  type SettingValues,
} from '../lambda/settings/index.js';
import { ConfigValidationError, type ConfigIssue } from './errors.js';

/**
 * The endpoints a deployment acts on, as the stack grants them: terminate is allowed on these only. The run
 * lists them through the equivalent `EndpointSelection` (lambda/ports), which it reads from the environment.
 */
export type EndpointScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'tag'; readonly key: string; readonly value: string };

/** The validated settings the stack is built from; each is documented in the registry (lambda/settings). */
export interface StackConfig
  extends
    Pick<
      SettingValues,
      'stackName' | 'memorySize' | 'timeoutSeconds' | 'connectHandlerProvisionedConcurrency' | 'attachConnectHandler'
    >,
    RunSettings,
    GateSettings {
  /** When the enforcer runs. */
  readonly schedule: ParsedSchedule;
  /** Endpoints enforced on, from `endpointIds` or `endpointTag`. */
  readonly endpoints: EndpointScope;
  /** E-mail address subscribed to the digest and alarm topic; absent: no subscription. */
  readonly notificationEmail?: string;
  /** Retention of the function's log group, from `logRetentionDays`. */
  readonly logRetention: RetentionDays;
  /** What happens to the policies and audit tables when the stack is deleted, from `tableRemovalPolicy`. */
  readonly tableRemovalPolicy: RemovalPolicy;
  /** `single`, or `hub` of an organization deployment, from `deployment`. */
  readonly deployment: Deployment;
  /** A hub's targets; set exactly when `deployment` is `hub`. */
  readonly organization?: OrganizationTargets;
}

/** Where a hub rolls its spokes out, and the organization they belong to (`deployment=hub`). */
export interface OrganizationTargets {
  /** Organizational units (or roots) whose accounts get a spoke, from `targetOus`. */
  readonly organizationalUnits: readonly string[];
  /** Regions each of those accounts gets a spoke in, from `targetRegions`. */
  readonly regions: readonly string[];
  /** The organization, from `organizationId`. */
  readonly organizationId: string;
}

/** IAM's longest role name. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** Reads one context value; `undefined` when the key is not set. */
export type ContextReader = (key: string) => unknown;

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const KNOWN_KEYS = new Map(SETTING_KEYS.map((key) => [normalizeKey(key), key]));

/** The endpoints selected by ids (duplicates dropped), by tag, or neither: every endpoint. */
function endpointScopeOf(ids: readonly string[], tag: EndpointTag | undefined): EndpointScope {
  if (tag) return { kind: 'tag', key: tag.key, value: tag.value };
  return ids.length > 0 ? { kind: 'ids', ids: [...new Set(ids)] } : { kind: 'all' };
}

/** Issues of the settings that are valid alone but not together. */
function crossSettingIssues(settings: Partial<SettingValues>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { endpointIds, endpointTag, schedule, timeoutSeconds, leaseSeconds, timeMarginSeconds } = settings;
  if (endpointTag && endpointIds !== undefined && endpointIds.length > 0) {
    issues.push({
      key: Setting.ENDPOINT_TAG,
      value: formatEndpointTag(endpointTag),
      message: `${ENDPOINT_SELECTION_EXCLUSIVE} (endpointIds=${JSON.stringify(endpointIds)})`,
    });
  }
  issues.push(...connectHandlerIssues(settings));
  issues.push(...deploymentIssues(settings));
  if (timeoutSeconds === undefined) return issues;
  const periodSeconds = schedule?.periodSeconds;
  if (periodSeconds !== undefined && timeoutSeconds >= periodSeconds) {
    issues.push({
      key: Setting.TIMEOUT_SECONDS,
      value: timeoutSeconds,
      message: `must be less than the schedule period (${periodSeconds} s for ${schedule?.expression}), so a run ends before the next one starts`,
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
  return issues;
}

/** The organization settings, which only a hub takes. */
const ORGANIZATION_KEYS = [Setting.TARGET_OUS, Setting.TARGET_REGIONS, Setting.ORGANIZATION_ID] as const;

/** Whether an organization setting is set (a list with entries, a text). */
const isSet = (value: unknown): boolean => (Array.isArray(value) ? value.length > 0 : value !== undefined);

/**
 * Issues of the deployment kind: a hub needs all three organization settings (a StackSet naming no OU or Region
 * deploys nowhere), a single deployment none of them, and a spoke's role names must fit IAM's limit in every Region.
 */
function deploymentIssues(settings: Partial<SettingValues>): ConfigIssue[] {
  const { deployment, stackName, targetRegions } = settings;
  if (deployment === undefined) return [];
  const given = ORGANIZATION_KEYS.filter((key) => isSet(settings[key]));
  if (deployment === Deployment.SINGLE) {
    return given.map((key) => ({
      key,
      value: settings[key],
      message: `is for organization deployments only: set deployment=hub (with ${ORGANIZATION_KEYS.join(', ')}), or leave ${key} empty`,
    }));
  }
  // A key absent from `settings` failed to parse and is reported already.
  const missing = ORGANIZATION_KEYS.filter((key) => key in settings && !given.includes(key));
  const issues: ConfigIssue[] = missing.map((key) => ({
    key,
    value: settings[key],
    message:
      key === Setting.ORGANIZATION_ID
        ? 'deployment=hub needs the organization id (o-…): the hub admits spoke roles of this organization only'
        : `deployment=hub needs at least one entry: the StackSet deploys spokes to ${key === Setting.TARGET_OUS ? 'the accounts of these OUs' : 'these Regions'}`,
  }));
  if (settings.endpointIds !== undefined && settings.endpointIds.length > 0)
    issues.push({
      key: Setting.ENDPOINT_IDS,
      value: settings.endpointIds,
      message:
        "cannot be used with deployment=hub: endpoint ids belong to one account and Region; select the spokes' endpoints with endpointTag, or leave it empty for every endpoint",
    });
  if (settings.attachConnectHandler === true)
    issues.push({
      key: Setting.ATTACH_CONNECT_HANDLER,
      value: true,
      message:
        "cannot be used with deployment=hub: attach each spoke's client connect handler with `cvpn-guard gate attach --account … --region …`",
    });
  if (stackName !== undefined && targetRegions !== undefined) {
    const longest = targetRegions
      .map((region) => spokeRoleName(stackName, SpokeRole.OPERATOR, region))
      .find((name) => name.length > MAX_ROLE_NAME_LENGTH);
    if (longest !== undefined)
      issues.push({
        key: Setting.STACK_NAME,
        value: stackName,
        message: `too long for a hub: the spoke role ${longest} has ${longest.length} characters, IAM allows ${MAX_ROLE_NAME_LENGTH}; choose a shorter stackName`,
      });
  }
  return issues;
}

/** Issues of the client connect handler's name and of attaching it. */
function connectHandlerIssues(settings: Partial<SettingValues>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { stackName, attachConnectHandler, endpointIds, endpointTag } = settings;
  const nameProblem = stackName === undefined ? undefined : connectHandlerNameProblem(stackName);
  if (nameProblem !== undefined) issues.push({ key: Setting.STACK_NAME, value: stackName, message: nameProblem });
  if (!attachConnectHandler) return issues;
  if (endpointTag) {
    issues.push({
      key: Setting.ATTACH_CONNECT_HANDLER,
      value: true,
      message: `cannot attach to endpoints selected by tag (endpointTag=${formatEndpointTag(endpointTag)}): the stack attaches the handler to the endpoints it names; list them in endpointIds instead, or attach with \`cvpn-guard gate attach\``,
    });
  } else if (endpointIds !== undefined && endpointIds.length === 0) {
    issues.push({
      key: Setting.ATTACH_CONNECT_HANDLER,
      value: true,
      message:
        'needs the endpoints to attach the handler to: list them in endpointIds, or set attachConnectHandler to false and attach with `cvpn-guard gate attach`',
    });
  }
  return issues;
}

/**
 * Reads and validates every setting.
 *
 * @param read reads one context value (e.g. `(key) => app.node.tryGetContext(key)`)
 * @param contextKeys every context key set, to catch near-misses such as `dryrun` for `dryRun`
 * @throws ConfigValidationError naming each bad key, its value and what would be accepted
 */
export function loadStackConfig(read: ContextReader, contextKeys: readonly string[] = []): StackConfig {
  const issues: ConfigIssue[] = [];
  const parsed: { -readonly [K in Setting]?: SettingValues[K] } = {};

  for (const key of contextKeys) {
    const known = KNOWN_KEYS.get(normalizeKey(key));
    if (known !== undefined && known !== key) {
      issues.push({ key, value: read(key), message: `unknown setting; did you mean ${known}?` });
    }
  }

  for (const key of SETTING_KEYS) {
    const raw = read(key);
    const value = raw === undefined || raw === null ? SETTING_DEFAULTS[key] : raw;
    const result = parseSetting(key, value);
    if (result.ok) (parsed as Record<string, unknown>)[key] = result.value;
    else issues.push({ key, value, message: result.message });
  }
  issues.push(...crossSettingIssues(parsed));

  if (issues.length > 0) {
    const order = (issue: ConfigIssue): number => (SETTING_KEYS as string[]).indexOf(issue.key);
    throw new ConfigValidationError([...issues].sort((a, b) => order(a) - order(b)));
  }
  const settings = parsed as SettingValues;

  return {
    stackName: settings.stackName,
    schedule: settings.schedule,
    endpoints: endpointScopeOf(settings.endpointIds, settings.endpointTag),
    ...runSettingsOf(settings),
    ...gateSettingsOf(settings),
    connectHandlerProvisionedConcurrency: settings.connectHandlerProvisionedConcurrency,
    attachConnectHandler: settings.attachConnectHandler,
    ...(settings.notificationEmail === undefined ? {} : { notificationEmail: settings.notificationEmail }),
    // The registry's periods are those of RetentionDays (a test holds them equal).
    logRetention: settings.logRetentionDays as RetentionDays,
    tableRemovalPolicy: settings.tableRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    memorySize: settings.memorySize,
    timeoutSeconds: settings.timeoutSeconds,
    deployment: settings.deployment,
    ...(settings.deployment === Deployment.HUB
      ? {
          organization: {
            organizationalUnits: [...new Set(settings.targetOus)],
            regions: [...new Set(settings.targetRegions)],
            organizationId: settings.organizationId as string,
          },
        }
      : {}),
  };
}
