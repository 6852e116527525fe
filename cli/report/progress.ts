/** Where progress goes: stderr, or a test's stream. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on a terminal: one line is rewritten in place. */
  readonly isTTY?: boolean;
}

/** How progress is shown. */
export interface ProgressOptions {
  /** Print nothing (`--quiet`). @default false */
  readonly quiet?: boolean;
  /** Off a terminal, one line every this many pages. @default 50 */
  readonly everyPages?: number;
}

/** What has been read so far. */
export interface ReadCounts {
  readonly pages: number;
  readonly records: number;
  readonly summaries: number;
}

/** Pages between two lines when stderr is not a terminal: a log stays short over a long period. */
export const DEFAULT_PROGRESS_EVERY_PAGES = 50;

const NUMBER = new Intl.NumberFormat('en-US');

/**
 * The report's progress while it reads a period, on stderr (never stdout, which may carry the report): on a
 * terminal a single line rewritten after each page (`reading 2026-11-03: 412 pages, 389,120 records`), otherwise
 * one line every {@link ProgressOptions.everyPages} pages, and nothing at all when quiet.
 */
export class ReportProgress {
  private readonly quiet: boolean;
  private readonly everyPages: number;
  /** The length of the line a terminal shows now, to blank what a shorter line leaves. */
  private shown = 0;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.quiet = options.quiet === true;
    this.everyPages = Math.max(1, options.everyPages ?? DEFAULT_PROGRESS_EVERY_PAGES);
  }

  /** A page was read; `day` is the UTC day (`2026-11-03`) its items are of, when it had any. */
  public page(what: string, day: string | undefined, counts: ReadCounts): void {
    if (this.quiet) return;
    const line = `reading ${what}${day ? ` ${day}` : ''}: ${progressText(counts)}`;
    if (this.stream.isTTY === true) {
      this.stream.write(`\r${line.padEnd(this.shown)}`);
      this.shown = line.length;
    } else if (counts.pages % this.everyPages === 0) {
      this.stream.write(`${line}\n`);
    }
  }

  /** Reading is over: ends the terminal's line with what was read. */
  public done(counts: ReadCounts): void {
    if (this.quiet) return;
    const line = `read ${progressText(counts)}`;
    this.stream.write(this.stream.isTTY === true ? `\r${line.padEnd(this.shown)}\n` : `${line}\n`);
    this.shown = 0;
  }
}

/** `412 pages, 389,120 records, 1,440 run summaries`. */
export function progressText(counts: ReadCounts): string {
  const plural = (count: number, one: string, many: string) => `${NUMBER.format(count)} ${count === 1 ? one : many}`;
  return [
    plural(counts.pages, 'page', 'pages'),
    plural(counts.records, 'record', 'records'),
    plural(counts.summaries, 'run summary', 'run summaries'),
  ].join(', ');
}
