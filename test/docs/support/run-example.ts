import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliBundle } from '../../support/cli-bundle.js';

/** What one example gave. */
export interface ExampleRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Where an example runs. */
export interface ExampleSetting {
  /** The directory it starts in (it may write files there). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Killed, with every process it started, after this long. */
  readonly timeoutMs: number;
}

/** The address the docs assume the sandbox listens on (`cvpn-guard sandbox` without `--port`). */
const DOCUMENTED_ADDRESS = /\b(?:127\.0\.0\.1|localhost):4566\b/g;
/** A bare `--sandbox`, which means the documented address. */
const BARE_SANDBOX_FLAG = /--sandbox(?![=\w-])/g;

/**
 * The example as it runs against a sandbox on another port: the documented address and a bare
 * `--sandbox` point at `sandboxUrl`. Nothing else of the example changes.
 */
export function onSandbox(example: string, sandboxUrl: string): string {
  const address = new URL(sandboxUrl).host;
  return example.replace(DOCUMENTED_ADDRESS, address).replace(BARE_SANDBOX_FLAG, `--sandbox=${sandboxUrl}`);
}

/**
 * Makes `cvpn-guard` a command in `<dir>/.bin` and returns that directory: the run's bundle of bin/cvpn-guard.ts
 * (test/support/cli-bundle.js), or the package's bin when the run has none.
 */
export async function installCommand(dir: string, root: string): Promise<string> {
  const bin = join(dir, '.bin');
  await mkdir(bin, { recursive: true });
  const command = join(bin, 'cvpn-guard');
  const program = await cliBundle(root);
  await writeFile(command, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(program)} "$@"\n`);
  await chmod(command, 0o755);
  return bin;
}

/**
 * The environment an example runs with: the developer's, without any AWS or cvpn-guard setting, shared
 * AWS config or instance metadata (nothing of a real account reaches it), npm kept offline (an `npx`
 * of a package that is not installed fails instead of downloading it), and `cvpn-guard` and the
 * repository's `node_modules/.bin` first on the PATH.
 */
export function exampleEnv(commandDir: string, root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AWS_|CVPN_GUARD_|NODE_OPTIONS|npm_)/.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    PATH: [commandDir, join(root, 'node_modules/.bin'), env.PATH ?? ''].join(':'),
    AWS_CONFIG_FILE: '/nonexistent/cvpn-guard-docs/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cvpn-guard-docs/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    npm_config_offline: 'true',
    NO_COLOR: '1',
  };
}

/** Runs an example with bash (`set -euo pipefail`), stdin closed. */
export function runExample(example: string, setting: ExampleSetting): Promise<ExampleRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', `set -euo pipefail\n${example}`], {
      cwd: setting.cwd,
      env: setting.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // The whole process group: an example's own children go with it.
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), setting.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
