/**
 * Writes schema/policy-row.schema.json from the policy row schema the code validates with.
 * Run `npm run schema` after changing lambda/domain/policy; a unit test fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { policyRowJsonSchema } from '../lambda/domain/index.js';

const target = fileURLToPath(new URL('../schema/policy-row.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(policyRowJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
