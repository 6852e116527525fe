import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { errorCode } from '../../lambda/adapters/aws-errors.js';
import { Outcome, RunStatus } from '../../lambda/domain/index.js';
import { StackOutput } from '../../lib/outputs.js';
import { describeStackOutputs } from '../aws.js';
import { action, type CliContext } from '../context.js';
import { CliExit, CliOperationError, CliUsageError, ExitCode } from '../errors.js';
import { withTargetOptions } from '../options.js';
import { OutputFormat, renderJson, renderTable } from '../output/index.js';
import { invalidRowBlock, invalidRowJson } from '../policy/row-issues.js';
import { type DecisionJson, recordDecisionJson } from '../run/decision-json.js';
import { decisionRecordsOf, parseRunAnswer, type RunAnswer } from '../run/run-answer.js';
import { SANDBOX_ENFORCER_FUNCTION_NAME } from '../sandbox/enforcer-name.js';
import { eachSpoke } from '../spokes/each-spoke.js';
import { type HubTarget, resolveHub } from '../spokes/hub-target.js';
import { placementText } from '../spokes/selector.js';
import { formatElapsed } from '../time.js';
import { spokeEnforcerName } from '../../lambda/settings/index.js';

const FORMATS = [OutputFormat.TABLE, OutputFormat.JSON];
/** The `source` of the event `run` sends, so the function's logs tell a run asked for from the command line. */
export const RUN_EVENT_SOURCE = 'cvpn-guard run';

/** Options of `run`. */
interface RunOptions {
  readonly dryRun?: boolean;
  readonly function?: string;
}

