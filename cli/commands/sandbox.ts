import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../local/constants.js';
import { SandboxOptionError, SandboxPortError, SandboxScenarioError } from '../../local/errors.js';
import type { Sandbox } from '../../local/sandbox.js';
import type { InstalledOrganization } from '../sandbox/organization.js';
import type { InstalledProduct } from '../sandbox/product.js';

/** Exit codes: 1 when the sandbox fails to run, 2 when the command line or the scenario is wrong. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/** Options of `cvpn-guard sandbox`, as commander parses them. */
interface SandboxCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly scenario?: string;
  readonly dataDir?: string;
  readonly region?: string;
  readonly speed?: number;
  /** False with --no-schedule. */
  readonly schedule: boolean;
  /** False with --no-gate. */
  readonly gate: boolean;
  /** False with --no-stream. */
  readonly stream: boolean;
  readonly logs?: boolean;
}

/** Adds `cvpn-guard sandbox`: runs the local sandbox in the foreground until Ctrl-C. */
export function registerSandboxCommand(program: Command): Command {
  return program
    .command('sandbox')
    .description(
      'Run the local sandbox (Client VPN emulator, DynamoDB, SNS, Lambda) on one port until Ctrl-C, with the product ' +
        'installed: the client connect handler attached to every endpoint, the enforcer on its schedule and fed the ' +
        "policies table's stream. A scenario that declares an organization gets its hub (relay and watch) and a " +
        'spoke (enforcer and client connect handler) in every account and Region.',
    )
    .option('--port <n>', 'edge port (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on', DEFAULT_HOST)
    .option('--scenario <file>', 'JSON scenario to seed endpoints, connections and policy rows (see local/README.md)')
    .option('--data-dir <dir>', 'keep DynamoDB on disk in this directory (default: in memory)')
    .option('--region <region>', "region of the sandbox (default: the scenario's, else us-east-1)")
    .option('--speed <factor>', 'run simulated time this many times faster than real time', parseSpeed)
    .option('--no-schedule', 'do not run the enforcer on its schedule (invoke cvpn-guard-enforcer yourself)')
    .option('--no-gate', 'leave the client connect handler unattached (it is still registered)')
    .option(
      '--no-stream',
      "do not feed the enforcer the policies table's stream (policy changes wait for the schedule)",
    )
    .option('--logs', "print the functions' Powertools logs and metrics, as in Lambda")
    .addHelpText(
      'after',
      '\nExamples:\n  cvpn-guard sandbox --scenario examples/demo.json\n  cvpn-guard sandbox --port 4567 --data-dir .sandbox-data\n' +
        '  cvpn-guard sandbox --scenario examples/demo.json --no-schedule --no-gate\n',
    )
    .action(async (options: SandboxCommandOptions) => {
      process.exitCode = await runSandbox(options);
    });
}

