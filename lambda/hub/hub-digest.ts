import type { UnplacedRow, UnreachableSpoke } from '../domain/organization/index.js';
import type { Placement } from '../domain/index.js';
import type { RunDigest } from '../ports/index.js';

/**
 * Most bytes of a hub digest's text: SNS takes 256 KiB; what does not fit is cut whole lines at a time, ending
 * with how many were left out.
 */
export const MAX_HUB_DIGEST_BYTES = 200 * 1024;

/** What a hub digest tells. */
export interface HubDigestInput {
  /** Which function tells it, and when. */
  readonly source: 'hub watch' | 'relay';
  readonly at: string;
  /** Spokes known to the hub (the directory). */
  readonly spokes: number;
  readonly unreachable: readonly UnreachableSpoke[];
  readonly unplaced: readonly UnplacedRow[];
  /** For the relay: the batch's run id. */
  readonly runId?: string;
}

/** `<accountId>/<region>`: how a hub digest names a spoke. */
export function spokeLabel(spoke: Placement): string {
  return `${spoke.accountId}/${spoke.region}`;
}

/**
 * The hub digest: plain text naming each unreachable spoke (`<accountId>/<region>: <why>`) and each row that selects
 * no spoke, cut to {@link MAX_HUB_DIGEST_BYTES} with "… and N more".
 */
export function hubDigest(input: HubDigestInput, maxBytes = MAX_HUB_DIGEST_BYTES): RunDigest {
  const { unreachable, unplaced } = input;
  const subject =
    `cvpn-guard ${input.source}: ${count(unreachable.length, 'spoke')} unreachable, ` +
    `${count(unplaced.length, 'row')} selecting no spoke`;
  const head = [
    `cvpn-guard ${input.source} at ${input.at}${input.runId ? ` (${input.runId})` : ''}: ` +
      `${count(input.spokes, 'spoke')} known, ${unreachable.length} unreachable, ` +
      `${count(unplaced.length, 'row')} selecting no spoke.`,
  ];
  const lines = [
    ...(unreachable.length > 0 ? ['', 'Unreachable spokes:'] : []),
    ...unreachable.map((spoke) => `  ${spokeLabel(spoke)}: ${spoke.why}`),
    ...(unplaced.length > 0 ? ['', 'Rows that select no spoke (in force nowhere):'] : []),
    ...unplaced.map((row) => `  ${row.why}`),
  ];
  return { subject, message: cutLines(head, lines, maxBytes) };
}

function cutLines(head: readonly string[], lines: readonly string[], maxBytes: number): string {
  const kept = [...head];
  let used = Buffer.byteLength(kept.join('\n'));
  const reserve = 64;
  for (const [index, line] of lines.entries()) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > maxBytes - reserve) {
      const left = lines.slice(index).filter((rest) => rest.startsWith('  ')).length;
      kept.push(`  … and ${left} more`);
      return kept.join('\n');
    }
    kept.push(line);
    used += size;
  }
  return kept.join('\n');
}

function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
