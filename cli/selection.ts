import { ENDPOINT_ID_PATTERN } from '../lambda/domain/index.js';
import { EnvVar } from '../lambda/environment.js';
import type { EndpointSelection } from '../lambda/ports/index.js';
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

/** The deployment's run settings, as the enforcer reads them. */
export interface RunSettings {
  readonly selection: EndpointSelection;
  readonly maxTerminationsPerRun: number;
  readonly dryRun: boolean;
  /** The kill switch: a run does nothing. */
  readonly disabled: boolean;
}

/** The enforcer's default global cap (lambda/config.ts). */
const DEFAULT_MAX_TERMINATIONS_PER_RUN = 100;

/**
 * Which endpoints and which caps to use, each from its flag, else the enforcer's environment variable
 * (the same names the function reads), else the enforcer's default: every endpoint, a cap of 100, no dry run.
 * `env` is the deployed function's environment when the stack is known, else the CLI's own.
 */
export function runSettings(
  options: RunSettingsOptions,
  env: Readonly<Record<string, string | undefined>>,
): RunSettings {
  const ids = options.endpointIds ?? splitList(env[EnvVar.ENDPOINT_IDS]);
  const idsFrom = options.endpointIds ? '--endpoint-ids' : EnvVar.ENDPOINT_IDS;
  const wrong = ids.filter((id) => !ENDPOINT_ID_PATTERN.test(id));
  if (wrong.length > 0) {
    throw new CliUsageError(
      `${idsFrom} ${wrong.join(',')}: expected Client VPN endpoint ids (cvpn-endpoint- and 8 to 17 hex digits)`,
    );
  }
  const tagText = options.endpointTag ?? (env[EnvVar.ENDPOINT_TAG]?.trim() || undefined);
  const tagFrom = options.endpointTag !== undefined ? '--endpoint-tag' : EnvVar.ENDPOINT_TAG;
  let tag: { key: string; value: string } | undefined;
  if (tagText !== undefined) {
    const separator = tagText.indexOf('=');
    if (separator <= 0)
      throw new CliUsageError(`${tagFrom} ${JSON.stringify(tagText)}: expected key=value, such as cvpn-guard=enforce`);
    tag = { key: tagText.slice(0, separator).trim(), value: tagText.slice(separator + 1).trim() };
  }
  if (ids.length > 0 && tag)
    throw new CliUsageError(
      `give endpoint ids (${idsFrom}) or a tag (${tagFrom}), not both: the enforcer takes one of them`,
    );
  const capText = env[EnvVar.MAX_TERMINATIONS_PER_RUN]?.trim();
  const cap = options.maxTerminationsPerRun ?? (capText ? Number(capText) : DEFAULT_MAX_TERMINATIONS_PER_RUN);
  if (!Number.isInteger(cap) || cap < 0)
    throw new CliUsageError(
      `${EnvVar.MAX_TERMINATIONS_PER_RUN} ${JSON.stringify(capText)}: expected a whole number ≥ 0`,
    );
  const isOn = (name: string) => ['true', '1'].includes(env[name]?.trim() ?? '');
  return {
    selection: { ...(ids.length > 0 ? { endpointIds: ids } : {}), ...(tag ? { tag } : {}) },
    maxTerminationsPerRun: cap,
    dryRun: options.dryRun === true || isOn(EnvVar.DRY_RUN),
    disabled: isOn(EnvVar.DISABLED),
  };
}

/** The selection in words: `every endpoint`, `endpoints a, b`, `endpoints tagged k=v`. */
export function describeSelection(selection: EndpointSelection): string {
  if (selection.endpointIds && selection.endpointIds.length > 0) return `endpoints ${selection.endpointIds.join(', ')}`;
  if (selection.tag) return `endpoints tagged ${selection.tag.key}=${selection.tag.value}`;
  return 'every endpoint of the region';
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The environment the run settings come from: with `--stack`, the deployed enforcer's (read from the
 * stack's template), so a plan selects what the deployment selects; otherwise, or when the template
 * cannot be read (a note says so), the CLI's own.
 */
export async function settingsEnvironment(context: CliContext): Promise<Readonly<Record<string, string | undefined>>> {
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
