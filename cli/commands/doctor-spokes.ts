import { errorCode } from '../../lambda/adapters/aws-errors.js';
import type { SpokeEntry } from '../../lambda/ports/index.js';
import { RunStatus } from '../../lambda/domain/index.js';
import type { CliClients } from '../aws.js';
import type { CliContext } from '../context.js';
import { explainError } from '../explain-error.js';
import { readClientConnect } from '../gate-attachment.js';
import { eachSpoke } from '../spokes/each-spoke.js';
import type { HubTarget } from '../spokes/hub-target.js';
import { placementText } from '../spokes/selector.js';
import { operatorRoleArn, spokeClients } from '../spokes/spoke-session.js';
import { formatAt, formatElapsed } from '../time.js';
import { attachmentCheck, type CheckResult, CheckStatus } from './doctor-checks.js';

/**
 * The checks of each spoke a hub selects: its heartbeat fresh (read in the hub's directory), then with its operator
 * role assumed: the role itself, its enforcer function, and the gate attached to each of its endpoints. A spoke
 * whose role cannot be assumed fails that check, and the others are still checked.
 */
export async function checkSpokes(
  context: CliContext,
  hub: HubTarget,
  staleSeconds: number,
  openClients: typeof spokeClients = spokeClients,
): Promise<CheckResult[]> {
  const now = context.now();
  const answers = await eachSpoke(
    context,
    hub.spokeStackName,
    hub.spokes,
    (clients, spoke) => checksWithRole(context, clients, hub, spoke),
    openClients,
  );
  return answers.flatMap((answer) => [
    heartbeatCheck(answer.spoke, now, staleSeconds, hub.stackName),
    ...(answer.ok
      ? answer.result
      : [
          {
            check: `${placementText(answer.spoke)} operator role`,
            status: CheckStatus.FAIL,
            detail: answer.error,
            fix: `deploy the spoke (the StackSet) to ${placementText(answer.spoke)}, and run the CLI with the hub account's credentials`,
          },
        ]),
  ]);
}

/**
 * Whether the spoke ran lately: its heartbeat no older than `staleSeconds`, its last run neither failed nor partial.
 * A fresh heartbeat of a scheduled run also says that the spoke's schedule fires.
 */
export function heartbeatCheck(spoke: SpokeEntry, now: Date, staleSeconds: number, hubStack: string): CheckResult {
  const check = `${placementText(spoke)} heartbeat`;
  const at = Date.parse(spoke.at);
  const lastRun = `last run ${spoke.runId} at ${formatAt(spoke.at)}: ${spoke.status}`;
  if (Number.isNaN(at))
    return { check, status: CheckStatus.FAIL, detail: `the heartbeat has no time (${JSON.stringify(spoke.at)})` };
  const ageMs = Math.max(0, now.getTime() - at);
  if (ageMs > staleSeconds * 1000)
    return {
      check,
      status: CheckStatus.FAIL,
      detail: `no heartbeat since ${formatAt(spoke.at)} (${formatElapsed(ageMs)} ago, more than ${staleSeconds} s); ${lastRun}`,
      fix: `is the spoke's schedule enabled, and its enforcer running? cvpn-guard run --stack ${hubStack} --account ${spoke.accountId} --region ${spoke.region}`,
    };
  if (spoke.status === RunStatus.DISABLED)
    return {
      check,
      status: CheckStatus.WARN,
      detail: `${lastRun}: the spoke's kill switch is on, it enforces nothing`,
    };
  if (spoke.status !== RunStatus.COMPLETED)
    return {
      check,
      status: spoke.status === RunStatus.PARTIAL ? CheckStatus.WARN : CheckStatus.FAIL,
      detail: lastRun,
      fix: `see the run: cvpn-guard audit show ${spoke.runId} --stack ${hubStack}`,
    };
  const scheduled = spoke.runId.includes('/run-') ? ' (scheduled: the schedule fires)' : '';
  return { check, status: CheckStatus.PASS, detail: `${formatElapsed(ageMs)} ago; ${lastRun}${scheduled}` };
}

