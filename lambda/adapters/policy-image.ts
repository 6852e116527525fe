import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import { unwrapNumbers } from './DynamoPolicyRepository.js';

/** The type keys of DynamoDB's AttributeValue JSON, each with what it holds. */
const attributeValue: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string() }),
    z.strictObject({ B: z.string() }),
    z.strictObject({ BOOL: z.boolean() }),
    z.strictObject({ NULL: z.literal(true) }),
    z.strictObject({ SS: z.array(z.string()) }),
    z.strictObject({ NS: z.array(z.string()) }),
    z.strictObject({ BS: z.array(z.string()) }),
    z.strictObject({ L: z.array(attributeValue) }),
    z.strictObject({ M: z.record(z.string(), attributeValue) }),
  ]),
) as z.ZodType<AttributeValue>;

/** A DynamoDB item as AttributeValue JSON (what a stream record's `Keys`, `NewImage` and `OldImage` hold). */
export const attributeMapSchema = z.record(z.string(), attributeValue);

/** One image read: the item as the policies table's rows are read, or why it is not AttributeValue JSON. */
export type ReadImage =
  { readonly ok: true; readonly item: Record<string, unknown> } | { readonly ok: false; readonly why: string };

/**
 * A stream record's image (AttributeValue JSON, as Lambda delivers DynamoDB Streams records) as an item of
 * the policies table, read as the repository reads a scanned item: numbers that no JavaScript number holds
 * exactly stay text, which the row's schema then refuses by name. Never throws.
 */
export function readPolicyImage(image: unknown): ReadImage {
  const checked = attributeMapSchema.safeParse(image);
  if (!checked.success) {
    const [issue] = checked.error.issues;
    const at = issue?.path.map(String).join('.') || '(image)';
    return { ok: false, why: `${at} is not DynamoDB AttributeValue JSON ({"S": "..."}, {"N": "..."}, …)` };
  }
  try {
    return {
      ok: true,
      item: unwrapNumbers(unmarshall(checked.data, { wrapNumbers: true })) as Record<string, unknown>,
    };
  } catch (error) {
    return { ok: false, why: `the image cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
