import { spawn } from 'node:child_process';
import { cliBundle } from '../../../support/cli-bundle.js';

/**
 * The `cvpn-guard` command: the run's bundle of bin/cvpn-guard.ts (test/support/cli-bundle.js: the same sources,
 * three times quicker to start), or the package's bin when the run has none.
 */
export const CLI_BIN = await cliBundle();

/** What one run of the command gave. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one run. */
export interface CliRunOptions {
  /** Environment on top of a clean one (no AWS_* or CVPN_GUARD_* from the developer's shell). */
  readonly env?: Readonly<Record<string, string>>;
  /** Text on stdin (closed after it; never a TTY). @default empty */
  readonly input?: string;
  /** @default 45 s */
  readonly timeoutMs?: number;
}

/**
 * The environment a run starts from: the parent's, without any AWS or cvpn-guard setting and with
 * no shared config files or instance metadata, so nothing but what a test gives reaches the command.
 */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      name.startsWith('AWS_') ||
      name.startsWith('CVPN_GUARD_') ||
      name.startsWith('NODE_OPTIONS')
    )
      continue;
    env[name] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/cvpn-guard-e2e/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cvpn-guard-e2e/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Runs `node bin/cvpn-guard.js …args` as a child process, stdin a pipe (no TTY). */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs the command on a pseudo-terminal (util-linux `script`), typing `input`: how a person at a
 * terminal sees it. stdout and stderr arrive mixed, as on a screen. Undefined when `script` is missing.
 */
export function runCliInTerminal(
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  const command = [process.execPath, CLI_BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: cleanEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: output, stderr: '' });
    });
    // Typed once the prompt is up: the terminal would drop keys sent before the command reads them.
    setTimeout(() => child.stdin.end(input), 1500);
  });
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Parses a run's stdout as JSON, with the run in the message when it is not. */
export function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** A run of the command in the background, its output readable while it runs. */
export interface LiveCli {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once `check` holds; rejects with what was printed when the command exits first or time runs out. */
  until(check: (live: LiveCli) => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** How the run ended. */
  readonly done: Promise<CliRun>;
}

/** Starts `node bin/cvpn-guard.js …args` and returns at once: for commands that wait (`revoke --wait`). */
export function startCli(args: readonly string[], options: CliRunOptions = {}): LiveCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited: CliRun | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const done = new Promise<CliRun>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      exited = { code, stdout, stderr };
      resolvePromise(exited);
    });
  });
  child.stdin.end(options.input ?? '');
  const live: LiveCli = {
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    until: async (check, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check(live))) {
        if (exited || Date.now() > deadline)
          throw new Error(
            `gave up waiting (exit ${exited?.code ?? 'none yet'}):\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          );
        await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
      }
    },
  };
  return live;
}
