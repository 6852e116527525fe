import type { Command } from 'commander';
import { ENDPOINT_ID_PATTERN } from '../../lambda/domain/index.js';
import { confirm } from '../confirm.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliOperationError, CliUsageError, ExitCode } from '../errors.js';
import {
  attachHandler,
  type ClientConnectState,
  detachHandler,
  isOurs,
  NAME_OUR_HANDLER,
  type OurHandler,
  readClientConnect,
  resolveOurHandler,
} from '../gate-attachment.js';
import { withTargetOptions } from '../options.js';
import { eachSpoke } from '../spokes/each-spoke.js';
import { type HubTarget, resolveHub } from '../spokes/hub-target.js';
import { placementText } from '../spokes/selector.js';
import { OutputFormat, renderJson, renderPairs } from '../output/index.js';

const FORMATS = [OutputFormat.TABLE, OutputFormat.JSON];

/** Options every `gate` command takes. */
interface GateOptions {
  readonly endpoint: string;
  readonly function?: string;
}

/** Options of `gate attach` and `gate detach`. */
interface ChangeOptions extends GateOptions {
  readonly yes?: boolean;
  readonly force?: boolean;
}

/** What a change did, for its JSON output. */
const GateAction = { ATTACHED: 'attached', DETACHED: 'detached', UNCHANGED: 'unchanged' } as const;
type GateAction = (typeof GateAction)[keyof typeof GateAction];

