/**
 * An organization deployment on the sandbox, wired as the hub stack and its StackSet wire it in AWS: in the hub
 * (the sandbox's default account and Region), the policies and audit tables with the hub's own resource-based
 * policies (lib/hub-access.ts), the digest topic open to the organization, the relay fed by the policies table's
 * stream and the hub watch on the schedule; in every spoke (each account and Region of the scenario's organization
 * that has endpoints), the state table, the enforcer and the gate under their spoke names, running as their spoke
 * roles, with the environment the spoke template gives them (hub tables by ARN in the hub's Region), the enforcer
 * on the schedule and invokable by the relay's role, the gate attached to the spoke's endpoints.
 */
import { PutResourcePolicyCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, createGateClients, destroyClients } from '../../lambda/clients.js';
import { loadEnforcerConfig, loadGateConfig } from '../../lambda/config.js';
import type { Placement } from '../../lambda/domain/index.js';
import { compareText } from '../../lambda/domain/order/compare.js';
import { EnvVar } from '../../lambda/environment.js';
import { createGateHandler, createGateRuntime } from '../../lambda/gate-handler.js';
import { createHandler } from '../../lambda/handler.js';
import { loadHubWatchConfig, loadRelayConfig } from '../../lambda/hub/hub-config.js';
import { createHubWatchHandler, createHubWatchRuntime } from '../../lambda/hub-watch-handler.js';
import { createRelayHandler, createRelayRuntime } from '../../lambda/relay-handler.js';
import { resourceEnvironment } from '../../lambda/resource-environment.js';
import { createRuntime } from '../../lambda/runtime.js';
import {
  defaultValue,
  hubRelayName,
  hubWatchName,
  Setting,
  SpokeRole,
  spokeEnforcerName,
  spokeGateName,
  spokeRoleName,
} from '../../lambda/settings/index.js';
import { auditTablePolicy, policiesTablePolicy } from '../../lib/hub-access.js';
import { CLIENT_CONNECT_TIMEOUT_MS, type Sandbox } from '../../local/index.js';
import {
  attachGateToEveryEndpoint,
  deadlineClock,
  invokeForAnswer,
  observabilityOf,
  POLICY_STREAM_MAPPING,
  STREAM_FAILURE_QUEUE_NAME,
  tickOutcome,
} from './product.js';
import { type ScheduledTick, SimulatedSchedule } from './schedule.js';

