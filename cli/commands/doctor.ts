import type { Command } from 'commander';
import type { Connection } from '../../lambda/domain/index.js';
import { errorCode } from '../../lambda/adapters/aws-errors.js';
import {
  type ClientVpnGateway,
  ClientVpnDryRunSucceededError,
  ClientVpnNotFoundError,
  ClientVpnUnauthorizedError,
} from '../../lambda/ports/index.js';
import { AUDIT_TABLE, POLICIES_TABLE, STATE_TABLE, type TableDefinition } from '../../lambda/tables.js';
import { callerArn } from '../aws.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliUsageError, ExitCode } from '../errors.js';
import { attachmentCheck, type CheckResult, CheckStatus } from './doctor-checks.js';
import { checkConnectionGroups } from './doctor-groups.js';
import { explainError } from '../explain-error.js';
import { wholeNumber, withSelectionOptions, withTargetOptions } from '../options.js';
import { EnvVar } from '../../lambda/environment.js';
import { parseScheduleExpression, SETTINGS } from '../../lambda/settings/index.js';
import { resolveHub } from '../spokes/hub-target.js';
import { placementText } from '../spokes/selector.js';
import { checkSpokes } from './doctor-spokes.js';
import { CANARY_TIMEOUT_MS } from '../../lambda/run/connect-handler-canary.js';
import { CanaryFailure, type CanaryResult } from '../../lambda/ports/index.js';
import { OutputFormat, renderJson, safeCell } from '../output/index.js';
import { type ClientConnectState, type OurHandler, readClientConnect, resolveOurHandler } from '../gate-attachment.js';
import { issueLine } from '../policy/row-issues.js';
import { describeSelection, runSettings, type RunSettingsOptions, settingsEnvironment } from '../selection.js';
import type { TableRole } from '../target.js';

/**
 * A user name no connection has, for the permission probe: terminating by it with DryRun asks EC2 only
 * whether the caller may terminate on the endpoint, and even without DryRun it could end nothing.
 */
export const PROBE_USERNAME = 'cvpn-guard-doctor-permission-probe';

const TABLES: readonly (readonly [TableRole, TableDefinition])[] = [
  ['policies', POLICIES_TABLE],
  ['audit', AUDIT_TABLE],
  ['state', STATE_TABLE],
];

/** A spoke's heartbeat is stale after this many periods of the schedule: one missed run is not yet a problem. */
const DEFAULT_SCHEDULE_PERIODS_STALE = 3;
/** The period assumed when the default schedule is a cron expression. */
const DEFAULT_PERIOD_SECONDS = 300;
const DEFAULT_SCHEDULE = ((parsed) => (parsed.ok ? parsed.schedule : { periodSeconds: undefined }))(
  parseScheduleExpression(SETTINGS.schedule.default),
);

/** Adds `cvpn-guard doctor`: checks a deployment the way an operator would before trusting it. */
export function registerDoctorCommand(program: Command): Command {
  return withTargetOptions(
    withSelectionOptions(
      program
        .command('doctor')
        .description(
          'Check a deployment (or the sandbox): tables reachable, policy rows valid, endpoints listable, terminate allowed (DryRun). One line per check; exit 1 when one fails.',
        ),
    ),
    [OutputFormat.TABLE, OutputFormat.JSON],
    'spokes',
  )
    .option('--function <arn>', "the client connect handler's function ARN (default: with --stack the stack's)")
    .option(
      '--stale-after <seconds>',
      `a hub: a spoke's heartbeat older than this fails (default: env ${EnvVar.SPOKE_STALE_SECONDS}, else ${DEFAULT_SCHEDULE_PERIODS_STALE} periods of the default schedule)`,
      wholeNumber(1),
    )
    .addHelpText(
      'after',
      "\nPermission checks use the credentials this command runs with: run it with the enforcer's role\n(--profile) to check the role itself.\n\nExamples:\n  cvpn-guard doctor --stack CvpnGuard\n  cvpn-guard doctor --sandbox\n  cvpn-guard doctor --stack CvpnGuardHub --region all\n",
    )
    .action(action(runDoctor));
}

