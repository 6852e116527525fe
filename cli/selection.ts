import { ENDPOINT_ID_PATTERN } from '../lambda/domain/index.js';
import { EnvVar } from '../lambda/environment.js';
import type { EndpointSelection } from '../lambda/ports/index.js';
import {
  describeEnvironmentRefusal,
  type EnforcerSetting,
  type Environment,
  parseSetting,
  readEnforcerSetting,
  type RunSettings,
  Setting,
  SETTINGS,
  type SettingValue,
} from '../lambda/settings/index.js';
import { stackTemplateBody } from './aws.js';
import type { CliContext } from './context.js';
import { enforcerEnvironmentOf } from './deployed-environment.js';
import { CliUsageError } from './errors.js';
import { explainError } from './explain-error.js';

/** The options that say which endpoints a deployment enforces on and how (plan and doctor take them). */
export interface RunSettingsOptions {
  readonly endpointIds?: readonly string[];
  readonly endpointTag?: string;
  readonly maxTerminationsPerRun?: number;
  readonly dryRun?: boolean;
}

/** What plan and doctor need of a deployment's settings: the endpoint selection, the cap and the switches. */
export interface DeploymentSettings extends Pick<RunSettings, 'maxTerminationsPerRun' | 'dryRun' | 'disabled'> {
  readonly selection: EndpointSelection;
}

/** Help of `--max-terminations-per-run`: where the cap comes from without the flag. */
export const MAX_TERMINATIONS_PER_RUN_HELP = `the global cap (default: env ${EnvVar.MAX_TERMINATIONS_PER_RUN}, else ${SETTINGS.maxTerminationsPerRun.default})`;

/** One setting as the enforcer reads it from `env`; a value it would refuse is bad usage, in the enforcer's words. */
function fromEnvironment<K extends EnforcerSetting>(env: Environment, key: K): SettingValue<K> {
  const result = readEnforcerSetting(env, key);
  if (!result.ok) throw new CliUsageError(describeEnvironmentRefusal(key, result.text, result.message));
  return result.value;
}

/** `--endpoint-tag`, parsed as the enforcer parses its tag. */
function tagFlag(text: string): SettingValue<typeof Setting.ENDPOINT_TAG> {
  const parsed = parseSetting(Setting.ENDPOINT_TAG, text);
  if (!parsed.ok) throw new CliUsageError(`--endpoint-tag ${JSON.stringify(text)}: ${parsed.message}`);
  return parsed.value;
}

/**
 * Which endpoints and which caps to use, each from its flag, else the enforcer's environment variable
 * read as the enforcer reads it (lambda/settings), else the setting's default: every endpoint, the default
 * cap, no dry run. `env` is the deployed function's environment when the stack is known, else the CLI's own.
 */
export function runSettings(options: RunSettingsOptions, env: Environment): DeploymentSettings {
  const ids = options.endpointIds ?? fromEnvironment(env, Setting.ENDPOINT_IDS);
  const idsFrom = options.endpointIds ? '--endpoint-ids' : EnvVar.ENDPOINT_IDS;
  const wrong = ids.filter((id) => !ENDPOINT_ID_PATTERN.test(id));
  if (wrong.length > 0) {
    throw new CliUsageError(
      `${idsFrom} ${wrong.join(',')}: expected Client VPN endpoint ids (cvpn-endpoint- and 8 to 17 hex digits)`,
    );
  }
  const tag =
    options.endpointTag === undefined ? fromEnvironment(env, Setting.ENDPOINT_TAG) : tagFlag(options.endpointTag);
  const tagFrom = options.endpointTag === undefined ? EnvVar.ENDPOINT_TAG : '--endpoint-tag';
  if (ids.length > 0 && tag)
    throw new CliUsageError(
      `give endpoint ids (${idsFrom}) or a tag (${tagFrom}), not both: the enforcer takes one of them`,
    );
  return {
    selection: { ...(ids.length > 0 ? { endpointIds: ids } : {}), ...(tag ? { tag } : {}) },
    maxTerminationsPerRun: options.maxTerminationsPerRun ?? fromEnvironment(env, Setting.MAX_TERMINATIONS_PER_RUN),
    dryRun: options.dryRun === true || fromEnvironment(env, Setting.DRY_RUN),
    disabled: fromEnvironment(env, Setting.DISABLED),
  };
}

/** The selection in words: `every endpoint`, `endpoints a, b`, `endpoints tagged k=v`. */
export function describeSelection(selection: EndpointSelection): string {
  if (selection.endpointIds && selection.endpointIds.length > 0) return `endpoints ${selection.endpointIds.join(', ')}`;
  if (selection.tag) return `endpoints tagged ${selection.tag.key}=${selection.tag.value}`;
  return 'every endpoint of the region';
}

/**
 * The environment the run settings come from: with `--stack`, the deployed enforcer's (read from the
 * stack's template), so a plan selects what the deployment selects; otherwise, or when the template
 * cannot be read (a note says so), the CLI's own.
 */
export async function settingsEnvironment(context: CliContext): Promise<Environment> {
  const stack = context.options.stack;
  if (stack === undefined) return context.io.env;
  try {
    const deployed = enforcerEnvironmentOf(await stackTemplateBody(context.clients, stack));
    if (deployed) return deployed;
    context.note(
      `note: stack ${stack} has no cvpn-guard enforcer function: endpoints and caps come from flags and environment`,
    );
  } catch (error) {
    context.note(
      `note: could not read the enforcer's settings from stack ${stack} (${explainError(error, context.scene()).message}): endpoints and caps come from flags and environment`,
    );
  }
  return context.io.env;
}