/** Options of `installOrganization`. */
export interface InstallOrganizationOptions {
  /** The stack name every spoke's functions and roles are named from. @default the stack's default */
  readonly stackName?: string;
  /** Each spoke's enforcer on the stack's schedule, on the simulated clock. @default true */
  readonly schedule?: boolean;
  /** The hub's policies stream mapped to the relay, which passes changes on to the spokes. @default true */
  readonly stream?: boolean;
  /** The hub watch on the stack's schedule. @default true */
  readonly watch?: boolean;
  /** Attach each spoke's gate to the spoke's endpoints. @default true */
  readonly attachGate?: boolean;
  /** Let the functions log and publish metrics to stdout, as in Lambda. @default false: quiet */
  readonly observability?: boolean;
  /** More environment for every spoke enforcer (settings' variables, e.g. `CVPN_GUARD_TERMINATE_RATE`). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One spoke as installed. */
export interface InstalledSpoke {
  readonly placement: Placement;
  readonly enforcerName: string;
  readonly enforcerArn: string;
  readonly gateName: string;
  readonly gateArn: string;
  readonly stateTable: string;
  /** The endpoints its gate was attached to; empty when it was not. */
  readonly attachedEndpoints: readonly string[];
  /** Every scheduled run of its enforcer so far, oldest first. */
  ticks(): readonly ScheduledTick[];
}

/** The hub as installed. */
export interface InstalledHub extends Placement {
  readonly policiesTableArn: string;
  readonly auditTableArn: string;
  readonly topicArn: string;
  readonly relayName: string;
  readonly watchName: string;
}

/** The organization installed on a sandbox. */
export interface InstalledOrganization {
  readonly hub: InstalledHub;
  /** Every placement of the organization with endpoints, by account then Region. */
  readonly spokes: readonly InstalledSpoke[];
  /** Invokes one spoke's enforcer synchronously, as the Scheduler does; by default a tick at the clock's now. */
  invokeSpoke(placement: Placement, event?: object): Promise<SpokeAnswer>;
  /** Invokes the hub watch once; its report. */
  watch(): Promise<Record<string, unknown>>;
  /** Stops every schedule and the stream's mapping and closes the functions' clients; the functions stay. */
  stop(): Promise<void>;
}

/** What a spoke's enforcer answered an invocation. */
export type SpokeAnswer = { readonly runId: string; readonly status: string } & Readonly<Record<string, unknown>>;

/** The organization's id as the scenario declares it; an error when the sandbox has none. */
function organizationIdOf(sandbox: Sandbox): string {
  const id = sandbox.accounts.organizationId;
  if (id === undefined) {
    throw new Error(
      'installOrganization: the sandbox has no organization; start it with a scenario that declares one (examples/organization.json)',
    );
  }
  return id;
}

const tableArn = (placement: Placement, name: string): string =>
  `arn:aws:dynamodb:${placement.region}:${placement.accountId}:table/${name}`;

/**
 * Installs an organization deployment on a sandbox started with an organization scenario: the hub in the default
 * placement and a spoke in every other placement with endpoints (see the module comment).
 */
export async function installOrganization(
  sandbox: Sandbox,
  options: InstallOrganizationOptions = {},
): Promise<InstalledOrganization> {
  const organizationId = organizationIdOf(sandbox);
  const stackName = options.stackName ?? defaultValue(Setting.STACK_NAME);
  const observability = observabilityOf(options.observability === true);
  const hubPlacement: Placement = { accountId: sandbox.accountId, region: sandbox.region };
  const hub: InstalledHub = {
    ...hubPlacement,
    policiesTableArn: tableArn(hubPlacement, sandbox.tables.policies),
    auditTableArn: tableArn(hubPlacement, sandbox.tables.audit),
    topicArn: sandbox.topicArn,
    relayName: hubRelayName(stackName),
    watchName: hubWatchName(stackName),
  };
  const closers: (() => void)[] = [];
  const periodMs = (defaultValue(Setting.SCHEDULE).periodSeconds ?? 300) * 1000;

  await applyHubPolicies(sandbox, hub, { organizationId, stackName });

  // The hub's functions, as the hub's own roles.
  const relayRole = sandbox.createRole(hub.accountId, hub.relayName);
  const hubEnvironment = {
    ...sandbox.awsEnvironment(),
    ...resourceEnvironment({ ...sandbox }),
    [EnvVar.STACK_NAME]: stackName,
    [EnvVar.ACCOUNT_ID]: hub.accountId,
    [EnvVar.SPOKE_STALE_SECONDS]: String(3 * (periodMs / 1000) + defaultValue(Setting.TIMEOUT_SECONDS)),
  };
  const relayClients = sandbox.clientConfig({ roleName: hub.relayName });
  sandbox.lambda.register(
    hub.relayName,
    createRelayHandler(
      () => createRelayRuntime(loadRelayConfig(hubEnvironment), relayClients, sandbox.clock),
      observability(),
    ),
    { timeoutMs: defaultValue(Setting.TIMEOUT_SECONDS) * 1000 },
  );
  sandbox.createRole(hub.accountId, hub.watchName);
  const watchClients = sandbox.clientConfig({ roleName: hub.watchName });
  sandbox.lambda.register(
    hub.watchName,
    createHubWatchHandler(
      () => createHubWatchRuntime(loadHubWatchConfig(hubEnvironment), watchClients, sandbox.clock),
      observability(),
    ),
    { timeoutMs: defaultValue(Setting.TIMEOUT_SECONDS) * 1000 },
  );

  const spokes: SpokeInstallation[] = [];
  for (const placement of spokePlacements(sandbox, hubPlacement)) {
    spokes.push(
      await installSpoke(sandbox, {
        placement,
        hub,
        stackName,
        relayRoleArn: relayRole.arn,
        observability,
        environment: options.environment ?? {},
        attachGate: options.attachGate !== false,
      }),
    );
  }
  for (const spoke of spokes) closers.push(...spoke.clients);

  const schedules =
    options.schedule === false
      ? []
      : spokes.map(
          (spoke) =>
            (spoke.schedule = new SimulatedSchedule(sandbox.clock, periodMs, (time) =>
              invokeScheduled(sandbox, spoke.view.enforcerArn, time),
            )),
        );
  const watchSchedule =
    options.watch === false
      ? undefined
      : new SimulatedSchedule(sandbox.clock, periodMs, (time) => invokeScheduled(sandbox, hub.watchName, time));
  const mapping =
    options.stream === false
      ? undefined
      : sandbox.lambda.createEventSourceMapping({
          functionName: hub.relayName,
          streamArn: sandbox.policyStream.arn,
          ...POLICY_STREAM_MAPPING,
          onFailure: { destination: `arn:aws:sqs:${hub.region}:${hub.accountId}:${STREAM_FAILURE_QUEUE_NAME}` },
        });

  let stopped: Promise<void> | undefined;
  return {
    hub,
    spokes: spokes.map((spoke) => spoke.view),
    invokeSpoke: async (placement, event) => {
      const spoke = spokes.find(
        (candidate) =>
          candidate.view.placement.accountId === placement.accountId &&
          candidate.view.placement.region === placement.region,
      );
      if (spoke === undefined) {
        throw new Error(
          `no spoke in ${placement.accountId}/${placement.region}; the spokes are ${spokes.map((s) => `${s.view.placement.accountId}/${s.view.placement.region}`).join(', ')}`,
        );
      }
      return (await invokeForAnswer(
        sandbox,
        spoke.view.enforcerArn,
        event ?? { scheduledTime: sandbox.clock.now().toISOString(), source: 'schedule' },
      )) as SpokeAnswer;
    },
    watch: async () => invokeForAnswer(sandbox, hub.watchName, { source: 'schedule' }),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all([...schedules.map((schedule) => schedule.stop()), watchSchedule?.stop(), mapping?.stop()]);
        for (const close of closers) close();
      })()),
  };
}

