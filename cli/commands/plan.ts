import type { Command } from 'commander';
import {
  type Connection,
  ConnectionStatus,
  type Decision,
  evaluate,
  type Evaluation,
  isRowActive,
  planTerminations,
  PolicyKind,
  type PolicyValidationError,
  type TerminationCall,
  Verdict,
} from '../../lambda/domain/index.js';
import type { ClientVpnGateway, EndpointSelection } from '../../lambda/ports/index.js';
import { action, type CliContext } from '../context.js';
import { CliExit, ExitCode } from '../errors.js';
import { wholeNumber, withSelectionOptions, withTargetOptions } from '../options.js';
import { OutputFormat, renderJson, renderTable } from '../output/index.js';
import { invalidRowBlock, invalidRowJson } from '../policy/row-issues.js';
import {
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

/** The connections of the selected endpoints, and what could not be read. */
interface Listing {
  readonly endpoints: readonly string[];
  readonly connections: readonly Connection[];
  readonly errors: readonly string[];
}

/** Adds `cvpn-guard plan`: what a run would do now, without doing it. */
export function registerPlanCommand(program: Command): Command {
  return withTargetOptions(
    withSelectionOptions(
      program
        .command('plan')
        .description(
          "Preview a run: load the policies and current connections, evaluate them with the enforcer's engine, print what a run would do and why. Never terminates, never writes.",
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
  )
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard plan --stack CvpnGuard\n  cvpn-guard plan --sandbox --at 2026-11-26T20:00:00Z --output json\n',
    )
    .action(action(runPlan));
}

async function runPlan(context: CliContext, options: PlanOptions): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'plan');
  const settings = runSettings(options, await settingsEnvironment(context));
  const at = options.at !== undefined ? parseInstant('--at', options.at, context.now()) : context.now();
  const [{ DynamoPolicyRepository }, { Ec2ClientVpnGateway }] = await Promise.all([
    import('../../lambda/adapters/DynamoPolicyRepository.js'),
    import('../../lambda/adapters/Ec2ClientVpnGateway.js'),
  ]);
  const policies = new DynamoPolicyRepository(await context.clients.dynamodb(), await context.tables.name('policies'));
  const gateway = new Ec2ClientVpnGateway(await context.clients.ec2(), () => context.now());
  const [load, listing] = await Promise.all([policies.loadAll(), listConnections(gateway, settings.selection)]);

  // Idle memory is read as the enforcer reads it, never saved: the preview leaves the state table as it was.
  const idleRows = load.rows.filter((row) => row.kind === PolicyKind.IDLE && isRowActive(row, at));
  const idleState = idleRows.length > 0 ? await loadIdleState(context, listing.endpoints) : new Map();
  const evaluation = evaluate(load.rows, listing.connections, idleState, at, {
    maxTerminationsPerRun: settings.maxTerminationsPerRun,
    dryRun: settings.dryRun,
  });
  const calls = planTerminations(evaluation.decisions, listing.connections);
  const findings = [...load.findings, ...evaluation.findings];
  const active = listing.connections.filter((connection) => connection.status === ConnectionStatus.ACTIVE);
  const unseen =
    idleRows.length > 0 ? active.filter((connection) => !idleState.has(connection.connectionId)).length : 0;

  if (format === OutputFormat.JSON) {
    context.print(
      renderJson({
        at: at.toISOString(),
        selection: settings.selection,
        dryRun: settings.dryRun,
        disabled: settings.disabled,
        maxTerminationsPerRun: settings.maxTerminationsPerRun,
        endpoints: listing.endpoints,
        endpointErrors: listing.errors,
        connectionsSeen: listing.connections.length,
        activeConnections: active.length,
        policyRows: load.rows.length + load.findings.length,
        decisions: evaluation.decisions.map(decisionJson),
        calls: calls.map(callJson),
        findings: findings.map(invalidRowJson),
        globallyCapped: evaluation.globallyCapped,
        cappedPolicies: evaluation.cappedPolicies,
        connectionsWithoutIdleMemory: unseen,
      }),
    );
  } else {
    printPlan(context, {
      at,
      settings,
      listing,
      evaluation,
      calls,
      findings,
      policyRows: load.rows.length + load.findings.length,
      active: active.length,
      unseen,
    });
  }
  if (listing.errors.length > 0) throw new CliExit(ExitCode.FAILURE);
}