async function runDoctor(
  context: CliContext,
  options: RunSettingsOptions & { readonly function?: string; readonly staleAfter?: number },
): Promise<void> {
  const format = context.format([OutputFormat.TABLE, OutputFormat.JSON], 'doctor');
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    if (format === OutputFormat.TABLE) context.print(checkLine(result));
  };
  const hub = await resolveHub(context);
  if (hub) {
    if (format === OutputFormat.TABLE)
      context.print(
        `cvpn-guard doctor: hub stack ${hub.stackName}; ${hub.spokes.length} of ${hub.known.length} spokes (${hub.spokes.map(placementText).join(', ')})\n`,
      );
    await checkHub(context, report);
    for (const result of await checkSpokes(context, hub, staleSeconds(options.staleAfter, context.io.env)))
      report(result);
    return verdictOf(context, format, results);
  }
  const settings = runSettings(options, await settingsEnvironment(context));

  const arn = await callerArn(context.clients);
  if (format === OutputFormat.TABLE) {
    context.print(
      `cvpn-guard doctor: tables from ${context.tables.describe()}; ${describeSelection(settings.selection)}${context.settings.region ? `; region ${context.settings.region}` : ''}\n`,
    );
  }
  report(
    arn
      ? { check: 'caller identity', status: CheckStatus.PASS, detail: arn }
      : {
          check: 'caller identity',
          status: CheckStatus.WARN,
          detail: 'STS GetCallerIdentity failed: the credentials could not be confirmed',
          fix: 'check --profile / AWS_PROFILE and the keys in your environment',
        },
  );
  for (const [role, definition] of TABLES) report(await checkTable(context, role, definition));
  report(await checkPolicies(context));

  const { Ec2ClientVpnGateway } = await import('../../lambda/adapters/Ec2ClientVpnGateway.js');
  const gateway = new Ec2ClientVpnGateway(await context.clients.ec2(), () => context.now());
  let endpoints: string[] = [];
  try {
    endpoints = (await gateway.listEndpoints(settings.selection)).map((endpoint) => endpoint.endpointId).sort();
    const missing = (settings.selection.endpointIds ?? []).filter((id) => !endpoints.includes(id));
    if (missing.length > 0) {
      report({
        check: 'endpoints',
        status: CheckStatus.FAIL,
        detail: `selected but not found in this account and region: ${missing.join(', ')}`,
        fix: 'check the endpoint ids (--endpoint-ids or CVPN_GUARD_ENDPOINT_IDS) and --region',
      });
    } else if (endpoints.length === 0) {
      report({
        check: 'endpoints',
        status: CheckStatus.WARN,
        detail: `no Client VPN endpoint matches (${describeSelection(settings.selection)}): a run would enforce nothing`,
        fix: 'check --region, and the endpoint ids or tag the deployment selects',
      });
    } else {
      report({
        check: 'endpoints',
        status: CheckStatus.PASS,
        detail: `${endpoints.length} selected: ${endpoints.join(', ')}`,
      });
    }
  } catch (error) {
    report({
      check: 'endpoints',
      status: CheckStatus.FAIL,
      detail: `DescribeClientVpnEndpoints failed: ${explainError(error, context.scene()).message}`,
      fix: 'allow ec2:DescribeClientVpnEndpoints',
    });
  }
  const arnPrefix = await endpointArnPrefix(context, arn);
  const handler = endpoints.length > 0 ? await ourConnectHandler(context, options.function, report) : undefined;
  for (const endpointId of endpoints) {
    const listed = await checkListable(gateway, endpointId);
    report(listed.result);
    report(await checkTerminatePermission(gateway, endpointId, listed.connections, `${arnPrefix}${endpointId}`));
    for (const result of await checkConnectHandler(context, endpointId, handler)) report(result);
  }
  const groups = await checkConnectionGroups(context, gateway, endpoints);
  if (groups !== undefined) report(groups);
  verdictOf(context, format, results);
}

/** A hub's own checks: the caller, the policies and audit tables (a hub has no state table), the rows. */
async function checkHub(context: CliContext, report: (result: CheckResult) => void): Promise<void> {
  const arn = await callerArn(context.clients);
  report(
    arn
      ? { check: 'caller identity', status: CheckStatus.PASS, detail: arn }
      : {
          check: 'caller identity',
          status: CheckStatus.WARN,
          detail: 'STS GetCallerIdentity failed: the credentials could not be confirmed',
          fix: 'check --profile / AWS_PROFILE and the keys in your environment',
        },
  );
  for (const [role, definition] of TABLES) if (role !== 'state') report(await checkTable(context, role, definition));
  report(await checkPolicies(context));
}

