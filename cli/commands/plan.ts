import type { Command } from 'commander';
import {
  ConnectionStatus,
  type Decision,
  isRowActive,
  type Placement,
  Outcome,
  PolicyKind,
  type TerminationCall,
  Verdict,
} from '../../lambda/domain/index.js';
import { readPlacement } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import type { EnvironmentIssue } from '../../lambda/errors.js';
import type { Clock, DecisionRecord } from '../../lambda/ports/index.js';
import type { Environment } from '../../lambda/settings/index.js';
import { decideRun, type GroupsInPlan, type RunPlan } from '../../lambda/run/decide-run.js';
import { type GatherPorts, gatherRun, type Listing } from '../../lambda/run/gather-run.js';
import { runIdFor } from '../../lambda/run/run-id.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliUsageError, ExitCode } from '../errors.js';
import { wholeNumber, withSelectionOptions, withTargetOptions } from '../options.js';
import { OutputFormat, renderJson, renderTable } from '../output/index.js';
import { invalidRowBlock, invalidRowJson } from '../policy/row-issues.js';
import { decisionJson } from '../run/decision-json.js';
import type { CliClients } from '../aws.js';
import { eachSpoke } from '../spokes/each-spoke.js';
import { type HubTarget, resolveHub } from '../spokes/hub-target.js';
import { placementText } from '../spokes/selector.js';
import { spokeStateTableName } from '../../lambda/settings/index.js';
import {
  type DeploymentSettings,
  describeSelection,
  MAX_TERMINATIONS_PER_RUN_HELP,
  runSettings,
  type RunSettingsOptions,
  settingsEnvironment,
} from '../selection.js';
import { formatAt, parseInstant } from '../time.js';

/** Options of `plan`. */
interface PlanOptions extends RunSettingsOptions {
  readonly at?: string;
}

/** Adds `cvpn-guard plan`: what a run would do now, without doing it. */
export function registerPlanCommand(program: Command): Command {
  return withTargetOptions(
    withSelectionOptions(
      program
        .command('plan')
        .description(
          "Preview a run: gather what a run reads (policies, current connections, idle memory, terminations awaiting confirmation) and decide with the run's own code, print what a run would do and why. Never terminates, never writes.",
        )
        .option(
          '--at <when>',
          'evaluate as if the run happened at this time (default now); an ISO 8601 time such as 2026-11-26T19:30:00+01:00',
        )
        .option('--max-terminations-per-run <n>', MAX_TERMINATIONS_PER_RUN_HELP, wholeNumber(0))
        .option(
          '--dry-run',
          "as the deployment's dry-run switch: every terminate becomes would-terminate (default: env CVPN_GUARD_DRY_RUN)",
        ),
    ),
    [OutputFormat.TABLE, OutputFormat.JSON],
    'spokes',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard plan --stack CvpnGuard\n  cvpn-guard plan --sandbox --at 2026-11-26T20:00:00Z --output json\n  cvpn-guard plan --stack CvpnGuardHub --account 111122223333 --region all\n',
    )
    .action(action(runPlan));
}

async function runPlan(context: CliContext, options: PlanOptions): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'plan');
  const hub = await resolveHub(context);
  // A spoke's deployed settings are in its own account's StackSet instance: against a hub, flags and environment.
  const environment = hub ? context.io.env : await settingsEnvironment(context);
  const settings = runSettings(options, environment);
  const at = options.at !== undefined ? parseInstant('--at', options.at, context.now()) : context.now();
  if (hub) return planOnSpokes(context, hub, settings, at, format);
  const preview = await previewRun(await readers(context, at, planPlacement(context, environment)), settings, at);
  if (format === OutputFormat.JSON) context.print(renderJson(preview.json));
  else printPlan(context, preview.view);
  if (preview.view.listing.endpointErrors.length > 0) throw new CliExit(ExitCode.FAILURE);
}

/**
 * `plan` against a hub: each selected spoke previewed with the hub's policies and audit tables (the CLI's own
 * credentials) and the spoke's endpoints and state table (its operator role, its Region); printed per spoke in the
 * spokes' order. A spoke that cannot be read is named and the others still answer (exit 1).
 */
