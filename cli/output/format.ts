import { CliUsageError } from '../errors.js';

/** How a command prints its result. */
export const OutputFormat = {
  /** Aligned columns for people (the default). */
  TABLE: 'table',
  /** JSON for scripts. */
  JSON: 'json',
  /** CSV (audit listings only). */
  CSV: 'csv',
} as const;
/** One of the output formats. */
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Every format, for `--output`'s help. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.values(OutputFormat);

/** Checks that a command supports the format asked for; CSV is for listings of records only. */
export function requireFormat(format: OutputFormat, supported: readonly OutputFormat[], command: string): OutputFormat {
  if (supported.includes(format)) return format;
  throw new CliUsageError(
    `--output ${format} is not available for \`${command}\`: use ${supported.map((name) => `--output ${name}`).join(' or ')}`,
  );
}
