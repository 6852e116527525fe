import * as z from 'zod';
import { policyRowSchema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of a policy row as a person writes it (defaulted attributes optional),
 * generated from {@link policyRowSchema}, the schema the code validates with. `npm run schema` writes it
 * to `schema/policy-row.schema.json`. Checks JSON Schema cannot express (`"*"` alone in endpoints, distinct
 * days, start ≠ end, known time zones, identities required on revoked-user and exempt rows) are enforced
 * by {@link parsePolicyRow} only.
 */
export function policyRowJsonSchema(): object {
  const generated = z.toJSONSchema(policyRowSchema, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'cvpn-guard policy row',
    description:
      'One item of the policies table, keyed by policyId. Flat attributes: strings, numbers, booleans and lists of strings (string sets are read as lists).',
    ...rest,
  };
}
