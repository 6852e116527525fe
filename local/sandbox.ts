import { AUDIT_TABLE, POLICIES_TABLE, STATE_TABLE, type TableDefinition } from '../lambda/tables.js';
import { createAdminApi } from './admin/admin-api.js';
import { type ClockOptions, SimulatedClock } from './clock.js';
import {
  DEFAULT_HOST,
  DEFAULT_REGION,
  DEFAULT_TOPIC_NAME,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CREDENTIALS,
} from './constants.js';
import { CallCounters } from './counters.js';
import { DynamoDbBackend, DynamoDbHandler } from './dynamodb/dynamodb-service.js';
import { StreamCapture } from './dynamodb/stream-capture.js';
import { TableStream } from './dynamodb/table-stream.js';
import { ClientVpnEmulator } from './ec2/client-vpn-emulator.js';
import type { ConnectAttemptInput } from './ec2/client-connect-request.js';
import type { ConnectAttemptResult } from './ec2/connect-attempts.js';
import type { PaginationOptions } from './ec2/paging.js';
import { Ec2QueryHandler } from './ec2/query-handler.js';
import type { ThrottlingOptions } from './ec2/throttling.js';
import { EdgeServer } from './edge/edge-server.js';
import type { Caller } from './edge/types.js';
import { SandboxOptionError } from './errors.js';
import { FaultInjector, type FaultRule } from './faults.js';
import { LambdaService } from './lambda/lambda-service.js';
import { LambdaRestHandler } from './lambda/rest-handler.js';
import { LatencyInjector, type LatencyRule } from './latency.js';
import { type RoleOptions, type RoleView, SandboxAccounts, type SandboxCredentials } from './org/accounts.js';
import { PlacementEmulators } from './org/placement-emulators.js';
import type { SandboxPlacement } from './org/placement.js';
import { accountsOptions, applyOrganization, createScenarioRoles } from './scenario/organization.js';
import { applyScenario, loadScenario } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';
import { SnsEmulator, SnsQueryHandler } from './sns/sns-emulator.js';
import { StsQueryHandler } from './sts/sts-handler.js';
import { parseTime } from './time.js';

/** Options of `startSandbox`. */
export interface SandboxOptions {
  /** Edge port; 0 picks a free one. @default 0 (the CLI defaults to 4566) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default the scenario's region, else 'us-east-1' */
  readonly region?: string;
  /** A scenario file path, or a scenario object (validated either way). @default none: no endpoint, empty tables */
  readonly scenario?: string | object;
  /** Keep DynamoDB on disk in this directory (reused by the next start). @default in memory */
  readonly dataDir?: string;
  /** @default the scenario's clock, else real time */
  readonly clock?: ClockOptions;
  /** EC2 throttling. @default on, AWS's sizes (mutating 50/5 per s, describe 100/20 per s) */
  readonly throttling?: ThrottlingOptions;
  /** Latency rules (simulated ms). @default none */
  readonly latency?: readonly LatencyRule[];
  /** Fault rules. @default none */
  readonly faults?: readonly FaultRule[];
  /** Seed of the fault shares. @default 1 */
  readonly faultSeed?: number;
  /** EC2 describe paging. @default MaxResults or 1000 */
  readonly pagination?: PaginationOptions;
  /** Simulated ms a terminated connection stays `terminating`. @default 5000 */
  readonly terminationDelayMs?: number;
}

/** The key attribute names of a table definition, partition key first. */
function keyNames(table: TableDefinition): string[] {
  return [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
}

/** Table names in the sandbox, by role. */
export interface SandboxTables {
  readonly policies: string;
  readonly audit: string;
  readonly state: string;
}

/** Settings for an AWS SDK v3 client pointed at the sandbox. */
export interface SandboxClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SandboxCredentials;
}

/** Who a client acts as and where: an account, a Region, and optionally one of the account's roles. */
export interface SandboxIdentity {
  /** @default the default account (the hub's, in an organization) */
  readonly accountId?: string;
  /** @default the default Region (the hub's, in an organization) */
  readonly region?: string;
  /** A role of the account (a session of it, as a function with that role has). @default the account's user */
  readonly roleName?: string;
}

