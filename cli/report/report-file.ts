import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliUsageError } from '../errors.js';

/** The report's formats: a page for people, CSV for spreadsheets, JSON (the report model as is) for scripts. */
export const ReportFormat = { HTML: 'html', CSV: 'csv', JSON: 'json' } as const;
/** One of the report's formats. */
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

/** The `--out` value that means stdout. */
export const STDOUT = '-';

/**
 * The file the HTML report goes to without `--out`: `cvpn-guard-report-<since>-<until>.html` in the working
 * directory, each instant in UTC to the minute without colons (`2026-11-03T1000Z`), so that a file name says
 * its period and no file system refuses it.
 */
export function defaultReportFile(since: Date, until: Date): string {
  const instant = (date: Date) => date.toISOString().slice(0, 16).replace(':', '') + 'Z';
  return `cvpn-guard-report-${instant(since)}-${instant(until)}.html`;
}

/**
 * Where the report goes: a file path, or undefined for stdout. HTML goes to `--out`, else the
 * {@link defaultReportFile}; CSV and JSON go to stdout unless `--out` names a file; `--out -` is stdout.
 */
export function reportDestination(
  format: ReportFormat,
  out: string | undefined,
  since: Date,
  until: Date,
): string | undefined {
  if (out === STDOUT) return undefined;
  if (out !== undefined) {
    if (out.trim() === '') throw new CliUsageError('--out is empty: give a file path, or - for stdout');
    return resolve(out);
  }
  return format === ReportFormat.HTML ? resolve(defaultReportFile(since, until)) : undefined;
}

/** Refuses a destination that cannot be written before anything is read: its directory missing, or a directory. */
export async function checkDestination(path: string): Promise<void> {
  const directory = dirname(path);
  const found = await stat(directory).catch(() => undefined);
  if (!found?.isDirectory())
    throw new CliUsageError(
      `--out ${path}: the directory ${directory} does not exist: create it first, or write elsewhere`,
    );
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory())
    throw new CliUsageError(`--out ${path} is a directory: give a file path, such as ${join(path, 'report.html')}`);
}

/**
 * Writes the report whole or not at all: to a temporary file beside the destination, then renamed over it
 * (a rename within a directory is atomic), so a reader never sees half a report and a failure leaves none.
 */
export async function writeReportFile(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