async function planOnSpokes(
  context: CliContext,
  hub: HubTarget,
  settings: DeploymentSettings,
  at: Date,
  format: OutputFormat,
): Promise<void> {
  const answers = await eachSpoke(context, hub.spokeStackName, hub.spokes, async (clients, spoke) => {
    const stateTable = spoke.stateTable ?? spokeStateTableName(hub.spokeStackName);
    const placement = { accountId: spoke.accountId, region: spoke.region };
    return previewRun(await readers(context, at, placement, { clients, stateTable }), settings, at);
  });
  if (format === OutputFormat.JSON)
    context.print(
      renderJson({
        hub: hub.stackName,
        spokes: answers.map((answer) => ({
          accountId: answer.spoke.accountId,
          region: answer.spoke.region,
          ...(answer.ok ? answer.result.json : { error: answer.error }),
        })),
      }),
    );
  else
    for (const answer of answers) {
      context.print(`== spoke ${placementText(answer.spoke)} ==\n`);
      if (answer.ok) printPlan(context, answer.result.view);
      else context.print(`FAILED: ${answer.error}\n`);
      context.print('\n');
    }
  const failed = answers.filter((answer) => !answer.ok || answer.result.view.listing.endpointErrors.length > 0);
  if (failed.length > 0) {
    context.note(
      `${failed.length} of ${answers.length} spokes could not be read in full: ${failed.map((answer) => placementText(answer.spoke)).join(', ')}`,
    );
    throw new CliExit(ExitCode.FAILURE);
  }
}

/** A run previewed: gathered through the ports, decided with the run's own code; as JSON and for the table. */
async function previewRun(
  ports: GatherPorts,
  settings: DeploymentSettings,
  at: Date,
): Promise<{ readonly json: Record<string, unknown>; readonly view: PlanView }> {
  const gathered = await gatherRun(ports, { endpointSelection: settings.selection });
  const { listing } = gathered;
  // The endpoints could not even be listed (no credentials, no permission): say why, as every command does.
  if (listing.failure !== undefined) throw listing.failure;
  const plan = decideRun(gathered, {
    runId: runIdFor(at, at),
    now: at,
    dryRun: settings.dryRun,
    maxTerminationsPerRun: settings.maxTerminationsPerRun,
  });
  const active = listing.connections.filter((connection) => connection.status === ConnectionStatus.ACTIVE);
  const idleRows = gathered.rows.filter((row) => row.kind === PolicyKind.IDLE && isRowActive(row, at));
  const unseen =
    idleRows.length > 0 ? active.filter((connection) => !gathered.idleMemory.has(connection.connectionId)).length : 0;
  const lateFailures = plan.confirmations
    .filter(({ confirmation }) => confirmation.outcome === Outcome.FAILED)
    .map(({ record }) => record);
  const policyRows = gathered.rows.length + gathered.findings.length;
  const endpoints = [...listing.readEndpoints].sort();
  const json = {
    at: at.toISOString(),
    selection: settings.selection,
    dryRun: settings.dryRun,
    disabled: settings.disabled,
    maxTerminationsPerRun: settings.maxTerminationsPerRun,
    endpoints,
    endpointErrors: listing.endpointErrors,
    connectionsSeen: listing.connections.length,
    activeConnections: active.length,
    policyRows,
    decisions: plan.decisions.map(decisionJson),
    calls: plan.calls.map(callJson),
    findings: plan.findings.map(invalidRowJson),
    globallyCapped: plan.globallyCapped,
    cappedPolicies: plan.cappedPolicies,
    connectionsWithoutIdleMemory: unseen,
    groups: {
      connectionsWithUnknownGroups: plan.groups.unknown,
      factsOfAnotherIdentity: plan.groups.mismatched,
      rowsSelectingGroups: plan.groups.selectingRows,
    },
    lateFailures: lateFailures.map(lateFailureJson),
  };
  return {
    json,
    view: { at, settings, listing, endpoints, plan, policyRows, active: active.length, unseen, lateFailures },
  };
}

/**
 * Where the previewed run would run, as the run reads it (`readPlacement`): the account of
 * `CVPN_GUARD_ACCOUNT_ID` (the deployed function's, else the environment's) and the Region the plan reads. Rows
 * whose `accounts`/`regions` do not select it are left out, as the run leaves them out; without an account every
 * row applies, as in a run of a stack that does not set it.
 */
