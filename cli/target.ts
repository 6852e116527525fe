import { EnvVar } from '../lambda/environment.js';
import { AUDIT_TABLE, POLICIES_TABLE, STATE_TABLE } from '../lambda/tables.js';
import { StackOutput } from '../lib/outputs.js';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REGION, SANDBOX_CREDENTIALS } from '../local/constants.js';
import { CliUsageError } from './errors.js';

/** The local sandbox's URL when `--sandbox` is given without one. */
export const DEFAULT_SANDBOX_URL = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

/** The options that say where the tables and the AWS APIs are (the CLI's global options). */
export interface TargetOptions {
  readonly stack?: string;
  readonly policiesTable?: string;
  readonly auditTable?: string;
  readonly stateTable?: string;
  /** `true` for `--sandbox` without a URL. */
  readonly sandbox?: string | boolean;
  /** One Region; on the commands that act across spokes, a list (`--region a,b --region c`, or `all`). */
  readonly region?: string | readonly string[];
  /** The hub's own Region (the commands that act across spokes). */
  readonly hubRegion?: string;
  /** The spokes' accounts (the commands that act across spokes). */
  readonly account?: readonly string[];
  readonly profile?: string;
  readonly endpointUrl?: string;
}

/** How the AWS clients are built; anything left out comes from the SDK's own chain (environment, profile, instance role). */
export interface AwsSettings {
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Temporary credentials' token (an assumed role's). */
    readonly sessionToken?: string;
  };
  /** True against the local sandbox. */
  readonly sandbox: boolean;
}

/** The three tables, by role. */
export type TableRole = 'policies' | 'audit' | 'state';

/** Where each table's name can come from, for messages. */
interface TableSource {
  readonly flag: string;
  readonly envVar: string;
  readonly output: string;
  readonly sandboxName: string;
}

const TABLE_SOURCES: Readonly<Record<TableRole, TableSource>> = {
  policies: {
    flag: '--policies-table',
    envVar: EnvVar.POLICIES_TABLE,
    output: StackOutput.POLICIES_TABLE_NAME,
    sandboxName: POLICIES_TABLE.sandboxName,
  },
  audit: {
    flag: '--audit-table',
    envVar: EnvVar.AUDIT_TABLE,
    output: StackOutput.AUDIT_TABLE_NAME,
    sandboxName: AUDIT_TABLE.sandboxName,
  },
  state: {
    flag: '--state-table',
    envVar: EnvVar.STATE_TABLE,
    output: StackOutput.STATE_TABLE_NAME,
    sandboxName: STATE_TABLE.sandboxName,
  },
};

/** Reads a deployed stack's outputs by output key (CloudFormation DescribeStacks). */
export type StackOutputReader = (stackName: string) => Promise<Readonly<Record<string, string>>>;

/**
 * The AWS settings the options ask for: `--sandbox [URL]` points every client at the sandbox with its
 * dummy credentials and region; otherwise `--region`, `--profile` and `--endpoint-url` override the
 * SDK's chain as they do in the AWS CLI.
 */
export function resolveAwsSettings(options: TargetOptions & { readonly region?: string }): AwsSettings {
  const endpointUrl = options.endpointUrl === undefined ? undefined : checkUrl('--endpoint-url', options.endpointUrl);
  if (options.sandbox === undefined || options.sandbox === false) {
    return { region: options.region, endpoint: endpointUrl, profile: options.profile, sandbox: false };
  }
  if (options.stack !== undefined) {
    throw new CliUsageError(
      `--stack ${options.stack} and --sandbox exclude each other: the sandbox has no CloudFormation; drop one of them`,
    );
  }
  if (endpointUrl !== undefined) {
    throw new CliUsageError(
      '--endpoint-url and --sandbox exclude each other: give the sandbox URL to --sandbox (--sandbox=http://127.0.0.1:4566)',
    );
  }
  const url =
    options.sandbox === true
      ? DEFAULT_SANDBOX_URL
      : checkUrl(
          '--sandbox',
          options.sandbox,
          " (put --sandbox after the command's arguments, or write --sandbox=URL)",
        );
  return {
    region: options.region ?? DEFAULT_REGION,
    endpoint: url,
    credentials: { ...SANDBOX_CREDENTIALS },
    sandbox: true,
  };
}

/**
 * Table names, each from the first of: its flag, the stack's output (`--stack`), the sandbox's default
 * name (`--sandbox`), its environment variable. Resolves lazily: a command asks only for the tables it uses,
 * and the stack is described once.
 */
export class TableResolver {
  private stackOutputs: Promise<Readonly<Record<string, string>>> | undefined;

  constructor(
    private readonly options: TargetOptions,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly readStackOutputs: StackOutputReader,
  ) {}

  /** The name of one table; a usage error naming every way to give it when none does. */
  public async name(role: TableRole): Promise<string> {
    const source = TABLE_SOURCES[role];
    const flagged = this.flagOf(role);
    if (flagged !== undefined) return nonBlank(source.flag, flagged);
    if (this.options.stack !== undefined) return this.fromStack(this.options.stack, source);
    if (this.options.sandbox !== undefined && this.options.sandbox !== false) return source.sandboxName;
    const fromEnv = this.env[source.envVar]?.trim();
    if (fromEnv) return fromEnv;
    throw new CliUsageError(
      `no ${role} table: pass --stack NAME (the deployed stack), ${source.flag} NAME, set ${source.envVar}, or pass --sandbox for the local sandbox`,
    );
  }

  /** The stack's outputs by key (described once); undefined without `--stack`. */
  public async stackOutputsOf(): Promise<Readonly<Record<string, string>> | undefined> {
    if (this.options.stack === undefined) return undefined;
    this.stackOutputs ??= this.readStackOutputs(this.options.stack);
    return this.stackOutputs;
  }

  /** Where the tables come from, in a few words (for doctor's first line). */
  public describe(): string {
    if (this.options.stack !== undefined) return `stack ${this.options.stack}`;
    if (this.options.sandbox !== undefined && this.options.sandbox !== false) return 'the sandbox';
    return 'flags and environment';
  }

  private flagOf(role: TableRole): string | undefined {
    if (role === 'policies') return this.options.policiesTable;
    if (role === 'audit') return this.options.auditTable;
    return this.options.stateTable;
  }

  private async fromStack(stackName: string, source: TableSource): Promise<string> {
    const outputs = (await this.stackOutputsOf()) ?? {};
    const value = outputs[source.output]?.trim();
    if (value) return value;
    const found = Object.keys(outputs);
    throw new CliUsageError(
      `stack ${stackName} has no output ${source.output} (it has ${found.length > 0 ? found.join(', ') : 'no outputs'}): is it a cvpn-guard stack? Pass ${source.flag} NAME instead`,
    );
  }
}

function checkUrl(flag: string, value: string, hint = ''): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(
      `${flag} ${JSON.stringify(value)} is not a URL: expected http://host:port or https://host${hint}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(
      `${flag} ${JSON.stringify(value)} is not an http(s) URL: expected http://host:port or https://host${hint}`,
    );
  }
  return value.replace(/\/+$/, '');
}

function nonBlank(flag: string, value: string): string {
  if (value.trim() === '') throw new CliUsageError(`${flag} is empty: give the table's name`);
  return value.trim();
}
