/** Exit codes of the `cvpn-guard` command, as scripts read them. */
export const ExitCode = {
  /** Everything asked for was done. */
  OK: 0,
  /** Something failed that may work on a retry or after fixing the environment (AWS, network, a lost race). */
  FAILURE: 1,
  /** The command cannot succeed as written: bad usage, or input (file, flag, id) that is invalid. */
  USAGE: 2,
  /** Nothing was done because another run is under way (`run`: the enforcer found its lease held); try again later. */
  BUSY: 3,
} as const;
/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class of the errors the CLI prints: the message names the thing, the value and the fix. */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line or its input is wrong (exit 2). */
export class CliUsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.USAGE, options);
    this.name = 'CliUsageError';
  }
}

/** Something failed while doing what was asked (exit 1). */
export class CliOperationError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.FAILURE, options);
    this.name = 'CliOperationError';
  }
}

/**
 * Ends the command with an exit code, its message already printed: the command ran and reported the
 * problems it found itself (doctor, plan, policy validate and put), so nothing is left to print.
 */
export class CliExit extends CliError {
  constructor(exitCode: ExitCode) {
    super('', exitCode);
    this.name = 'CliExit';
  }
}