function planPlacement(context: CliContext, environment: Environment): Placement | undefined {
  const region = context.settings.region ?? context.io.env.AWS_REGION ?? context.io.env.AWS_DEFAULT_REGION;
  // Without a Region the SDK refuses the plan's first call in its own words.
  if (region === undefined) return undefined;
  const issues: EnvironmentIssue[] = [];
  const { placement } = readPlacement(
    { ...environment, AWS_REGION: region, [EnvVar.HUB_REGION]: undefined },
    { policiesTable: '', auditTable: '' },
    issues,
  );
  if (issues.length > 0) throw new CliUsageError(`plan: ${issues.map((issue) => issue.message).join('; ')}`);
  return placement;
}

/**
 * What `plan` gathers through: the run's own adapters, at the instant the plan is for, reduced to the
 * calls that read (nothing here can write idle memory or an audit record).
 */
async function readers(
  context: CliContext,
  at: Date,
  placement: Placement | undefined,
  spoke?: { readonly clients: CliClients; readonly stateTable: string },
): Promise<GatherPorts> {
  const [
    { DynamoPolicyRepository },
    { Ec2ClientVpnGateway },
    { DynamoIdleStateStore },
    { DynamoAuditLog },
    { DynamoConnectionFacts },
  ] = await Promise.all([
    import('../../lambda/adapters/DynamoPolicyRepository.js'),
    import('../../lambda/adapters/Ec2ClientVpnGateway.js'),
    import('../../lambda/adapters/DynamoIdleStateStore.js'),
    import('../../lambda/adapters/DynamoAuditLog.js'),
    import('../../lambda/adapters/DynamoConnectionFacts.js'),
  ]);
  const policiesTable = await context.tables.name('policies');
  const stateTable = spoke?.stateTable ?? (await context.tables.name('state'));
  const auditTable = await context.tables.name('audit');
  const documents = await context.clients.documents();
  // A spoke's endpoints and state are its own; the rows and the audit trail are the hub's.
  const local = spoke?.clients ?? context.clients;
  const localDocuments = await local.documents();
  const clock: Clock = {
    now: () => new Date(at.getTime()),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  const gateway = new Ec2ClientVpnGateway(await local.ec2(), () => clock.now());
  // Retention only matters to writes, which a plan never makes.
  const idleState = new DynamoIdleStateStore(localDocuments, stateTable, clock, 1);
  const audit = new DynamoAuditLog(documents, auditTable, 1, placement);
  const facts = new DynamoConnectionFacts(localDocuments, stateTable, clock);
  return {
    gateway: {
      listEndpoints: (selection) => gateway.listEndpoints(selection),
      listConnections: (endpointId) => gateway.listConnections(endpointId),
    },
    policies: new DynamoPolicyRepository(await context.clients.dynamodb(), policiesTable, placement),
    idleState: { load: (endpointIds) => idleState.load(endpointIds) },
    audit: { listUnconfirmed: () => audit.listUnconfirmed() },
    facts: { load: (endpointIds) => facts.load(endpointIds) },
  };
}

interface PlanView {
  readonly at: Date;
  readonly settings: DeploymentSettings;
  readonly listing: Listing;
  /** The endpoints read, sorted. */
  readonly endpoints: readonly string[];
  readonly plan: RunPlan;
  readonly policyRows: number;
  readonly active: number;
  readonly unseen: number;
  /** Earlier terminations the run would find failed (the connection is still up). */
  readonly lateFailures: readonly DecisionRecord[];
}

function printPlan(context: CliContext, view: PlanView): void {
  const { plan, listing, settings } = view;
  const { calls, findings } = plan;
  const lines = [
    `Plan at ${formatAt(view.at.toISOString())}: a preview; nothing is terminated, nothing is written.`,
    `${describeSelection(settings.selection)}: ${view.endpoints.length} read, ${listing.connections.length} connections (${view.active} active); ${view.policyRows} policy rows (${findings.length} invalid)${settings.dryRun ? '; dry run: terminate becomes would-terminate' : ''}`,
    '',
    '',
  ];
  context.print(lines.join('\n'));
  if (plan.decisions.length === 0) context.print('No connection breaks a policy: a run would terminate nothing.\n');
  else {
    context.print(
      renderTable(
        [
          { header: 'ENDPOINT', value: (decision: Decision) => decision.connection.endpointId },
          { header: 'CONNECTION', value: (decision) => decision.connection.connectionId },
          {
            header: 'IDENTITY',
            value: (decision) =>
              decision.connection.username ??
              (decision.connection.commonName ? `cn:${decision.connection.commonName}` : ''),
          },
          { header: 'VERDICT', value: (decision) => decision.verdict },
          { header: 'POLICY', value: (decision) => decision.decidingPolicyId },
          { header: 'MODE', value: (decision) => decision.mode },
          { header: 'WHY', value: (decision) => decision.reason },
        ],
        plan.decisions,
      ),
    );
    const counts = Object.values(Verdict)
      .map((verdict) => [verdict, plan.decisions.filter((decision) => decision.verdict === verdict).length] as const)
      .filter(([, count]) => count > 0)
      .map(([verdict, count]) => `${count} ${verdict}`);
    context.print(`\n${counts.join(', ')}\n`);
  }
  if (settings.disabled) {
    context.print(
      "\nThe deployment's kill switch is on (CVPN_GUARD_DISABLED): a run would read nothing and terminate nothing.\n",
    );
  }
  if (plan.globallyCapped) {
    context.print(
      `The global cap (${settings.maxTerminationsPerRun} per run) is exceeded: the run would terminate none of them (capped) and raise the alarm.\n`,
    );
  }
  if (plan.cappedPolicies.length > 0) {
    context.print(`Over their own maxTerminations, so capped: ${plan.cappedPolicies.join(', ')}.\n`);
  }
  if (calls.length > 0) {
    context.print(
      `\nA run would make ${calls.length} TerminateClientVpnConnections ${calls.length === 1 ? 'call' : 'calls'}:\n`,
    );
    context.print(
      calls
        .map(
          (call) =>
            `  ${call.endpointId}  ${call.by === 'username' ? `Username=${call.username} (${call.decisions.length} connection${call.decisions.length === 1 ? '' : 's'})` : `ConnectionId=${call.connectionId}`}`,
        )
        .join('\n') + '\n',
    );
  }
  if (view.unseen > 0) {
    context.print(
      `\n${view.unseen} active connections have no idle memory yet (the enforcer has not seen them): idle rules count them as active now.\n`,
    );
  }
  const groupsNote = unknownGroupsNote(plan.groups);
  if (groupsNote !== undefined) context.print(`\n${groupsNote}\n`);
  if (view.lateFailures.length > 0) {
    context.print(
      `\n${view.lateFailures.length} earlier ${view.lateFailures.length === 1 ? 'termination' : 'terminations'} EC2 accepted did not take effect (the connections are still up): a run records them failed.\n${view.lateFailures.map((record) => `  ${record.connectionId} on ${record.endpointId} (run ${record.runId})`).join('\n')}\n`,
    );
  }
  if (findings.length > 0) {
    context.print(
      `\nInvalid policy rows match nothing (a run records each as invalid-policy):\n${findings.map((finding) => invalidRowBlock(finding)).join('\n')}\n`,
    );
  }
  if (listing.endpointErrors.length > 0)
    context.note(
      `could not read every endpoint; the plan leaves them out:\n${listing.endpointErrors.map((error) => `  ${error}`).join('\n')}`,
    );
}

/**
 * What a person should know of unknown groups, when a row in force selects by groups (else nothing: then
 * groups change no decision). A connection's groups are known only when the client connect handler kept them.
 */
export function unknownGroupsNote(groups: GroupsInPlan): string | undefined {
  if (groups.selectingRows.length === 0 || (groups.unknown === 0 && groups.mismatched === 0)) return undefined;
  const lines = [
    `${groups.unknown} active ${groups.unknown === 1 ? 'connection has' : 'connections have'} unknown groups (the client connect handler kept no facts of ${groups.unknown === 1 ? 'it' : 'them'}): the rows selecting by groups (${groups.selectingRows.join(', ')}) do not match ${groups.unknown === 1 ? 'it' : 'them'} through groups.`,
  ];
  if (groups.mismatched > 0)
    lines.push(
      `${groups.mismatched} kept facts name another user name or common name than EC2 lists under the same connection id: not used.`,
    );
  return lines.join('\n');
}

function lateFailureJson(record: DecisionRecord) {
  return {
    runId: record.runId,
    endpointId: record.endpointId,
    connectionId: record.connectionId,
    username: record.username,
    commonName: record.commonName,
  };
}

function callJson(call: TerminationCall) {
  return {
    endpointId: call.endpointId,
    by: call.by,
    ...(call.by === 'username' ? { username: call.username } : { connectionId: call.connectionId }),
    connectionIds: call.decisions.map((decision) => decision.connection.connectionId),
  };
}
