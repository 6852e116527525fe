/** Structured logging as the run needs it (Powertools Logger fits it). */
export interface RunLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: RunLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
