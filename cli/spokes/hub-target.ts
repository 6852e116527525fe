import { errorCode } from '../../lambda/adapters/aws-errors.js';
import type { SpokeEntry } from '../../lambda/ports/index.js';
import { StackOutput } from '../../lib/outputs.js';
import type { CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { asksForSpokes, type PlacementRequest, selectSpokes } from './selector.js';

/** How a stack was deployed (its output `Deployment`; a stack without it predates hubs: single). */
export const Deployment = { SINGLE: 'single', HUB: 'hub' } as const;
/** One of the deployments. */
export type Deployment = (typeof Deployment)[keyof typeof Deployment];

/** A hub and the spokes a command acts on. */
export interface HubTarget {
  /** The hub's stack (`--stack`). */
  readonly stackName: string;
  /** The stack name the spokes' functions and roles are named from (output `SpokeStackName`). */
  readonly spokeStackName: string;
  /** Every spoke of the hub's directory, ordered by account then Region. */
  readonly known: readonly SpokeEntry[];
  /** The spokes `--account` and `--region` select (all when neither is given). */
  readonly spokes: readonly SpokeEntry[];
}

/**
 * The hub the command targets, with the spokes it selects; undefined for a single deployment (and then no option
 * may ask for spokes). A hub is a `--stack` whose output `Deployment` is `hub`; its spokes are its directory (each
 * spoke's heartbeat in the hub's audit table).
 */
export async function resolveHub(context: CliContext): Promise<HubTarget | undefined> {
  const request = context.placement ?? {};
  const spokesAsked = asksForSpokes(request);
  const stackName = context.options.stack;
  if (stackName === undefined) {
    if (spokesAsked)
      throw new CliUsageError(
        `${spokeFlags(request)} select spokes of a hub: pass --stack NAME, the hub's stack (the sandbox and table flags name one deployment)`,
      );
    return undefined;
  }
  const outputs = await outputsOf(context, stackName, request);
  const deployment = outputs[StackOutput.DEPLOYMENT]?.trim() || Deployment.SINGLE;
  if (deployment === Deployment.SINGLE) {
    if (spokesAsked)
      throw new CliUsageError(
        `stack ${stackName} is a single deployment (output ${StackOutput.DEPLOYMENT} ${deployment}): ${spokeFlags(request)} select spokes of a hub; against a single deployment give at most one --region, the Region the stack is in`,
      );
    return undefined;
  }
  if (deployment !== Deployment.HUB)
    throw new CliUsageError(
      `stack ${stackName} has output ${StackOutput.DEPLOYMENT} ${JSON.stringify(deployment)}: this CLI knows ${Object.values(Deployment).join(' and ')}; update cvpn-guard`,
    );
  const spokeStackName = outputs[StackOutput.SPOKE_STACK_NAME]?.trim();
  if (!spokeStackName)
    throw new CliUsageError(
      `hub stack ${stackName} has no output ${StackOutput.SPOKE_STACK_NAME}: deploy the hub again with this version of cvpn-guard`,
    );
  const { DynamoSpokeDirectory } = await import('../../lambda/adapters/DynamoSpokeDirectory.js');
  // Retention only matters to announcing, which the CLI never does.
  const known = await new DynamoSpokeDirectory(
    await context.clients.documents(),
    await context.tables.name('audit'),
    1,
  ).list();
  return { stackName, spokeStackName, known, spokes: selectSpokes(known, request) };
}

/** The stack's outputs; a stack missing from the one `--region` given may be a hub elsewhere: say how to name it. */
async function outputsOf(
  context: CliContext,
  stackName: string,
  request: PlacementRequest,
): Promise<Readonly<Record<string, string>>> {
  try {
    return (await context.tables.stackOutputsOf()) ?? {};
  } catch (error) {
    const oneRegion = request.hubRegion === undefined && Array.isArray(request.regions) && request.regions.length === 1;
    if (oneRegion && errorCode(error) === 'ValidationError' && /does not exist/i.test(String(error)))
      throw new CliUsageError(
        `stack ${stackName} does not exist in ${String(request.regions![0])}: a single deployment is looked up in its --region; a hub in its own Region: pass --hub-region NAME, and --region then selects its spokes`,
        { cause: error },
      );
    throw error;
  }
}

function spokeFlags(request: PlacementRequest): string {
  const flags = [
    request.accounts !== undefined ? '--account' : undefined,
    request.hubRegion !== undefined ? '--hub-region' : undefined,
    request.regions !== undefined && (request.regions === 'all' || request.regions.length > 1)
      ? `--region ${request.regions === 'all' ? 'all' : request.regions.join(',')}`
      : undefined,
  ].filter((flag) => flag !== undefined);
  return flags.join(' and ');
}
