/**
 * Runs `task` on every item with at most `limit` tasks in flight, each to its end whatever the others do: a task
 * that fails is the task's own business (it reports it), never a reason to stop or delay the rest.
 */
export async function settleBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
