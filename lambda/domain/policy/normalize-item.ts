/**
 * A raw DynamoDB item as a plain record the schema can check: own enumerable attributes copied, and each
 * string set (lib-dynamodb unmarshalls a DynamoDB SS as a `Set`) turned into a list, so a hand edit that
 * produced a set is read like a list. Returns `undefined` when the item is not an object of attributes.
 */
export function normalizeItem(item: unknown): Record<string, unknown> | undefined {
  if (!isAttributeObject(item)) return undefined;
  // No prototype: an attribute named `__proto__` stays an attribute (and is refused as unknown).
  const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(item)) {
    const value = item[name];
    record[name] = value instanceof Set ? [...(value as Set<unknown>)] : value;
  }
  return record;
}

function isAttributeObject(item: unknown): item is Record<string, unknown> {
  if (typeof item !== 'object' || item === null) return false;
  if (Array.isArray(item) || item instanceof Set || item instanceof Map || item instanceof Date) return false;
  const prototype: unknown = Object.getPrototypeOf(item);
  return prototype === Object.prototype || prototype === null;
}