/** What Lambda answered an invocation that the function failed. */
interface FunctionErrorAnswer {
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** Adds `cvpn-guard run`: one enforcement run now, by the deployed enforcer. */
export function registerRunCommand(program: Command): Command {
  return withTargetOptions(
    program
      .command('run')
      .description(
        "Run enforcement now: invoke the deployment's enforcer function and wait for its report (the run `plan` previews, done: it terminates unless --dry-run). Exit 2 when the function fails, 3 when another run is under way.",
      )
      .option(
        '--dry-run',
        'every terminate becomes would-terminate (a deployment in dry run stays in dry run without it)',
      )
      .option(
        '--function <name>',
        "the enforcer's function name or ARN (default: with --stack the stack's output FunctionName, with --sandbox cvpn-guard-enforcer)",
      ),
    FORMATS,
    'spokes',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard run --stack CvpnGuard\n  cvpn-guard run --dry-run --sandbox --output json\n  cvpn-guard run --stack CvpnGuardHub --account 111122223333 --region eu-west-1,us-east-1\n',
    )
    .action(action(runNow));
}

async function runNow(context: CliContext, options: RunOptions): Promise<void> {
  const format = context.format(FORMATS, 'run');
  const hub = await resolveHub(context);
  if (hub) return runOnSpokes(context, hub, options, format);
  const functionName = await enforcerFunction(context, options.function);
  let invoked: Invoked;
  try {
    invoked = await invokeEnforcer(await context.clients.lambda(), functionName, options.dryRun === true);
  } catch (error) {
    if (errorCode(error) === 'ResourceNotFoundException') {
      throw new CliUsageError(
        `no function ${functionName}${context.settings.region ? ` in region ${context.settings.region}` : ''}: check --function, --stack and --region${context.settings.sandbox ? ' (the sandbox has it once `cvpn-guard sandbox` installs the product)' : ''}`,
        { cause: error },
      );
    }
    throw error;
  }
  if (!invoked.ok) {
    const { failed } = invoked;
    if (format === OutputFormat.JSON)
      context.print(renderJson({ functionName, functionError: invoked.functionError, ...failed }));
    context.note(`cvpn-guard: ${functionErrorText(functionName, invoked)}`);
    throw new CliExit(ExitCode.USAGE);
  }
  const { answer } = invoked;
  if (format === OutputFormat.JSON) context.print(renderJson(answerJson(functionName, answer)));
  else printAnswer(context, answer);
  const exitCode = exitCodeOf(answer);
  if (exitCode !== ExitCode.OK) throw new CliExit(exitCode);
}

/**
 * `run` against a hub: each selected spoke's enforcer (`<spokeStack>-enforcer`), invoked in the spoke's Region with
 * its operator role, a few at a time; the answers grouped per spoke. A spoke that cannot be run is named and the
 * others still run: exit 1 when one failed, else 3 when one was busy, else 0.
 */
async function runOnSpokes(
  context: CliContext,
  hub: HubTarget,
  options: RunOptions,
  format: OutputFormat,
): Promise<void> {
  if (options.function !== undefined)
    throw new CliUsageError(
      `--function names one function; against hub ${hub.stackName} every spoke's enforcer is ${spokeEnforcerName(hub.spokeStackName)}: drop --function, select spokes with --account and --region`,
    );
  const functionName = spokeEnforcerName(hub.spokeStackName);
  const answers = await eachSpoke(context, hub.spokeStackName, hub.spokes, async (clients, spoke) => {
    try {
      return await invokeEnforcer(await clients.lambda(), functionName, options.dryRun === true);
    } catch (error) {
      if (errorCode(error) === 'ResourceNotFoundException')
        throw new CliOperationError(`no function ${functionName} in ${placementText(spoke)}: is the spoke deployed?`, {
          cause: error,
        });
      throw error;
    }
  });
  const exitCodes = answers.map((answer) =>
    !answer.ok || !answer.result.ok ? ExitCode.FAILURE : exitCodeOf(answer.result.answer),
  );
  if (format === OutputFormat.JSON) {
    context.print(
      renderJson({
        hub: hub.stackName,
        spokes: answers.map((answer) => ({
          accountId: answer.spoke.accountId,
          region: answer.spoke.region,
          ...(!answer.ok
            ? { error: answer.error }
            : answer.result.ok
              ? answerJson(functionName, answer.result.answer)
              : { functionName, functionError: answer.result.functionError, ...answer.result.failed }),
        })),
      }),
    );
  } else {
    for (const answer of answers) {
      context.print(`== spoke ${placementText(answer.spoke)} ==\n`);
      if (!answer.ok) context.print(`FAILED: ${answer.error}\n\n`);
      else if (!answer.result.ok) context.print(`FAILED: ${functionErrorText(functionName, answer.result)}\n\n`);
      else {
        printAnswer(context, answer.result.answer);
        context.print('\n');
      }
    }
  }
  const failed = answers.filter((_, position) => exitCodes[position] === ExitCode.FAILURE);
  if (failed.length > 0)
    context.note(
      `${failed.length} of ${answers.length} spokes failed: ${failed.map((answer) => placementText(answer.spoke)).join(', ')}`,
    );
  const exitCode = exitCodes.includes(ExitCode.FAILURE)
    ? ExitCode.FAILURE
    : exitCodes.includes(ExitCode.BUSY)
      ? ExitCode.BUSY
      : ExitCode.OK;
  if (exitCode !== ExitCode.OK) throw new CliExit(exitCode);
}

/** What an invocation of the enforcer came back with: its run's answer, or the function's failure. */
type Invoked =
  | { readonly ok: true; readonly answer: RunAnswer }
  | { readonly ok: false; readonly functionError: string; readonly failed: FunctionErrorAnswer };

/** Invokes the enforcer with the `run` event and waits for its report (Lambda Invoke, RequestResponse). */
async function invokeEnforcer(lambda: LambdaClient, functionName: string, dryRun: boolean): Promise<Invoked> {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const event = { source: RUN_EVENT_SOURCE, dryRun };
  const output = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const payload = new TextDecoder().decode(output.Payload ?? new Uint8Array());
  if (output.FunctionError) return { ok: false, functionError: output.FunctionError, failed: functionError(payload) };
  return { ok: true, answer: parseRunAnswer(payload, functionName) };
}

function functionErrorText(functionName: string, invoked: Extract<Invoked, { ok: false }>): string {
  return `${functionName} failed (${invoked.functionError}): ${invoked.failed.errorType ?? 'Error'}: ${invoked.failed.errorMessage ?? '(no message)'}`;
}

/** The enforcer's function: `--function`, else the stack's output, else the sandbox's name. */
async function enforcerFunction(context: CliContext, given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (given.trim() === '') throw new CliUsageError("--function is empty: give the enforcer's function name or ARN");
    return given.trim();
  }
  const stack = context.options.stack;
  if (stack !== undefined) {
    const outputs = await describeStackOutputs(context.clients, stack);
    const name = outputs[StackOutput.FUNCTION_NAME]?.trim();
    if (!name) {
      throw new CliUsageError(
        `stack ${stack} has no output ${StackOutput.FUNCTION_NAME}: is it a cvpn-guard stack? Pass --function NAME instead`,
      );
    }
    return name;
  }
  if (context.settings.sandbox) return SANDBOX_ENFORCER_FUNCTION_NAME;
  throw new CliUsageError(
    'run: which enforcer? Pass --stack NAME (the deployed stack), --sandbox for the local sandbox, or --function NAME',
  );
}

