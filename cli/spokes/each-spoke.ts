import type { SpokeEntry } from '../../lambda/ports/index.js';
import type { CliClients } from '../aws.js';
import type { CliContext } from '../context.js';
import { explainError } from '../explain-error.js';
import { spokeClients } from './spoke-session.js';

/** How many spokes are asked at once: a few, so that a large organization neither waits in line nor throttles STS. */
export const SPOKE_CONCURRENCY = 4;

/** What one spoke answered: the work's result, or why it failed (as a person reads it). */
export type SpokeAnswer<T> =
  | { readonly spoke: SpokeEntry; readonly ok: true; readonly result: T }
  | { readonly spoke: SpokeEntry; readonly ok: false; readonly error: string };

/**
 * Runs the work on every spoke, with the spoke's operator role assumed and clients in its Region, a few spokes at a
 * time. One spoke failing (its role missing, a throttled call) is that spoke's answer: the others still answer.
 * Answers come back in the spokes' order.
 */
export async function eachSpoke<T>(
  context: CliContext,
  spokeStackName: string,
  spokes: readonly SpokeEntry[],
  work: (clients: CliClients, spoke: SpokeEntry) => Promise<T>,
  openClients: typeof spokeClients = spokeClients,
): Promise<SpokeAnswer<T>[]> {
  const answers: SpokeAnswer<T>[] = new Array(spokes.length);
  let next = 0;
  const worker = async () => {
    while (next < spokes.length) {
      const position = next;
      next += 1;
      const spoke = spokes[position]!;
      let clients: CliClients | undefined;
      try {
        clients = await openClients(context, spokeStackName, spoke);
        answers[position] = { spoke, ok: true, result: await work(clients, spoke) };
      } catch (error) {
        answers[position] = { spoke, ok: false, error: explainError(error, context.scene()).message };
      } finally {
        await clients?.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SPOKE_CONCURRENCY, spokes.length) }, worker));
  return answers;
}