/**
 * How old a spoke's heartbeat may be: `--stale-after`, else CVPN_GUARD_SPOKE_STALE_SECONDS, else three periods of
 * the default schedule.
 */
export function staleSeconds(given: number | undefined, env: Readonly<Record<string, string | undefined>>): number {
  if (given !== undefined) return given;
  const fromEnv = env[EnvVar.SPOKE_STALE_SECONDS]?.trim();
  if (fromEnv) {
    const seconds = Number(fromEnv);
    if (!/^\d+$/.test(fromEnv) || seconds < 1)
      throw new CliUsageError(
        `${EnvVar.SPOKE_STALE_SECONDS} ${JSON.stringify(fromEnv)}: expected a whole number of seconds, at least 1`,
      );
    return seconds;
  }
  return DEFAULT_SCHEDULE_PERIODS_STALE * (DEFAULT_SCHEDULE.periodSeconds ?? DEFAULT_PERIOD_SECONDS);
}

function verdictOf(context: CliContext, format: OutputFormat, results: readonly CheckResult[]): void {
  const failed = results.filter((result) => result.status === CheckStatus.FAIL).length;
  const warned = results.filter((result) => result.status === CheckStatus.WARN).length;
  const verdict =
    failed > 0
      ? `NOT READY: ${failed} of ${results.length} checks failed${warned > 0 ? `, ${warned} warnings` : ''}`
      : `ready: ${results.length - warned} of ${results.length} checks passed${warned > 0 ? `, ${warned} warnings` : ''}`;
  if (format === OutputFormat.JSON) context.print(renderJson({ ok: failed === 0, verdict, checks: results }));
  else context.print(`\nverdict: ${verdict}\n`);
  if (failed > 0) throw new CliExit(ExitCode.FAILURE);
}

/** `arn:<partition>:ec2:<region>:<account>:client-vpn-endpoint/`, filled in from the caller's ARN and the region where known. */
async function endpointArnPrefix(context: CliContext, callerArn: string | undefined): Promise<string> {
  const [, partition = 'aws', , , account = '<account>'] = (callerArn ?? '').split(':');
  const region = await (await context.clients.ec2()).config.region().catch(() => '<region>');
  return `arn:${partition || 'aws'}:ec2:${region}:${account || '<account>'}:client-vpn-endpoint/`;
}

function checkLine(result: CheckResult): string {
  const tag = result.status === CheckStatus.PASS ? 'PASS' : result.status === CheckStatus.WARN ? 'WARN' : 'FAIL';
  return `${tag}  ${result.check}: ${safeCell(result.detail)}${result.fix ? `\n      fix: ${result.fix}` : ''}\n`;
}

/** A table: named, reachable, active, with the keys and indexes the product's definition says. */
async function checkTable(context: CliContext, role: TableRole, definition: TableDefinition): Promise<CheckResult> {
  const check = `${role} table`;
  let name: string;
  try {
    name = await context.tables.name(role);
  } catch (error) {
    return { check, status: CheckStatus.FAIL, detail: explainError(error, context.scene()).message };
  }
  const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
  try {
    const { Table: table } = await (
      await context.clients.dynamodb()
    ).send(new DescribeTableCommand({ TableName: name }));
    const keyOf = (type: 'HASH' | 'RANGE') => table?.KeySchema?.find((key) => key.KeyType === type)?.AttributeName;
    const problems: string[] = [];
    if (keyOf('HASH') !== definition.partitionKey.name)
      problems.push(`partition key ${keyOf('HASH')}, expected ${definition.partitionKey.name}`);
    if (keyOf('RANGE') !== definition.sortKey?.name)
      problems.push(`sort key ${keyOf('RANGE') ?? 'none'}, expected ${definition.sortKey?.name ?? 'none'}`);
    const indexes = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const missing = definition.indexes.map((index) => index.indexName).filter((index) => !indexes.has(index));
    if (missing.length > 0) problems.push(`indexes missing: ${missing.join(', ')}`);
    if (table?.TableStatus && table.TableStatus !== 'ACTIVE') problems.push(`status ${table.TableStatus}`);
    if (problems.length > 0) {
      return {
        check,
        status: CheckStatus.FAIL,
        detail: `${name}: ${problems.join('; ')}`,
        fix: `is ${name} the ${role} table of a cvpn-guard deployment? Check --stack / --${role}-table`,
      };
    }
    return { check, status: CheckStatus.PASS, detail: `${name} reachable, active, keys and indexes as expected` };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'AccessDeniedException') {
      return {
        check,
        status: CheckStatus.WARN,
        detail: `${name}: DescribeTable not allowed, so keys were not checked`,
        fix: 'allow dynamodb:DescribeTable to check the table',
      };
    }
    return { check, status: CheckStatus.FAIL, detail: `${name}: ${explainError(error, context.scene()).message}` };
  }
}

