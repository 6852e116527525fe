import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { parsePolicyRow, PolicyKind } from '../../../../lambda/domain/index.js';
import { POLICY_KINDS, skeletonRow, skeletonYaml } from '../../../../cli/policy/skeleton.js';

describe('policy skeletons', () => {
  it.each(POLICY_KINDS)('gives a %s row the enforcer accepts', (kind) => {
    // Act
    const parsed = parsePolicyRow(skeletonRow(kind));

    // Assert
    expect(parsed).toMatchObject({ ok: true, row: { kind } });
  });

  it.each(POLICY_KINDS)('writes the %s row as commented YAML that reads back as the same row', (kind) => {
    // Act
    const text = skeletonYaml(kind);

    // Assert
    expect(parse(text)).toEqual(skeletonRow(kind));
    expect(text).toMatch(/^# An? /);
  });

  it('starts new rows in observe mode, capped per run', () => {
    for (const kind of POLICY_KINDS.filter((name) => name !== PolicyKind.EXEMPT)) {
      expect(skeletonRow(kind)).toMatchObject({ mode: 'observe', maxTerminations: expect.any(Number) });
    }
  });

  it('describes each attribute from the schema and shows optional ones commented out', () => {
    const text = skeletonYaml(PolicyKind.IDLE);
    expect(text).toContain('# Minutes without traffic after which the connection is ended.');
    expect(text).toContain('# expiresAt: "2026-12-31T23:59:59Z"');
    expect(text).toContain('#   - alice');
  });
});
