import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from 'aws-lambda';

/** An item as DynamoDB's JSON protocol writes it (and as a stream record's images carry it): binary as base64. */
export type ItemJson = Record<string, AttributeValue>;

/** An item read with the SDK, in the JSON protocol's form. */
export function itemJson(item: Record<string, SdkAttributeValue>): ItemJson {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeJson(value)]));
}

function attributeJson(value: SdkAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.M !== undefined) return { M: itemJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeJson) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  return { NULL: true };
}

/** True when two items hold the same attributes and values (sets compared as sets, maps whatever their order). */
export function sameItem(a: ItemJson | undefined, b: ItemJson | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonical({ M: a }) === canonical({ M: b });
}

function canonical(value: AttributeValue): string {
  if (value.M !== undefined) {
    const entries = Object.keys(value.M)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonical(value.M?.[name] ?? { NULL: true })}`);
    return `{M:{${entries.join(',')}}}`;
  }
  if (value.L !== undefined) return `{L:[${value.L.map(canonical).join(',')}]}`;
  if (value.SS !== undefined) return `{SS:${JSON.stringify([...value.SS].sort())}}`;
  if (value.NS !== undefined) return `{NS:${JSON.stringify([...value.NS].sort())}}`;
  if (value.BS !== undefined) return `{BS:${JSON.stringify([...value.BS].sort())}}`;
  return JSON.stringify(value);
}

/**
 * An item's size as DynamoDB counts it: each attribute's name in UTF-8 bytes plus its value (a string's UTF-8 bytes, a
 * binary's bytes, a number about one byte per two significant digits plus one, 1 for a boolean or null, 3 for a map
 * or list plus 1 per element). A stream record's `SizeBytes` is the size of its keys and images.
 */
export function itemSize(item: ItemJson | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + Buffer.from(bytes, 'base64').length, 0);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + itemSize(value.M);
  if (value.L !== undefined) return 3 + value.L.length + value.L.reduce((sum, inner) => sum + valueSize(inner), 0);
  return 1;
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}