function functionError(payload: string): FunctionErrorAnswer {
  try {
    const parsed = JSON.parse(payload) as FunctionErrorAnswer;
    return { errorType: parsed.errorType, errorMessage: parsed.errorMessage };
  } catch {
    return { errorMessage: payload.slice(0, 1000) };
  }
}

/**
 * The exit code of a run that answered: 3 when it did nothing because another run holds the lease (or this very
 * run finished already); 1 when an endpoint could not be read, a termination failed or a record was not written;
 * else 0.
 */
function exitCodeOf(answer: RunAnswer): ExitCode {
  if (answer.status === RunStatus.SKIPPED || answer.status === RunStatus.ALREADY_DONE) return ExitCode.BUSY;
  const failed = (answer.counts[Outcome.FAILED] ?? 0) + answer.lateFailures.length;
  if (answer.endpointErrors.length > 0 || failed > 0 || (answer.auditFailures ?? 0) > 0) return ExitCode.FAILURE;
  return ExitCode.OK;
}

function answerJson(functionName: string, answer: RunAnswer) {
  return {
    functionName,
    runId: answer.runId,
    status: answer.status,
    trigger: answer.trigger,
    dryRun: answer.dryRun,
    startedAt: answer.startedAt,
    finishedAt: answer.finishedAt,
    durationMs: answer.durationMs,
    endpoints: answer.endpoints,
    endpointErrors: answer.endpointErrors,
    connectionsSeen: answer.connectionsSeen,
    counts: answer.counts,
    decisions: decisionRecordsOf(answer).map(recordDecisionJson),
    recordsOmitted: answer.recordsOmitted,
    findings: answer.findings.map(invalidRowJson),
    terminateCalls: answer.terminateCalls,
    throttledCalls: answer.throttledCalls,
    reconciled: answer.reconciled,
    lateFailures: answer.lateFailures.map((record) => ({
      runId: record.runId,
      endpointId: record.endpointId,
      connectionId: record.connectionId,
      username: record.username,
      commonName: record.commonName,
    })),
    auditFailures: answer.auditFailures,
    canary: answer.canary,
    handedOn: answer.handedOn,
  };
}

