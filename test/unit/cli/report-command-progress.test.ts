import { describe, expect, it } from '@jest/globals';
import { progressText, ReportProgress } from '../../../cli/report/progress.js';

/** A stream that keeps what is written, a terminal or not. */
function streamOf(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } };
}

describe('ReportProgress', () => {
  it('rewrites one line on a terminal, blanking what a shorter line leaves, and ends it when done', () => {
    // Arrange
    const { written, stream } = streamOf(true);
    const progress = new ReportProgress(stream);

    // Act
    progress.page('records', '2026-11-03', { pages: 412, records: 389_120, summaries: 0 });
    progress.page('run summaries', undefined, { pages: 413, records: 389_120, summaries: 7 });
    progress.done({ pages: 413, records: 389_120, summaries: 7 });

    // Assert
    const first = 'reading records 2026-11-03: 412 pages, 389,120 records, 0 run summaries';
    const second = 'reading run summaries: 413 pages, 389,120 records, 7 run summaries';
    expect(written).toEqual([
      `\r${first}`,
      `\r${second.padEnd(first.length)}`,
      `\r${'read 413 pages, 389,120 records, 7 run summaries'.padEnd(second.length)}\n`,
    ]);
  });

  it('off a terminal, writes a line every N pages and one at the end', () => {
    // Arrange
    const { written, stream } = streamOf(false);
    const progress = new ReportProgress(stream, { everyPages: 2 });

    // Act
    for (let pages = 1; pages <= 5; pages += 1)
      progress.page('records', '2026-11-03', { pages, records: pages * 1000, summaries: 0 });
    progress.done({ pages: 5, records: 5000, summaries: 0 });

    // Assert
    expect(written).toEqual([
      'reading records 2026-11-03: 2 pages, 2,000 records, 0 run summaries\n',
      'reading records 2026-11-03: 4 pages, 4,000 records, 0 run summaries\n',
      'read 5 pages, 5,000 records, 0 run summaries\n',
    ]);
  });

  it('writes nothing when quiet, on a terminal or not', () => {
    // Arrange
    const terminal = streamOf(true);
    const log = streamOf(false);

    // Act
    for (const { stream } of [terminal, log]) {
      const progress = new ReportProgress(stream, { quiet: true, everyPages: 1 });
      progress.page('records', '2026-11-03', { pages: 1, records: 1, summaries: 0 });
      progress.done({ pages: 1, records: 1, summaries: 0 });
    }

    // Assert
    expect([...terminal.written, ...log.written]).toEqual([]);
  });
});

describe('progressText', () => {
  it('counts in the singular for one', () => {
    expect(progressText({ pages: 1, records: 1, summaries: 1 })).toBe('1 page, 1 record, 1 run summary');
  });
});