async function runSandbox(options: SandboxCommandOptions): Promise<number> {
  // Listen for Ctrl-C before anything is printed: a signal that comes before its handler would kill the process outright.
  const signal = signalListener();
  // The SDK warns about Node.js versions on each client it builds; the sandbox's own clients are no concern of its user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let sandbox: Sandbox;
  let installed: Installed;
  try {
    // Loaded here, not at the top: every other command would otherwise pay for dynalite and the emulator.
    const { startSandbox } = await import('../../local/sandbox.js');
    sandbox = await startSandbox({
      port: options.port,
      host: options.host,
      scenario: options.scenario,
      dataDir: options.dataDir,
      region: options.region,
      ...(options.speed !== undefined ? { clock: { speed: options.speed } } : {}),
    });
  } catch (error) {
    signal.dispose();
    return reportStartFailure(error, options);
  }
  try {
    installed = await install(sandbox, options);
  } catch (error) {
    signal.dispose();
    await sandbox.stop();
    process.stderr.write(
      `cvpn-guard sandbox: could not install the product: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
  printBanner(sandbox, installed, options);
  await signal.received;
  process.stdout.write('\nstopping the sandbox…\n');
  await installed.stop();
  await sandbox.stop();
  process.stdout.write('sandbox stopped.\n');
  return 0;
}

/** What the command installed: the single-account product, or, when the scenario declares one, an organization. */
type Installed =
  | ({ readonly kind: 'product' } & Pick<InstalledProduct, 'stop'> & { readonly product: InstalledProduct })
  | ({ readonly kind: 'organization' } & Pick<InstalledOrganization, 'stop'> & {
        readonly organization: InstalledOrganization;
      });

/** Installs what the stack would deploy: a hub and a spoke per placement for an organization, else the product. */
async function install(sandbox: Sandbox, options: SandboxCommandOptions): Promise<Installed> {
  const wiring = { attachGate: options.gate, schedule: options.schedule, stream: options.stream };
  if (sandbox.accounts.organizationId !== undefined) {
    const { installOrganization } = await import('../sandbox/organization.js');
    const organization = await installOrganization(sandbox, { ...wiring, observability: options.logs === true });
    return { kind: 'organization', organization, stop: () => organization.stop() };
  }
  const { installProduct } = await import('../sandbox/product.js');
  const product = await installProduct(sandbox, { ...wiring, observability: options.logs === true });
  return { kind: 'product', product, stop: () => product.stop() };
}

function reportStartFailure(error: unknown, options: SandboxCommandOptions): number {
  if (error instanceof SandboxScenarioError) {
    process.stderr.write(
      `cvpn-guard sandbox: ${error.message}\nFix the scenario (its format is in local/README.md) and start again.\n`,
    );
    return EXIT_USAGE;
  }
  if (error instanceof SandboxOptionError) {
    process.stderr.write(`cvpn-guard sandbox: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof SandboxPortError) {
    process.stderr.write(
      `cvpn-guard sandbox: ${error.message}.\nStart it on another port with --port <n> (--port 0 picks a free one).\n`,
    );
    return EXIT_FAILURE;
  }
  const where = options.dataDir ? ` (data dir ${options.dataDir})` : '';
  process.stderr.write(
    `cvpn-guard sandbox: could not start${where}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  return EXIT_FAILURE;
}

/** With an organization: its id and hub, and each account's Region with its endpoints, connections and credentials. */
function organizationLines(sandbox: Sandbox): string[] {
  const organizationId = sandbox.accounts.organizationId;
  if (!organizationId) return [];
  return [
    `  organization ${organizationId}: hub ${sandbox.accountId} in ${sandbox.region} (the default credentials)`,
    ...sandbox.placements().map((placement) => {
      const emulator = sandbox.emulatorAt(placement);
      const keys = sandbox.credentialsFor(placement.accountId);
      return (
        `    ${placement.accountId}/${placement.region}: ${emulator.listEndpoints().length} endpoints, ` +
        `${emulator.listConnections().length} connections; access key ${keys.accessKeyId}`
      );
    }),
  ];
}

function printBanner(sandbox: Sandbox, installed: Installed, options: SandboxCommandOptions): void {
  const endpoints = sandbox.emulator.listEndpoints();
  // Every account and Region of an organization counts; without one, this is the sandbox's one emulator.
  const emulators = sandbox.placements().map((placement) => sandbox.emulatorAt(placement));
  const endpointCount = emulators.reduce((sum, emulator) => sum + emulator.listEndpoints().length, 0);
  const connectionCount = emulators.reduce((sum, emulator) => sum + emulator.listConnections().length, 0);
  const scenario = options.scenario
    ? `scenario ${options.scenario}: ${endpointCount} endpoints, ${connectionCount} connections, ${sandbox.scenario?.policies?.length ?? 0} policy rows`
    : 'no scenario: no endpoint yet (try --scenario examples/demo.json)';
  const firstEndpoint = endpoints[0]?.id ?? '<endpoint-id>';
  const lines = [
    `cvpn-guard sandbox listening on ${sandbox.endpoint} (region ${sandbox.region})`,
    `  ${scenario}`,
    ...organizationLines(sandbox),
    `  DynamoDB: ${options.dataDir ? `on disk in ${options.dataDir}` : 'in memory'}; tables ${Object.values(sandbox.tables).join(', ')}`,
    `  SNS topic: ${sandbox.topicArn}`,
    `  admin API: ${sandbox.endpoint}/_sandbox`,
    ...(installed.kind === 'product'
      ? productLines(installed.product)
      : organizationProductLines(installed.organization)),
    '',
    'Point any AWS client at it:',
    `  aws --endpoint-url ${sandbox.endpoint} ec2 describe-client-vpn-connections --client-vpn-endpoint-id ${firstEndpoint}`,
    `  export AWS_ENDPOINT_URL=${sandbox.endpoint}`,
    ...(installed.kind === 'product'
      ? [
          `  aws --endpoint-url ${sandbox.endpoint} lambda invoke --function-name ${installed.product.enforcerName} --cli-binary-format raw-in-base64-out --payload '{"dryRun":true}' run.json`,
        ]
      : []),
    `  export AWS_ACCESS_KEY_ID=${sandbox.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${sandbox.credentials.secretAccessKey} AWS_REGION=${sandbox.region}`,
    '',
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What the banner says of the product: the functions, where the gate is attached, the schedule and the stream. */
function productLines(product: InstalledProduct): string[] {
  const attached =
    product.attachedEndpoints.length > 0
      ? `attached to ${product.attachedEndpoints.join(', ')}`
      : 'registered, not attached to any endpoint';
  const schedule = product.schedule
    ? `runs ${product.schedule.expression} on the simulated clock (move it: POST /_sandbox/clock)`
    : 'not scheduled (--no-schedule): invoke it yourself';
  const stream = product.streamMapping
    ? `  policy changes reach it through the policies table's stream (GET /_sandbox/lambda/mappings)`
    : "  the policies table's stream is not mapped to it (--no-stream)";
  return [
    `  client connect handler ${product.gateName}: ${attached}`,
    `  enforcer ${product.enforcerName}: ${schedule}`,
    stream,
  ];
}

/** What the banner says of an organization: the hub's functions, and each spoke's enforcer and gate. */
function organizationProductLines(organization: InstalledOrganization): string[] {
  const { hub } = organization;
  return [
    `  hub ${hub.accountId}/${hub.region}: relay ${hub.relayName} (fed the policies table's stream), watch ${hub.watchName}`,
    ...organization.spokes.map(
      (spoke) =>
        `  spoke ${spoke.placement.accountId}/${spoke.placement.region}: enforcer ${spoke.enforcerName}, ` +
        `client connect handler ${spoke.gateName} ${spoke.attachedEndpoints.length > 0 ? `attached to ${spoke.attachedEndpoints.join(', ')}` : 'not attached'}`,
    ),
  ];
}

/** Resolves `received` on the first SIGINT or SIGTERM; a second one exits at once. */
function signalListener(): { received: Promise<void>; dispose: () => void } {
  let onSignal: () => void = () => undefined;
  const received = new Promise<void>((resolve) => {
    onSignal = (): void => {
      dispose();
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
  });
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { received, dispose };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError(
      `expected a whole number from 0 to 65535 (0 picks a free port); got ${JSON.stringify(value)}`,
    );
  }
  return port;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new InvalidArgumentError(
      `expected a number greater than 0 (1 = real time, 10 = ten times faster); got ${JSON.stringify(value)}`,
    );
  }
  return speed;
}
