/** True when `text` matches `pattern`, where `*` is any run of characters and `?` any one character. */
export function wildcardMatch(pattern: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's').test(text);
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
