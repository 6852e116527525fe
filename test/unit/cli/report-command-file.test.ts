import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  checkDestination,
  defaultReportFile,
  ReportFormat,
  reportDestination,
  writeReportFile,
} from '../../../cli/report/report-file.js';

const SINCE = new Date('2026-11-01T00:00:00Z');
const UNTIL = new Date('2026-12-01T09:30:15Z');

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cvpn-guard-report-file-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('reportDestination', () => {
  it('sends HTML to a file named by its period, and CSV and JSON to stdout, without --out', () => {
    expect(defaultReportFile(SINCE, UNTIL)).toBe('cvpn-guard-report-2026-11-01T0000Z-2026-12-01T0930Z.html');
    expect(reportDestination(ReportFormat.HTML, undefined, SINCE, UNTIL)).toBe(
      resolve('cvpn-guard-report-2026-11-01T0000Z-2026-12-01T0930Z.html'),
    );
    expect(reportDestination(ReportFormat.CSV, undefined, SINCE, UNTIL)).toBeUndefined();
    expect(reportDestination(ReportFormat.JSON, undefined, SINCE, UNTIL)).toBeUndefined();
  });

  it('takes --out for every format, and - as stdout', () => {
    expect(reportDestination(ReportFormat.JSON, 'out/report.json', SINCE, UNTIL)).toBe(resolve('out/report.json'));
    expect(reportDestination(ReportFormat.HTML, '-', SINCE, UNTIL)).toBeUndefined();
  });

  it('refuses an empty --out', () => {
    expect(() => reportDestination(ReportFormat.HTML, ' ', SINCE, UNTIL)).toThrow(
      '--out is empty: give a file path, or - for stdout',
    );
  });
});

describe('checkDestination', () => {
  it('refuses a file in a directory that does not exist, and a directory', async () => {
    await expect(checkDestination(join(scratch, 'missing', 'report.html'))).rejects.toThrow(
      `--out ${join(scratch, 'missing', 'report.html')}: the directory ${join(scratch, 'missing')} does not exist`,
    );
    await expect(checkDestination(scratch)).rejects.toThrow(`--out ${scratch} is a directory: give a file path`);
  });

  it('accepts a new file, or one to replace, in a directory that exists', async () => {
    await writeFile(join(scratch, 'old.html'), 'old');
    await expect(checkDestination(join(scratch, 'new.html'))).resolves.toBeUndefined();
    await expect(checkDestination(join(scratch, 'old.html'))).resolves.toBeUndefined();
  });
});

describe('writeReportFile', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    // Arrange
    const directory = join(scratch, 'write');
    await mkdir(directory);
    const path = join(directory, 'report.html');
    await writeFile(path, 'last month');

    // Act
    await writeReportFile(path, '<!doctype html>this month');

    // Assert
    expect(await readFile(path, 'utf8')).toBe('<!doctype html>this month');
    expect(await readdir(directory)).toEqual(['report.html']);
  });

  it('leaves nothing behind when the write fails', async () => {
    // Arrange: a directory where the file should go cannot be renamed over.
    const directory = join(scratch, 'fails');
    await mkdir(join(directory, 'report.html'), { recursive: true });

    // Act
    const writing = writeReportFile(join(directory, 'report.html'), 'text');

    // Assert
    await expect(writing).rejects.toThrow();
    expect(await readdir(directory)).toEqual(['report.html']);
  });
});
