import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parsePolicyRow, PolicyKind, policyRowJsonSchema } from '../../../../lambda/domain/index.js';

const repository = new URL('../../../../', import.meta.url);

describe('policyRowJsonSchema', () => {
  it('matches the committed schema/policy-row.schema.json', () => {
    // Arrange
    const committed: unknown = JSON.parse(readFileSync(new URL('schema/policy-row.schema.json', repository), 'utf8'));

    // Act
    const generated = policyRowJsonSchema();

    // Assert
    expect({ generated, hint: 'schema/policy-row.schema.json is stale: run `npm run schema` and commit it' }).toEqual({
      generated: committed,
      hint: 'schema/policy-row.schema.json is stale: run `npm run schema` and commit it',
    });
  });

  it('describes one object per kind, refusing unknown attributes', () => {
    const schema = policyRowJsonSchema() as {
      oneOf: { properties: { kind: { const: string } }; additionalProperties: boolean }[];
    };

    const kinds = schema.oneOf.map((variant) => variant.properties.kind.const);

    expect(kinds).toEqual([
      'revoked-user',
      'idle',
      'max-session',
      'off-hours',
      'max-connections',
      'lockdown',
      'exempt',
    ]);
    expect(schema.oneOf.every((variant) => variant.additionalProperties === false)).toBe(true);
  });
});

describe('docs/policies.md policy table', () => {
  it('shows one example row per kind, each of them valid', () => {
    // Arrange
    const page = readFileSync(new URL('docs/policies.md', repository), 'utf8');
    const examples = [...page.matchAll(/^\| `([a-z-]+)` \|.*\| `(\{.*\})` \|$/gm)];

    // Act
    const results = examples.map(([, kind, json]) => ({ kind, result: parsePolicyRow(JSON.parse(json ?? '')) }));

    // Assert
    expect(results.map(({ kind }) => kind).sort()).toEqual(Object.values(PolicyKind).sort());
    for (const { kind, result } of results) {
      expect({ kind, message: result.ok ? 'valid' : result.error.message }).toEqual({ kind, message: 'valid' });
      expect(result.ok && result.row.kind).toBe(kind);
    }
  });
});
