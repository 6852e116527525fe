import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { callerArn, CliClients, describeStackOutputs } from './aws.js';
import { type ErrorScene, explainError } from './explain-error.js';
import { ADMIN_PREFIX } from '../local/constants.js';
import { OutputFormat, requireFormat } from './output/index.js';
import { homeRegion, type PlacementRequest, placementRequest } from './spokes/selector.js';
import { type AwsSettings, resolveAwsSettings, TableResolver, type TargetOptions } from './target.js';

/** The options every command that talks to AWS takes (see `withTargetOptions`). */
export interface GlobalOptions extends TargetOptions {
  readonly output: OutputFormat;
}

/** Where a command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: NodeJS.ReadableStream;
  /** True when a person sits at the terminal (stdin and stderr are TTYs): confirmations may be asked. */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

/** The process's own streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    env: process.env,
    now: () => new Date(),
  };
}

/** What a command runs with: its output format, where the tables are, the SDK clients (built on first use). */
export class CliContext {
  public readonly settings: AwsSettings;
  /**
   * What `--account`, `--region` and `--hub-region` ask for, on the commands that act across spokes (their
   * `--region` is a list); undefined on the others, whose `--region` is only the Region the CLI talks to.
   */
  public readonly placement: PlacementRequest | undefined;
  public readonly tables: TableResolver;
  /** The SDK clients, each built on first use. */
  public readonly clients: CliClients;
  /** Against the sandbox: its simulated time, so previews and time windows match what its runs see. */
  private clock: { readonly frozenAt?: number; readonly offsetMs: number } = { offsetMs: 0 };

  constructor(
    public readonly options: GlobalOptions,
    public readonly io: CliIo = processIo(),
  ) {
    const { region } = options;
    this.placement = typeof region === 'string' ? undefined : placementRequest(options);
    this.settings = resolveAwsSettings({
      ...options,
      region: this.placement === undefined ? (region as string | undefined) : homeRegion(this.placement),
    });
    // As the AWS CLI: --profile selects the profile for credentials and region alike.
    if (this.settings.profile) process.env.AWS_PROFILE = this.settings.profile;
    this.clients = new CliClients(this.settings);
    this.tables = new TableResolver(options, io.env, (stackName) => describeStackOutputs(this.clients, stackName));
  }

  /** The output format, checked against the ones this command offers. */
  public format(supported: readonly OutputFormat[], command: string): OutputFormat {
    return requireFormat(this.options.output, supported, command);
  }

  /** Prints the command's result. */
  public print(text: string): void {
    this.io.stdout.write(text);
  }

  /** Prints a note for the person (stderr, so scripts reading stdout never see it). */
  public note(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Now: the real time, or the sandbox's simulated time against the sandbox. */
  public now(): Date {
    if (this.clock.frozenAt !== undefined) return new Date(this.clock.frozenAt);
    return new Date(this.io.now().getTime() + this.clock.offsetMs);
  }

  /** Reads the sandbox's clock (its admin API) once, when the target is the sandbox; real time otherwise or when it cannot. */
  public async syncClock(): Promise<void> {
    if (!this.settings.sandbox || !this.settings.endpoint) return;
    try {
      const response = await fetch(`${this.settings.endpoint}${ADMIN_PREFIX}/clock`, {
        signal: AbortSignal.timeout(2000),
      });
      const state = (await response.json()) as { now?: string; frozen?: boolean };
      const simulated = Date.parse(state.now ?? '');
      if (!response.ok || Number.isNaN(simulated)) return;
      this.clock = state.frozen
        ? { frozenAt: simulated, offsetMs: 0 }
        : { offsetMs: simulated - this.io.now().getTime() };
    } catch {
      // Nothing answers: the command's own call will say so, with the fix.
    }
  }

  /**
   * Who makes a change, for `updatedBy`: the caller's ARN (STS), with `--by` in front when given;
   * `--by` alone, or the local user, when STS cannot say.
   */
  public async changedBy(by: string | undefined): Promise<string> {
    const given = by?.trim() || undefined;
    const arn = await callerArn(this.clients);
    if (arn) return given ? `${given} (${arn})` : arn;
    return given ?? `${localUser(this.io.env)}@${hostname()} (unverified: STS GetCallerIdentity failed)`;
  }

  /** How an error reads with what this context knows. */
  public scene(): ErrorScene {
    return { settings: this.settings, stack: this.options.stack };
  }

  /** Closes the clients' sockets. */
  public close(): Promise<void> {
    return this.clients.destroy();
  }
}

function localUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown-user';
  }
}

/** A command's handler: the context, then the command's arguments and options as commander parsed them. */
export type CommandHandler<Args extends unknown[]> = (context: CliContext, ...args: Args) => Promise<void>;

/**
 * Wraps a handler for commander: builds the context from the options (the command's and its ancestors'),
 * runs the handler, prints any error as a person reads it (`cvpn-guard: …` on stderr) and sets the exit code.
 */
export function action<Args extends unknown[]>(handler: CommandHandler<Args>, io: () => CliIo = processIo) {
  return async (...parsed: unknown[]): Promise<void> => {
    const command = parsed[parsed.length - 1] as Command;
    const args = parsed.slice(0, -1) as Args;
    let context: CliContext | undefined;
    try {
      context = new CliContext(command.optsWithGlobals<GlobalOptions>(), io());
      await context.syncClock();
      await handler(context, ...args);
    } catch (error) {
      const explained = explainError(error, context?.scene());
      if (explained.message) (context?.io ?? io()).stderr.write(`cvpn-guard: ${explained.message}\n`);
      process.exitCode = explained.exitCode;
    } finally {
      await context?.close();
    }
  };
}

export { OutputFormat };
