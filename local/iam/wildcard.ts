/** Patterns compiled so far: every DynamoDB request to a table with a resource policy matches the same few. */
const compiled = new Map<string, RegExp>();
/** Past this many patterns the cache starts over (a scenario's policies name far fewer). */
const MAX_COMPILED = 1000;

/** True when `text` matches `pattern`, where `*` is any run of characters and `?` any one character. */
export function wildcardMatch(pattern: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  const flags = options.ignoreCase ? 'is' : 's';
  const key = `${flags}:${pattern}`;
  let expression = compiled.get(key);
  if (!expression) {
    const source = [...pattern]
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    expression = new RegExp(`^${source}$`, flags);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, expression);
  }
  return expression.test(text);
}

/**
 * ArnLike / ArnEquals: each of the six colon-separated parts matched on its own (the last part keeps its colons),
 * wildcards allowed in each; a value that is not an ARN never matches.
 */
export function arnMatch(pattern: string, arn: string): boolean {
  const patternParts = arnParts(pattern);
  const arnPartsFound = arnParts(arn);
  if (!patternParts || !arnPartsFound) return false;
  return patternParts.every((part, index) => wildcardMatch(part, arnPartsFound[index] ?? ''));
}

function arnParts(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