/**
 * A running sandbox: one edge port in front of the Client VPN emulator, DynamoDB (dynalite), SNS,
 * STS and Lambda, with the simulation controls reachable from code and from the admin API.
 */
export class Sandbox {
  /** Table names (from lambda/tables.ts). */
  public readonly tables: SandboxTables = {
    policies: POLICIES_TABLE.sandboxName,
    audit: AUDIT_TABLE.sandboxName,
    state: STATE_TABLE.sandboxName,
  };
  /** The digest topic every sandbox has. */
  public readonly topicArn: string;
  /** The default account's credentials (unknown keys act as that account too; signatures are never checked). */
  public readonly credentials = SANDBOX_CREDENTIALS;
  /** The default account: the hub's in an organization, else SANDBOX_ACCOUNT_ID. */
  public readonly accountId: string;
  private stopped: Promise<void> | undefined;
  private edge: EdgeServer | undefined;
  private edgePort = 0;

  /** @internal use startSandbox */
  constructor(
    public readonly host: string,
    public readonly region: string,
    /** The simulated clock; satisfies the product's Clock port (`now()`, `sleep(ms)`). */
    public readonly clock: SimulatedClock,
    /** The Client VPN emulators, one per account and Region. */
    private readonly emulators: PlacementEmulators,
    /** The accounts, their roles and credentials, and the Regions (up or down). */
    public readonly accounts: SandboxAccounts,
    /** SNS: topics and every published message. */
    public readonly sns: SnsEmulator,
    /** Lambda: the functions registered in this process (`lambda.register(name, handler)`), their faults and counters. */
    public readonly lambda: LambdaService,
    /** Fault rules for every service (shared with `emulator.faults`). */
    public readonly faults: FaultInjector,
    /** Latency rules for every service. */
    public readonly latency: LatencyInjector,
    /** Calls per service and action (shared with `emulator.counters`). */
    public readonly counters: CallCounters,
    /**
     * The policies table's stream (NEW_AND_OLD_IMAGES): a record for each item a write through the edge changed.
     * Seeding (the scenario's rows, `putItems`) writes around it.
     */
    public readonly policyStream: TableStream,
    /** The validated scenario, if any. */
    public readonly scenario: Scenario | undefined,
    private readonly dynamodb: DynamoDbBackend,
    private readonly options: SandboxOptions,
  ) {
    this.topicArn = sns.topicArn(DEFAULT_TOPIC_NAME);
    this.accountId = accounts.defaultPlacement.accountId;
  }

  /** The default placement's Client VPN emulator (endpoints, connections, throttling, permissions). */
  public get emulator(): ClientVpnEmulator {
    return this.emulators.default;
  }

  /** The Client VPN emulator of one account in one Region (its own endpoints, connections and throttling). */
  public emulatorAt(placement: SandboxPlacement): ClientVpnEmulator {
    return this.emulators.at(placement);
  }

  /** Every declared account and Region, the default (the hub) first. */
  public placements(): SandboxPlacement[] {
    return this.accounts.placements();
  }

  /** Credentials of an account's user, or of a session of one of its roles. */
  public credentialsFor(accountId: string, roleName?: string): SandboxCredentials {
    return this.accounts.credentialsFor(accountId, roleName);
  }

  /** Creates an IAM role in an account, assumable (AssumeRole) from `trustedAccounts`. */
  public createRole(accountId: string, roleName: string, options: RoleOptions = {}): RoleView {
    return this.accounts.createRole(accountId, roleName, options);
  }

  /** Deletes a role: the credentials of its sessions are refused from now on. False when there was none. */
  public deleteRole(accountId: string, roleName: string): boolean {
    return this.accounts.deleteRole(accountId, roleName);
  }

  /** Marks a Region down (every request signed for it fails as a network error: the connection drops) or up. */
  public setRegionDown(region: string, down: boolean): void {
    this.accounts.setRegionDown(region, down);
  }

  /** The edge port (the one picked when 0 was asked). */
  public get port(): number {
    return this.edgePort;
  }

  /** `http://host:port`: the endpoint URL for any AWS client. */
  public get endpoint(): string {
    return `http://${this.host}:${this.edgePort}`;
  }