/** Every policy row valid, as the enforcer reads them. */
async function checkPolicies(context: CliContext): Promise<CheckResult> {
  const check = 'policy rows';
  try {
    const { DynamoPolicyRepository } = await import('../../lambda/adapters/DynamoPolicyRepository.js');
    const { rows, findings } = await new DynamoPolicyRepository(
      await context.clients.dynamodb(),
      await context.tables.name('policies'),
    ).loadAll();
    if (findings.length === 0) return { check, status: CheckStatus.PASS, detail: `${rows.length} rows, all valid` };
    const invalid = findings.map(
      (finding) => `${finding.policyId} (${finding.issues[0] ? issueLine(finding.issues[0]) : 'invalid'})`,
    );
    return {
      check,
      status: CheckStatus.FAIL,
      detail: `${findings.length} of ${rows.length + findings.length} rows are invalid and match nothing: ${invalid.join('; ')}`,
      fix: 'see every error with cvpn-guard policy list; fix with policy export, edit, policy put --file',
    };
  } catch (error) {
    return { check, status: CheckStatus.FAIL, detail: explainError(error, context.scene()).message };
  }
}

async function checkListable(
  gateway: ClientVpnGateway,
  endpointId: string,
): Promise<{ result: CheckResult; connections: readonly Connection[] }> {
  const check = `${endpointId} connections`;
  try {
    const connections = await gateway.listConnections(endpointId);
    const active = connections.filter((connection) => connection.status === 'active').length;
    return {
      result: {
        check,
        status: CheckStatus.PASS,
        detail: `listable: ${connections.length} connections (${active} active)`,
      },
      connections,
    };
  } catch (error) {
    return {
      result: {
        check,
        status: CheckStatus.FAIL,
        detail: `DescribeClientVpnConnections failed: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'allow ec2:DescribeClientVpnConnections',
      },
      connections: [],
    };
  }
}

/**
 * Whether terminate is allowed on the endpoint, asked with DryRun: `DryRunOperation` means allowed,
 * `UnauthorizedOperation` means not. The probe names a user no connection has; should EC2 check the
 * target before the permission, it asks again by the id of a connection it listed (DryRun still: nothing ends).
 */
async function checkTerminatePermission(
  gateway: ClientVpnGateway,
  endpointId: string,
  connections: readonly Connection[],
  endpointArn: string,
): Promise<CheckResult> {
  const check = `${endpointId} terminate permission`;
  const missing: CheckResult = {
    check,
    status: CheckStatus.FAIL,
    detail: 'not allowed: TerminateClientVpnConnections answered UnauthorizedOperation (DryRun)',
    fix: `allow ec2:TerminateClientVpnConnections on ${endpointArn} to the enforcer's role`,
  };
  const ask = async (call: Parameters<ClientVpnGateway['terminate']>[0]): Promise<CheckResult | 'inconclusive'> => {
    try {
      await gateway.terminate(call, { dryRun: true });
      return {
        check,
        status: CheckStatus.WARN,
        detail: 'the DryRun call answered without DryRunOperation: the permission could not be told',
        fix: 'check the endpoint URL: is it EC2?',
      };
    } catch (error) {
      if (error instanceof ClientVpnDryRunSucceededError)
        return { check, status: CheckStatus.PASS, detail: 'allowed (DryRun answered DryRunOperation)' };
      if (error instanceof ClientVpnUnauthorizedError) return missing;
      if (error instanceof ClientVpnNotFoundError || errorCode(error).startsWith('Invalid')) return 'inconclusive';
      return {
        check,
        status: CheckStatus.WARN,
        detail: `could not tell: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };
  const byProbe = await ask({ by: 'username', endpointId, username: PROBE_USERNAME, decisions: [] });
  if (byProbe !== 'inconclusive') return byProbe;
  // Prefer a connection that has already ended: even a DryRun is best aimed at nobody.
  const target = [...connections].sort(
    (left, right) => Number(left.status === 'active') - Number(right.status === 'active'),
  )[0];
  if (target) {
    const byConnection = await ask({
      by: 'connection-id',
      endpointId,
      connectionId: target.connectionId,
      decisions: [],
    });
    if (byConnection !== 'inconclusive') return byConnection;
  }
  return {
    check,
    status: CheckStatus.WARN,
    detail:
      'could not tell: EC2 checked the target before the permission and the endpoint has no connection to ask with',
    fix: 'run doctor again while someone is connected',
  };
}

/**
 * This deployment's client connect handler (`--function`, the stack's output), or undefined when nothing names
 * it; a way of naming it that fails (a stack without the output, a malformed ARN) is a failed check.
 */
async function ourConnectHandler(
  context: CliContext,
  given: string | undefined,
  report: (result: CheckResult) => void,
): Promise<OurHandler | undefined> {
  try {
    return await resolveOurHandler(context, given);
  } catch (error) {
    report({
      check: 'client connect handler',
      status: CheckStatus.WARN,
      detail: explainError(error, context.scene()).message,
    });
    return undefined;
  }
}

/**
 * An endpoint's client connect handler: attached, enabled, this deployment's (warns otherwise, with how to
 * attach it); then a canary attempt sent to the function Client VPN would ask (the attached one, else ours),
 * with its answer and latency. A canary that gets no well-formed answer fails: Client VPN refuses every client.
 */
async function checkConnectHandler(
  context: CliContext,
  endpointId: string,
  ours: OurHandler | undefined,
): Promise<CheckResult[]> {
  const check = `${endpointId} client connect handler`;
  let state: ClientConnectState;
  try {
    state = await readClientConnect(await context.clients.ec2(), endpointId);
  } catch (error) {
    return [{ check, status: CheckStatus.FAIL, detail: explainError(error, context.scene()).message }];
  }
  const attach = `cvpn-guard gate attach --endpoint ${endpointId} ${ours ? ours.flags : '--stack NAME'}`.trimEnd();
  const attachment = attachmentCheck(check, state, ours, attach);
  const target = state.enabled ? state.lambdaFunctionArn : ours?.functionArn;
  if (target === undefined) return [attachment];
  return [attachment, await canaryCheck(context, endpointId, target)];
}

/** What to do about each way a canary can fail. */
const CANARY_FIX: Readonly<Record<CanaryFailure, string>> = {
  [CanaryFailure.FUNCTION_ERROR]:
    "read the function's logs (CloudWatch Logs, /aws/lambda/<name>) and fix or redeploy it",
  [CanaryFailure.TIMEOUT]: `it must answer well within Client VPN's 30 s (the canary waits ${CANARY_TIMEOUT_MS} ms): check its logs, its connectDeadlineMs and its concurrency`,
  [CanaryFailure.THROTTLED]:
    'give the function reserved (or provisioned) concurrency: Client VPN refuses a client whose handler is throttled',
  [CanaryFailure.NOT_FOUND]:
    'deploy the stack (or check --function): Client VPN refuses every client while its handler is missing',
  [CanaryFailure.ACCESS_DENIED]:
    'allow lambda:InvokeFunction on the function to the credentials doctor runs with (--profile)',
  [CanaryFailure.MALFORMED_ANSWER]:
    "attach cvpn-guard's own handler (cvpn-guard gate attach --stack NAME): this function's answer is refused by Client VPN",
  [CanaryFailure.ERROR]: 'check the function, Lambda in this region, and the network; run doctor again',
};

async function canaryCheck(context: CliContext, endpointId: string, functionArn: string): Promise<CheckResult> {
  const check = `${endpointId} client connect handler canary`;
  const { LambdaConnectHandlerProbe } = await import('../../lambda/adapters/LambdaConnectHandlerProbe.js');
  const probe = new LambdaConnectHandlerProbe(await context.clients.lambda());
  const result: CanaryResult = await probe.invoke(functionArn, { endpointId, timeoutMs: CANARY_TIMEOUT_MS });
  if (!result.ok)
    return {
      check,
      status: CheckStatus.FAIL,
      detail: `${result.failure}: ${result.reason}`,
      fix: CANARY_FIX[result.failure],
    };
  const answered = result.allow ? 'allowed' : `refused (${JSON.stringify(result.message ?? '')})`;
  return {
    check,
    status: CheckStatus.PASS,
    detail: `answered in ${result.latencyMs} ms: ${answered} a synthetic attempt (${result.connectionId})`,
  };
}
