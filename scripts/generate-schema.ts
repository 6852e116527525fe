/**
 * Writes what is generated from the schemas the code validates with: schema/policy-row.schema.json from the
 * policy row schema, and docs/settings.md from the settings registry (lambda/settings). Run `npm run schema`
 * after changing either; a unit test fails while a file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyRowJsonSchema } from '../lambda/domain/index.js';
import { settingsDocument } from '../lambda/settings/settings-table.js';

const outputs = [
  { path: '../schema/policy-row.schema.json', text: `${JSON.stringify(policyRowJsonSchema(), null, 2)}\n` },
  { path: '../docs/settings.md', text: settingsDocument() },
];

for (const { path, text } of outputs) {
  const target = fileURLToPath(new URL(path, import.meta.url));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