async function checksWithRole(
  context: CliContext,
  clients: CliClients,
  hub: HubTarget,
  spoke: SpokeEntry,
): Promise<CheckResult[]> {
  const where = placementText(spoke);
  return [
    {
      check: `${where} operator role`,
      status: CheckStatus.PASS,
      detail: `assumed ${operatorRoleArn(hub.spokeStackName, spoke)}`,
    },
    await enforcerCheck(context, clients, spoke),
    ...(await gateChecks(context, clients, hub, spoke)),
  ];
}

/** The spoke's enforcer function: present and active (Lambda GetFunction, with the operator role). */
async function enforcerCheck(context: CliContext, clients: CliClients, spoke: SpokeEntry): Promise<CheckResult> {
  const check = `${placementText(spoke)} enforcer`;
  const { GetFunctionCommand } = await import('@aws-sdk/client-lambda');
  try {
    const { Configuration: configuration } = await (
      await clients.lambda()
    ).send(new GetFunctionCommand({ FunctionName: spoke.functionArn }));
    const state = configuration?.State ?? 'unknown';
    if (state !== 'Active')
      return {
        check,
        status: CheckStatus.WARN,
        detail: `${spoke.functionArn}: state ${state}${configuration?.StateReason ? ` (${configuration.StateReason})` : ''}`,
      };
    return { check, status: CheckStatus.PASS, detail: `${spoke.functionArn}: active` };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ResourceNotFoundException')
      return {
        check,
        status: CheckStatus.FAIL,
        detail: `${spoke.functionArn} does not exist: the heartbeat names a function the spoke no longer has`,
        fix: `deploy the spoke (the StackSet) to ${placementText(spoke)} again`,
      };
    if (code === 'AccessDeniedException')
      return {
        check,
        status: CheckStatus.WARN,
        detail: `${spoke.functionArn}: the operator role may not read it (GetFunction denied), so it was not checked`,
      };
    return { check, status: CheckStatus.FAIL, detail: explainError(error, context.scene()).message };
  }
}

/** The spoke's gate attached to each of its endpoints (DescribeClientVpnEndpoints, with the operator role). */
async function gateChecks(
  context: CliContext,
  clients: CliClients,
  hub: HubTarget,
  spoke: SpokeEntry,
): Promise<CheckResult[]> {
  const where = placementText(spoke);
  if (spoke.gateFunctionArn === undefined)
    return [
      {
        check: `${where} gate`,
        status: CheckStatus.WARN,
        detail: "the spoke's heartbeat names no client connect handler: no policy row is asked at connect there",
      },
    ];
  const ours = { functionArn: spoke.gateFunctionArn, from: "the spoke's heartbeat", flags: '' };
  const attach = `cvpn-guard gate attach --endpoint <id> --function ${spoke.gateFunctionArn} --region ${spoke.region} (with the spoke account's credentials)`;
  try {
    const ec2 = await clients.ec2();
    const { Ec2ClientVpnGateway } = await import('../../lambda/adapters/Ec2ClientVpnGateway.js');
    const endpoints = await new Ec2ClientVpnGateway(ec2, () => context.now()).listEndpoints({});
    if (endpoints.length === 0)
      return [{ check: `${where} gate`, status: CheckStatus.WARN, detail: 'the spoke has no Client VPN endpoint' }];
    const results: CheckResult[] = [];
    for (const { endpointId } of [...endpoints].sort((a, b) => a.endpointId.localeCompare(b.endpointId))) {
      const state = await readClientConnect(ec2, endpointId);
      results.push(attachmentCheck(`${where} ${endpointId} gate`, state, ours, attach.replace('<id>', endpointId)));
    }
    return results;
  } catch (error) {
    return [
      {
        check: `${where} gate`,
        status: CheckStatus.FAIL,
        detail: explainError(error, context.scene()).message,
        fix: `the operator role of ${hub.spokeStackName} needs ec2:DescribeClientVpnEndpoints`,
      },
    ];
  }
}
