/** The endpoint tag a deployment selects endpoints by: `key=value`, as EC2 tags are written. */

/** A tag an endpoint must carry to be enforced on. */
export interface EndpointTag {
  readonly key: string;
  readonly value: string;
}

/** What an endpoint tag must look like, for error messages and the docs. */
export const ENDPOINT_TAG_ACCEPTED =
  'key=value (a tag key of 1 to 128 characters not starting with "aws:", a value of up to 256); empty for no tag';

/** Longest tag key EC2 accepts. */
const MAX_KEY_LENGTH = 128;
/** Longest tag value EC2 accepts. */
const MAX_VALUE_LENGTH = 256;
/** Characters EC2 accepts in a tag key or value. */
const TAG_PART = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Splits `key=value` at the first `=` (the value may hold more), trimming both parts; undefined when the
 * text is not a tag EC2 would accept or the key is reserved (`aws:`).
 */
export function parseEndpointTag(text: string): EndpointTag | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  const key = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  if (key === '' || key.length > MAX_KEY_LENGTH || value.length > MAX_VALUE_LENGTH) return undefined;
  if (key.toLowerCase().startsWith('aws:')) return undefined;
  return TAG_PART.test(key) && TAG_PART.test(value) ? { key, value } : undefined;
}

/** The tag as `key=value`, as the function's environment holds it. */
export function formatEndpointTag(tag: EndpointTag): string {
  return `${tag.key}=${tag.value}`;
}
