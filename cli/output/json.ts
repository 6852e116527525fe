/** A value as pretty JSON for scripts (bigints as strings, Sets and Maps as lists and objects), newline-terminated. */
export function renderJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_key, inner: unknown) => {
        if (typeof inner === 'bigint') return inner.toString();
        if (inner instanceof Set) return [...(inner as Set<unknown>)];
        if (inner instanceof Map) return Object.fromEntries(inner as Map<string, unknown>);
        return inner;
      },
      2,
    ) + '\n'
  );
}