  /**
   * Settings for an SDK client: `new EC2Client({ ...sandbox.clientConfig(), maxAttempts: 1 })`; with `identity`, as
   * that account (and role) in that Region.
   */
  public clientConfig(identity: SandboxIdentity = {}): SandboxClientConfig {
    const accountId = identity.accountId ?? this.accountId;
    const credentials =
      identity.accountId === undefined && identity.roleName === undefined
        ? { ...this.credentials }
        : this.accounts.credentialsFor(accountId, identity.roleName);
    return { endpoint: this.endpoint, region: identity.region ?? this.region, credentials };
  }

  /**
   * Environment that points any AWS tool or SDK at the sandbox: endpoint, region, dummy credentials. The
   * product names its own variables (tables, topic): `resourceEnvironment(sandbox)` in lambda/resource-environment.ts.
   */
  public awsEnvironment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
    };
  }

  /**
   * Back to the start: the clock restarts, the scenario is loaded again, the tables are emptied and
   * the scenario's policy rows seeded, SNS messages, counters, denials, faults and latency reset to
   * the start options, the stream's records forgotten. Lambda functions and event source mappings stay; their faults,
   * counters and failure records are cleared, and asynchronous invocations forgotten.
   */
  public async reset(): Promise<void> {
    this.clock.restart(clockOptions(this.options, this.scenario));
    for (const emulator of this.emulators.all()) emulator.reset();
    this.accounts.reset();
    this.counters.reset();
    this.faults.set(this.options.faults ?? []);
    this.faults.reseed(this.options.faultSeed ?? 1);
    this.latency.set(this.options.latency ?? []);
    this.sns.reset();
    this.lambda.reset(this.options.faultSeed ?? 1);
    await this.dynamodb.recreateTables();
    this.policyStream.clear();
    await seed(this, this.dynamodb);
  }

  /**
   * A client connects to an endpoint, as Client VPN admits it (its client connect handler asked, if one is
   * attached); refused attempts resolve with `admitted: false`. `sandbox.emulator.connectAttempts` lists them all.
   */
  public connect(input: ConnectAttemptInput): Promise<ConnectAttemptResult> {
    return this.emulator.connect(input);
  }

  /** Writes raw items into one of the tables (policy rows as a person would type them, malformed ones included). */
  public async putItems(table: keyof SandboxTables, items: readonly Record<string, unknown>[]): Promise<void> {
    await this.dynamodb.putItems(this.tables[table], items);
  }

  /** Closes the port, dynalite and every timer; idempotent. Event source mappings stop after a batch in flight. */
  public stop(): Promise<void> {
    this.stopped ??= (async () => {
      const edge = this.edge;
      this.edge = undefined;
      const background = this.lambda.stopBackground();
      this.clock.releaseSleepers();
      await background;
      await edge?.stop();
      await this.dynamodb.stop();
    })();
    return this.stopped;
  }

  /** @internal startSandbox hands over the edge once it listens. */
  public attachEdge(edge: EdgeServer): void {
    this.edge = edge;
    this.edgePort = edge.port;
  }
}

