/**
 * The `cvpn-guard` command line run in this process, as bin/cvpn-guard.ts runs it (buildProgram and
 * parseAsync), with its output captured, its exit code read back and the process's environment put
 * back afterwards. Much faster than a child process, so fuzzing can afford hundreds of runs.
 */
import { format } from 'node:util';
import { jest } from '@jest/globals';
import { buildProgram } from '../../../cli/program.js';

/** What one run of the command gave. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class ExitCalled extends Error {
  constructor(public readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/**
 * Runs `cvpn-guard …args` in-process. The environment is the test's without any AWS or cvpn-guard
 * setting (no shared config files, no instance metadata), plus `env`.
 */
export async function runCliInProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  const savedEnv = process.env;
  const savedExitCode = process.exitCode;
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(savedEnv)) {
    if (!name.startsWith('AWS_') && !name.startsWith('CVPN_GUARD_')) clean[name] = value;
  }
  process.env = {
    ...clean,
    AWS_CONFIG_FILE: '/nonexistent/cvpn-guard-reliability/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cvpn-guard-reliability/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  };
  process.exitCode = undefined;
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    stderr += String(chunk);
    return true;
  });
  // Plain text for console output too (the SDK warns through console.warn), without jest's decoration.
  const consoles = [
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (stdout += `${format(...parts)}\n`)),
    jest.spyOn(console, 'info').mockImplementation((...parts: unknown[]) => void (stdout += `${format(...parts)}\n`)),
    jest.spyOn(console, 'warn').mockImplementation((...parts: unknown[]) => void (stderr += `${format(...parts)}\n`)),
    jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (stderr += `${format(...parts)}\n`)),
  ];
  const exit = jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    throw new ExitCalled(Number(code ?? 0));
  });
  let code: number;
  try {
    await buildProgram().parseAsync(['node', 'cvpn-guard', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof ExitCalled)) throw error;
    code = error.code;
  } finally {
    out.mockRestore();
    err.mockRestore();
    exit.mockRestore();
    for (const spy of consoles) spy.mockRestore();
    process.env = savedEnv;
    process.exitCode = savedExitCode;
  }
  return { code, stdout, stderr };
}

/** A stack trace in output: the command crashed instead of explaining itself. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;