/** Adds `cvpn-guard gate attach|detach|status`: the client connect handler of one endpoint. */
export function registerGateCommands(program: Command): Command {
  const gate = program
    .command('gate')
    .description(
      "Attach, detach or show an endpoint's client connect handler (the gate): the function Client VPN asks about each new connection.",
    );
  const common = (command: Command, across: 'one' | 'spokes' = 'one') =>
    withTargetOptions(
      (across === 'one'
        ? command.requiredOption('--endpoint <id>', 'the Client VPN endpoint')
        : command.option(
            '--endpoint <id>',
            'the Client VPN endpoint (a hub: default every endpoint of each selected spoke)',
          )
      ).option(
        '--function <arn>',
        "the handler's function ARN (default: with --stack the stack's output ConnectHandlerArn, else env CVPN_GUARD_CONNECT_HANDLER_FUNCTION; a hub: each spoke's gate, from its heartbeat)",
      ),
      FORMATS,
      across,
    );

  common(
    gate
      .command('attach')
      .description(
        "Attach this deployment's client connect handler to an endpoint: from then on Client VPN asks it about every new connection. Asks for confirmation unless --yes.",
      )
      .option('-y, --yes', 'attach without asking (needed when there is no terminal to ask on)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard gate attach --endpoint cvpn-endpoint-0123456789abcdef0 --stack CvpnGuard\n',
    )
    .action(action(attach));

  common(
    gate
      .command('detach')
      .description(
        "Detach an endpoint's client connect handler, when it is this deployment's (--force: whichever it is). Asks for confirmation unless --yes.",
      )
      .option('-y, --yes', 'detach without asking (needed when there is no terminal to ask on)')
      .option('--force', "detach the endpoint's handler even when it is not this deployment's"),
  ).action(action(detach));

  common(
    gate
      .command('status')
      .description(
        "Show an endpoint's client connect handler: enabled, its function, the change's status, and whether it is this deployment's. Against a hub: each selected spoke's endpoints, grouped per spoke.",
      ),
    'spokes',
  ).action(action(status));

  return gate;
}

async function attach(context: CliContext, options: ChangeOptions): Promise<void> {
  const format = context.format(FORMATS, 'gate attach');
  const endpointId = checkEndpoint(options.endpoint);
  const ours = await resolveOurHandler(context, options.function);
  if (!ours) throw new CliUsageError(`gate attach: which function to attach? ${NAME_OUR_HANDLER}`);
  const ec2 = await context.clients.ec2();
  const before = await readClientConnect(ec2, endpointId);
  if (isOurs(before, ours)) {
    printChange(context, format, GateAction.UNCHANGED, before, before, ours);
    return;
  }
  const replacing = before.enabled && before.lambdaFunctionArn ? `, replacing ${before.lambdaFunctionArn}` : '';
  await confirmChange(
    context,
    options,
    'gate attach',
    `Attach ${ours.functionArn} to ${endpointId}${replacing}? Client VPN refuses every new connection the handler refuses, or fails to answer.`,
    `not attached: ${endpointId} is unchanged`,
  );
  await attachHandler(ec2, endpointId, ours.functionArn);
  printChange(context, format, GateAction.ATTACHED, before, await readClientConnect(ec2, endpointId), ours);
}

async function detach(context: CliContext, options: ChangeOptions): Promise<void> {
  const format = context.format(FORMATS, 'gate detach');
  const endpointId = checkEndpoint(options.endpoint);
  const ours = await resolveOurHandler(context, options.function);
  const ec2 = await context.clients.ec2();
  const before = await readClientConnect(ec2, endpointId);
  if (!before.enabled) {
    printChange(context, format, GateAction.UNCHANGED, before, before, ours);
    return;
  }
  if (isOurs(before, ours) !== true && !options.force) {
    throw new CliUsageError(
      ours
        ? `${endpointId}'s client connect handler is ${before.lambdaFunctionArn ?? 'unnamed'}, not this deployment's (${ours.functionArn}, from ${ours.from}): pass --force to detach it anyway`
        : `gate detach: cannot tell whether ${endpointId}'s handler (${before.lambdaFunctionArn ?? 'unnamed'}) is this deployment's: ${NAME_OUR_HANDLER}, or pass --force`,
    );
  }
  await confirmChange(
    context,
    options,
    'gate detach',
    `Detach ${before.lambdaFunctionArn ?? 'the client connect handler'} from ${endpointId}? Client VPN then admits every client that authenticates, with no policy asked at connect.`,
    `not detached: ${endpointId} is unchanged`,
  );
  await detachHandler(ec2, endpointId);
  printChange(context, format, GateAction.DETACHED, before, await readClientConnect(ec2, endpointId), ours);
}

async function status(context: CliContext, options: Partial<GateOptions>): Promise<void> {
  const format = context.format(FORMATS, 'gate status');
  const hub = await resolveHub(context);
  if (hub) return statusOnSpokes(context, hub, options, format);
  if (options.endpoint === undefined)
    throw new CliUsageError(
      'gate status: which endpoint? Pass --endpoint cvpn-endpoint-…; against a hub (--stack of a hub) it may be left out',
    );
  const endpointId = checkEndpoint(options.endpoint);
  const ours = await resolveOurHandler(context, options.function);
  const state = await readClientConnect(await context.clients.ec2(), endpointId);
  if (format === OutputFormat.JSON) {
    context.print(renderJson(stateJson(state, ours)));
    return;
  }
  context.print(renderPairs(statePairs(state, ours)));
  if (!state.enabled)
    context.note(`attach one with: cvpn-guard gate attach --endpoint ${endpointId} (--stack NAME or --function ARN)`);
}

/**
 * `gate status` against a hub: with each selected spoke's operator role, the client connect handler of each of its
 * endpoints (or of `--endpoint` where it is), judged against the spoke's own gate (its heartbeat's). A spoke that
 * cannot be read is named and the others still answer (exit 1).
 */
async function statusOnSpokes(
  context: CliContext,
  hub: HubTarget,
  options: Partial<GateOptions>,
  format: OutputFormat,
): Promise<void> {
  if (options.function !== undefined)
    throw new CliUsageError(
      `--function names one function; against hub ${hub.stackName} each spoke's gate is its own (from its heartbeat): drop --function`,
    );
  const wanted = options.endpoint === undefined ? undefined : checkEndpoint(options.endpoint);
  const answers = await eachSpoke(context, hub.spokeStackName, hub.spokes, async (clients, spoke) => {
    const ec2 = await clients.ec2();
    const { Ec2ClientVpnGateway } = await import('../../lambda/adapters/Ec2ClientVpnGateway.js');
    const endpointIds = (await new Ec2ClientVpnGateway(ec2, () => context.now()).listEndpoints({}))
      .map((endpoint) => endpoint.endpointId)
      .filter((endpointId) => wanted === undefined || endpointId === wanted)
      .sort();
    const ours: OurHandler | undefined = spoke.gateFunctionArn
      ? { functionArn: spoke.gateFunctionArn, from: `spoke ${placementText(spoke)}`, flags: '' }
      : undefined;
    const states: ClientConnectState[] = [];
    for (const endpointId of endpointIds) states.push(await readClientConnect(ec2, endpointId));
    return { ours, states };
  });
  if (format === OutputFormat.JSON)
    context.print(
      renderJson({
        hub: hub.stackName,
        spokes: answers.map((answer) => ({
          accountId: answer.spoke.accountId,
          region: answer.spoke.region,
          ...(answer.ok
            ? { endpoints: answer.result.states.map((state) => stateJson(state, answer.result.ours)) }
            : { error: answer.error }),
        })),
      }),
    );
  else
    for (const answer of answers) {
      context.print(`== spoke ${placementText(answer.spoke)} ==\n`);
      if (!answer.ok) context.print(`FAILED: ${answer.error}\n`);
      else if (answer.result.states.length === 0)
        context.print(wanted ? `${wanted} is not an endpoint of this spoke\n` : 'no Client VPN endpoint\n');
      else
        context.print(
          answer.result.states.map((state) => renderPairs(statePairs(state, answer.result.ours))).join('\n'),
        );
      context.print('\n');
    }
  const failed = answers.filter((answer) => !answer.ok);
  if (failed.length > 0) {
    context.note(
      `${failed.length} of ${answers.length} spokes could not be read: ${failed.map((answer) => placementText(answer.spoke)).join(', ')}`,
    );
    throw new CliExit(ExitCode.FAILURE);
  }
  if (wanted !== undefined && answers.every((answer) => answer.ok && answer.result.states.length === 0))
    throw new CliUsageError(
      `no selected spoke has endpoint ${wanted}: the spokes are ${hub.spokes.map(placementText).join(', ')}; check --endpoint, --account and --region`,
    );
}

function checkEndpoint(value: string): string {
  const endpointId = value.trim();
  if (!ENDPOINT_ID_PATTERN.test(endpointId))
    throw new CliUsageError(
      `--endpoint ${JSON.stringify(value)}: expected a Client VPN endpoint id (cvpn-endpoint- and 8 to 17 hex digits)`,
    );
  return endpointId;
}

/** Asks before a change, unless --yes; refuses to change without asking when no one can be asked. */
async function confirmChange(
  context: CliContext,
  options: ChangeOptions,
  command: string,
  question: string,
  declined: string,
): Promise<void> {
  if (options.yes) return;
  if (!context.io.interactive) {
    throw new CliUsageError(
      `${command} --endpoint ${options.endpoint} needs confirmation and there is no terminal to ask on: pass --yes`,
    );
  }
  if (!(await confirm(context.io, question))) throw new CliOperationError(declined);
}

function printChange(
  context: CliContext,
  format: OutputFormat,
  done: GateAction,
  before: ClientConnectState,
  after: ClientConnectState,
  ours: OurHandler | undefined,
): void {
  if (format === OutputFormat.JSON) {
    context.print(renderJson({ action: done, before: stateJson(before, ours), after: stateJson(after, ours) }));
    return;
  }
  const line =
    done === GateAction.ATTACHED
      ? `attached ${after.lambdaFunctionArn} to ${after.endpointId}`
      : done === GateAction.DETACHED
        ? `detached ${before.lambdaFunctionArn ?? 'the client connect handler'} from ${after.endpointId}`
        : after.enabled
          ? `${after.endpointId} already has this handler attached: nothing changed`
          : `${after.endpointId} has no client connect handler attached: nothing changed`;
  context.print(`${line}\n${renderPairs(statePairs(after, ours))}`);
}

function stateJson(state: ClientConnectState, ours: OurHandler | undefined) {
  return {
    endpointId: state.endpointId,
    enabled: state.enabled,
    lambdaFunctionArn: state.lambdaFunctionArn ?? null,
    status: { code: state.statusCode ?? null, message: state.statusMessage ?? null },
    ours: isOurs(state, ours) ?? null,
    ourFunctionArn: ours?.functionArn ?? null,
  };
}

function statePairs(state: ClientConnectState, ours: OurHandler | undefined): [string, string][] {
  const mine = isOurs(state, ours);
  return [
    ['endpoint', state.endpointId],
    ['client connect handler', state.enabled ? 'enabled' : 'not attached'],
    ['function', state.lambdaFunctionArn ?? '-'],
    ['status', `${state.statusCode ?? '-'}${state.statusMessage ? ` (${state.statusMessage})` : ''}`],
    [
      "this deployment's",
      mine === undefined
        ? 'unknown (pass --stack or --function)'
        : mine
          ? `yes (${ours!.from})`
          : `no: this deployment's is ${ours!.functionArn} (${ours!.from})`,
    ],
  ];
}