async function listConnections(gateway: ClientVpnGateway, selection: EndpointSelection): Promise<Listing> {
  const endpoints = (await gateway.listEndpoints(selection)).map((endpoint) => endpoint.endpointId);
  const errors = (selection.endpointIds ?? [])
    .filter((id) => !endpoints.includes(id))
    .map((id) => `${id}: selected, but no such Client VPN endpoint in this account and region`);
  const connections: Connection[] = [];
  const read: string[] = [];
  await Promise.all(
    endpoints.map(async (endpointId) => {
      try {
        connections.push(...(await gateway.listConnections(endpointId)));
        read.push(endpointId);
      } catch (error) {
        errors.push(`${endpointId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return { endpoints: read.sort(), connections, errors };
}

async function loadIdleState(context: CliContext, endpointIds: readonly string[]) {
  const { DynamoIdleStateStore } = await import('../../lambda/adapters/DynamoIdleStateStore.js');
  const clock = {
    now: () => context.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  // The retention only matters to saves, which the preview never makes.
  return new DynamoIdleStateStore(await context.clients.documents(), await context.tables.name('state'), clock, 1).load(
    endpointIds,
  );
}

interface PlanView {
  readonly at: Date;
  readonly settings: ReturnType<typeof runSettings>;
  readonly listing: Listing;
  readonly evaluation: Evaluation;
  readonly calls: readonly TerminationCall[];
  readonly findings: readonly PolicyValidationError[];
  readonly policyRows: number;
  readonly active: number;
  readonly unseen: number;
}

function printPlan(context: CliContext, view: PlanView): void {
  const { evaluation, calls, listing, settings } = view;
  const lines = [
    `Plan at ${formatAt(view.at.toISOString())}: a preview; nothing is terminated, nothing is written.`,
    `${describeSelection(settings.selection)}: ${listing.endpoints.length} read, ${listing.connections.length} connections (${view.active} active); ${view.policyRows} policy rows (${view.findings.length} invalid)${settings.dryRun ? '; dry run: terminate becomes would-terminate' : ''}`,
    '',
    '',
  ];
  context.print(lines.join('\n'));
  if (evaluation.decisions.length === 0)
    context.print('No connection breaks a policy: a run would terminate nothing.\n');
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
        evaluation.decisions,
      ),
    );
    const counts = Object.values(Verdict)
      .map(
        (verdict) => [verdict, evaluation.decisions.filter((decision) => decision.verdict === verdict).length] as const,
      )
      .filter(([, count]) => count > 0)
      .map(([verdict, count]) => `${count} ${verdict}`);
    context.print(`\n${counts.join(', ')}\n`);
  }
  if (settings.disabled) {
    context.print(
      "\nThe deployment's kill switch is on (CVPN_GUARD_DISABLED): a run would read nothing and terminate nothing.\n",
    );
  }
  if (evaluation.globallyCapped) {
    context.print(
      `The global cap (${settings.maxTerminationsPerRun} per run) is exceeded: the run would terminate none of them (capped) and raise the alarm.\n`,
    );
  }
  if (evaluation.cappedPolicies.length > 0) {
    context.print(`Over their own maxTerminations, so capped: ${evaluation.cappedPolicies.join(', ')}.\n`);
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
  if (view.findings.length > 0) {
    context.print(
      `\nInvalid policy rows match nothing (a run records each as invalid-policy):\n${view.findings.map((finding) => invalidRowBlock(finding)).join('\n')}\n`,
    );
  }
  if (listing.errors.length > 0)
    context.note(
      `could not read every endpoint; the plan leaves them out:\n${listing.errors.map((error) => `  ${error}`).join('\n')}`,
    );
}

function decisionJson(decision: Decision) {
  const { connection } = decision;
  return {
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    username: connection.username,
    commonName: connection.commonName,
    clientIp: connection.clientIp,
    establishedAt: connection.establishedAt.toISOString(),
    verdict: decision.verdict,
    policyId: decision.decidingPolicyId,
    kind: decision.decidingKind,
    mode: decision.mode,
    reason: decision.reason,
    exemptedBy: decision.exemptedBy,
    fired: decision.fired,
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