function printAnswer(context: CliContext, answer: RunAnswer): void {
  if (answer.status === RunStatus.SKIPPED) {
    context.print(
      `Run ${answer.runId}: skipped. Another run is under way (it holds the run lease): this one did nothing. Try again once it has finished (cvpn-guard audit runs).\n`,
    );
    return;
  }
  if (answer.status === RunStatus.ALREADY_DONE) {
    context.print(
      `Run ${answer.runId}: already finished; nothing was done again (the sandbox's clock frozen? advance it, and every manual run gets an id of its own).\n`,
    );
    return;
  }
  const took = answer.durationMs === undefined ? '' : ` in ${formatElapsed(answer.durationMs)}`;
  const trigger = answer.trigger ? ` (${answer.trigger})` : '';
  context.print(
    `Run ${answer.runId}${trigger}: ${answer.status}${took}${answer.dryRun ? '; dry run: terminate became would-terminate' : ''}\n`,
  );
  if (answer.status === RunStatus.DISABLED) {
    context.print(
      "The deployment's kill switch is on (CVPN_GUARD_DISABLED): the run read nothing and terminated nothing.\n",
    );
    return;
  }
  context.print(
    `${answer.endpoints ?? 0} endpoints read, ${answer.connectionsSeen ?? 0} connections seen; ${answer.findings.length} invalid policy rows\n\n`,
  );
  const decisions = decisionRecordsOf(answer).map(recordDecisionJson);
  if (decisions.length === 0) context.print('No connection broke a policy: nothing was terminated.\n');
  else {
    context.print(renderTable(DECISION_COLUMNS, decisions));
    const counts = Object.values(Outcome)
      .filter((outcome) => outcome !== Outcome.INVALID_POLICY && (answer.counts[outcome] ?? 0) > 0)
      .map((outcome) => `${answer.counts[outcome]} ${outcome}`);
    context.print(`\n${counts.join(', ')}\n`);
  }
  if (answer.recordsOmitted > 0)
    context.print(
      `${answer.recordsOmitted} more records are not in the function's answer (its size is limited): cvpn-guard audit show ${answer.runId}\n`,
    );
  context.print(
    `${answer.terminateCalls ?? 0} TerminateClientVpnConnections calls (${answer.throttledCalls ?? 0} throttled); ${answer.reconciled ?? 0} intents of earlier runs reconciled\n`,
  );
  if (answer.lateFailures.length > 0)
    context.print(
      `${answer.lateFailures.length} earlier terminations did not take effect (the connections are still up), recorded failed:\n${answer.lateFailures.map((record) => `  ${record.connectionId} on ${record.endpointId} (run ${record.runId})`).join('\n')}\n`,
    );
  if (answer.canary && !answer.canary.ok)
    context.print(
      `The client connect handler's canary failed${answer.canary.endpointId ? ` on ${answer.canary.endpointId}` : ''}: ${answer.canary.reason ?? 'no reason given'}\n`,
    );
  if (answer.handedOn)
    context.print(
      `Handed on to run ${answer.handedOn.runId} (${answer.handedOn.reason}): it goes on where this one stopped.\n`,
    );
  if (answer.findings.length > 0)
    context.print(
      `\nInvalid policy rows match nothing (recorded as invalid-policy):\n${answer.findings.map((finding) => invalidRowBlock(finding)).join('\n')}\n`,
    );
  if ((answer.auditFailures ?? 0) > 0)
    context.note(`${answer.auditFailures} audit records could not be written (the next run reconciles pending ones)`);
  if (answer.endpointErrors.length > 0)
    context.note(
      `could not read every endpoint; the run left them out:\n${answer.endpointErrors.map((error) => `  ${error}`).join('\n')}`,
    );
}

const DECISION_COLUMNS = [
  { header: 'ENDPOINT', value: (decision: DecisionJson) => decision.endpointId },
  { header: 'CONNECTION', value: (decision: DecisionJson) => decision.connectionId },
  {
    header: 'IDENTITY',
    value: (decision: DecisionJson) => decision.username ?? (decision.commonName ? `cn:${decision.commonName}` : ''),
  },
  { header: 'OUTCOME', value: (decision: DecisionJson) => decision.outcome ?? decision.verdict },
  { header: 'POLICY', value: (decision: DecisionJson) => decision.policyId },
  { header: 'MODE', value: (decision: DecisionJson) => decision.mode },
  { header: 'WHY', value: (decision: DecisionJson) => decision.reason },
];
