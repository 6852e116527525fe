import { createInterface } from 'node:readline';
import type { CliIo } from './context.js';

/** Asks a yes/no question on the terminal; only `y` or `yes` (any case) is a yes, and end of input is a no. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const lines = createInterface({ input: io.stdin, terminal: false });
  io.stderr.write(`${question} [y/N] `);
  try {
    for await (const line of lines) return /^\s*y(es)?\s*$/i.test(line);
    return false;
  } finally {
    lines.close();
  }
}