/**
 * Starts a sandbox in this process. Validates the options and the scenario before opening
 * anything; throws SandboxScenarioError (bad scenario), SandboxOptionError (bad option) or
 * SandboxPortError (port in use).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SandboxOptionError(
      `port: got ${JSON.stringify(port)}; expected a whole number from 0 to 65535 (0 picks a free port)`,
    );
  }
  const scenario = options.scenario === undefined ? undefined : loadScenario(options.scenario);
  const hubRegion = scenario?.organization?.hub.region;
  if (hubRegion !== undefined && options.region !== undefined && options.region !== hubRegion) {
    throw new SandboxOptionError(
      `region: got ${JSON.stringify(options.region)}, but the scenario's organization has its hub in ${hubRegion}; ` +
        "leave the region out (the sandbox takes the hub's Region), or move the hub",
    );
  }
  const region = options.region ?? hubRegion ?? scenario?.region ?? DEFAULT_REGION;
  const accounts = new SandboxAccounts(accountsOptions(scenario, { accountId: SANDBOX_ACCOUNT_ID, region }));
  const { accountId } = accounts.defaultPlacement;
  const placementOf = (caller: Caller | undefined) => accounts.placementOf(caller);
  const clock = new SimulatedClock(clockOptions(options, scenario));
  const counters = new CallCounters();
  const faults = new FaultInjector(options.faultSeed ?? 1);
  faults.set(options.faults ?? []);
  const latency = new LatencyInjector();
  latency.set(options.latency ?? []);
  const policyStream = new TableStream({
    clock,
    region,
    accountId,
    tableName: POLICIES_TABLE.sandboxName,
  });
  const lambda = new LambdaService({
    clock,
    region,
    accountId,
    counters,
    faults,
    latency,
    faultSeed: options.faultSeed,
    streams: (arn) => (arn === policyStream.arn ? policyStream : undefined),
    placementOf,
  });
  const emulators = new PlacementEmulators(
    accounts,
    (placement) =>
      new ClientVpnEmulator({
        clock,
        region: placement.region,
        accountId: placement.accountId,
        functions: lambda,
        counters,
        faults,
        throttling: options.throttling,
        pagination: options.pagination,
        terminationDelayMs: options.terminationDelayMs,
      }),
  );
  const sns = new SnsEmulator(region, accountId, clock, placementOf);
  const dynamodb = await DynamoDbBackend.start({ dataDir: options.dataDir, region, accountId });
  const sandbox = new Sandbox(
    host,
    region,
    clock,
    emulators,
    accounts,
    sns,
    lambda,
    faults,
    latency,
    counters,
    policyStream,
    scenario,
    dynamodb,
    options,
  );
  try {
    createScenarioRoles(scenario, accounts);
    await createPlacementTables(dynamodb, accounts);
    await seed(sandbox, dynamodb);
    const edge = await EdgeServer.start({
      host,
      port,
      clock,
      counters,
      faults,
      latency,
      accounts,
      admin: createAdminApi(sandbox),
      handlers: [
        new Ec2QueryHandler((caller) => emulators.forCaller(caller)),
        new DynamoDbHandler(
          dynamodb,
          new StreamCapture(dynamodb, [{ stream: policyStream, keyNames: keyNames(POLICIES_TABLE) }]),
        ),
        new SnsQueryHandler(sns),
        new StsQueryHandler(accounts, clock),
        new LambdaRestHandler(lambda),
      ],
    });
    sandbox.attachEdge(edge);
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
  return sandbox;
}

/** Loads the scenario into the emulator, the policy rows into the policies table, and creates the topics. */
async function seed(sandbox: Sandbox, dynamodb: DynamoDbBackend): Promise<void> {
  const organizationId = sandbox.accounts.organizationId;
  // In an organization the digest topic is the hub's, and its policy lets every account of the organization publish.
  sandbox.sns.createTopic(
    DEFAULT_TOPIC_NAME,
    organizationId ? { publishers: { organizationIds: [organizationId] } } : {},
  );
  const scenario = sandbox.scenario;
  if (!scenario) return;
  if (scenario.organization)
    applyOrganization(scenario, (placement) => sandbox.emulatorAt(placement), sandbox.clock.now());
  else applyScenario(scenario, sandbox.emulator, sandbox.clock.now());
  for (const topic of scenario.topics ?? []) sandbox.sns.createTopic(topic);
  await dynamodb.putItems(sandbox.tables.policies, scenario.policies ?? []);
}

/** The tables of each declared placement other than the default (whose tables `DynamoDbBackend.start` made). */
async function createPlacementTables(dynamodb: DynamoDbBackend, accounts: SandboxAccounts): Promise<void> {
  for (const placement of accounts.placements().slice(1)) await dynamodb.createTables(placement);
}

function clockOptions(options: SandboxOptions, scenario: Scenario | undefined): ClockOptions {
  if (options.clock) return options.clock;
  const fromScenario = scenario?.clock;
  if (!fromScenario) return {};
  return {
    start: fromScenario.start ? parseTime(fromScenario.start, new Date()) : undefined,
    speed: fromScenario.speed,
    frozen: fromScenario.frozen,
  };
}