/** A spoke being installed: what the caller sees, its schedule and the clients to close. */
interface SpokeInstallation {
  readonly view: InstalledSpoke;
  schedule?: SimulatedSchedule;
  readonly clients: (() => void)[];
}

interface SpokeSetup {
  readonly placement: Placement;
  readonly hub: InstalledHub;
  readonly stackName: string;
  readonly relayRoleArn: string;
  readonly observability: ReturnType<typeof observabilityOf>;
  readonly environment: Readonly<Record<string, string>>;
  readonly attachGate: boolean;
}

/** Every placement of the organization, other than the hub's, whose emulator has endpoints. */
function spokePlacements(sandbox: Sandbox, hub: Placement): Placement[] {
  return sandbox
    .placements()
    .filter((placement) => placement.accountId !== hub.accountId || placement.region !== hub.region)
    .filter((placement) => sandbox.emulatorAt(placement).listEndpoints().length > 0)
    .map((placement) => ({ accountId: placement.accountId, region: placement.region }))
    .sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region));
}

/** One spoke, as the spoke template creates it. */
async function installSpoke(sandbox: Sandbox, setup: SpokeSetup): Promise<SpokeInstallation> {
  const { placement, hub, stackName } = setup;
  const enforcerName = spokeEnforcerName(stackName);
  const gateName = spokeGateName(stackName);
  // The sandbox made the product's tables in every placement of the organization; a spoke's state table keeps the
  // sandbox's name (the stack names it spokeStateTableName(stackName) in AWS).
  const stateTable = sandbox.tables.state;
  const enforcerRole = spokeRoleName(stackName, SpokeRole.ENFORCER, placement.region);
  const gateRole = spokeRoleName(stackName, SpokeRole.GATE, placement.region);
  sandbox.createRole(placement.accountId, enforcerRole);
  sandbox.createRole(placement.accountId, gateRole);
  sandbox.createRole(placement.accountId, spokeRoleName(stackName, SpokeRole.OPERATOR, placement.region), {
    trustedAccounts: [hub.accountId],
  });

  const environment: Record<string, string> = {
    ...sandbox.awsEnvironment(),
    AWS_REGION: placement.region,
    ...resourceEnvironment({
      tables: { policies: hub.policiesTableArn, audit: hub.auditTableArn, state: stateTable },
      topicArn: hub.topicArn,
      connectHandlerFunction: gateName,
    }),
    [EnvVar.HUB_REGION]: hub.region,
    [EnvVar.ACCOUNT_ID]: placement.accountId,
    ...setup.environment,
  };
  const enforcerConfig = loadEnforcerConfig(environment);
  const gateConfig = loadGateConfig(environment);
  const enforcerClients = createAwsClients(sandbox.clientConfig({ ...placement, roleName: enforcerRole }), {
    hubRegion: hub.region,
  });
  const gateClients = createGateClients(sandbox.clientConfig({ ...placement, roleName: gateRole }), {
    hubRegion: hub.region,
  });

  const gate = sandbox.lambda.register(
    gateName,
    createGateHandler(
      () => createGateRuntime(gateConfig, gateClients, deadlineClock(sandbox.clock)),
      setup.observability(),
    ),
    { timeoutMs: CLIENT_CONNECT_TIMEOUT_MS, placement },
  );
  const enforcer = sandbox.lambda.register(
    enforcerName,
    createHandler(() => createRuntime(enforcerConfig, enforcerClients, sandbox.clock), setup.observability()),
    {
      timeoutMs: defaultValue(Setting.TIMEOUT_SECONDS) * 1000,
      placement,
      invokers: { principals: [setup.relayRoleArn] },
    },
  );
  const attachedEndpoints = setup.attachGate ? await attachGateToEveryEndpoint(enforcerClients, gate.arn) : [];
  const installation: SpokeInstallation = {
    view: {
      placement,
      enforcerName,
      enforcerArn: enforcer.arn,
      gateName,
      gateArn: gate.arn,
      stateTable,
      attachedEndpoints,
      ticks: () => installation.schedule?.ticks() ?? [],
    },
    clients: [() => destroyClients(enforcerClients), () => destroyClients(gateClients)],
  };
  return installation;
}

/** The hub tables' resource-based policies, the documents the hub stack deploys, put as CloudFormation puts them. */
async function applyHubPolicies(
  sandbox: Sandbox,
  hub: InstalledHub,
  access: { readonly organizationId: string; readonly stackName: string },
): Promise<void> {
  const clients = createAwsClients(sandbox.clientConfig());
  try {
    for (const [arn, document] of [
      [hub.policiesTableArn, policiesTablePolicy(access, hub.policiesTableArn)],
      [hub.auditTableArn, auditTablePolicy(access, hub.auditTableArn)],
    ] as const) {
      await clients.dynamodb.send(
        new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify(document.toJSON()) }),
      );
    }
  } finally {
    destroyClients(clients);
  }
}

/** A scheduled invocation, recorded as a tick. */
async function invokeScheduled(sandbox: Sandbox, nameOrArn: string, scheduledTime: string): Promise<ScheduledTick> {
  try {
    return tickOutcome(
      scheduledTime,
      await sandbox.lambda.invokeAsService(nameOrArn, { scheduledTime, source: 'schedule' }),
    );
  } catch (error) {
    return { scheduledTime, outcome: 'error', error: error instanceof Error ? error.message : String(error) };
  }
}
