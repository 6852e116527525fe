import * as z from 'zod';
import { ENDPOINT_ID_PATTERN } from '../domain/constants.js';
import { toBoolean, toList, toNumber, toOptionalString } from './coerce.js';
import { parseEndpointTag } from './endpoint-tag.js';

/**
 * Marks a custom issue whose message says what is wrong with the value (`"vpn-1" is not an endpoint id`):
 * the refusal puts it before what is accepted. Issues without it only mean "not accepted".
 */
export const REFUSAL_DETAIL = 'refusalDetail';

/** Refuses the value being parsed, saying why. */
export function refuse(context: z.RefinementCtx, why: string): void {
  context.addIssue({ code: 'custom', message: why, params: { [REFUSAL_DETAIL]: true } });
}

/** A whole number from `min` to `max`, from a number or its text. */
export function wholeNumber(min: number, max: number) {
  return z.preprocess(toNumber, z.number().int().min(min).max(max));
}

/** `true` or `false`, from a boolean or its text (any case). */
export function flag() {
  return z.preprocess(toBoolean, z.boolean());
}

/** An optional text that must match `schema` when set; empty text is not set. */
export function optionalText<Schema extends z.ZodType<string>>(schema: Schema) {
  return z.preprocess(toOptionalString, schema.optional());
}

/** Up to `max` Client VPN endpoint ids, from a list, a JSON list or comma-separated text; names the entries at fault. */
export function endpointIdList(max: number) {
  return patternList(max, ENDPOINT_ID_PATTERN, 'an endpoint id');
}

/**
 * Up to `max` texts each matching `pattern`, from a list, a JSON list or comma-separated text; names the entries at
 * fault (`"x" is not <noun>`).
 */
export function patternList(max: number, pattern: RegExp, noun: string) {
  return z.preprocess(
    toList,
    z
      .custom<unknown[]>((value) => Array.isArray(value), { message: 'not a list', params: { [REFUSAL_DETAIL]: true } })
      .pipe(z.array(z.unknown()).max(max))
      .transform((list, context) => {
        const wrong = list.filter((item) => typeof item !== 'string' || !pattern.test(item));
        if (wrong.length === 0) return list as readonly string[];
        const plural = noun.replace(/^an? /, '').replace(/y$/, 'ie') + 's';
        refuse(
          context,
          `${wrong.map((item) => JSON.stringify(item)).join(', ')} ${wrong.length === 1 ? `is not ${noun}` : `are not ${plural}`}`,
        );
        return z.NEVER;
      }),
  );
}

/** An optional `key=value` endpoint tag; empty text is no tag. */
export function endpointTag() {
  return optionalText(z.string()).transform((text, context) => {
    if (text === undefined) return undefined;
    const tag = parseEndpointTag(text);
    if (tag === undefined) {
      context.addIssue({ code: 'custom', message: 'not a tag' });
      return z.NEVER;
    }
    return tag;
  });
}
