import { describe, expect, it } from '@jest/globals';
import { synthTemplate } from './stack-factory.js';

/** The template with asset hashes blanked out, so a change to the function code does not churn the snapshot. */
function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip)?/g, 'ASSET-HASH$1'));
}

describe('CvpnGuardStack', () => {
  it('matches the snapshot (asset hashes blanked out)', () => {
    expect(withoutAssetHashes(synthTemplate().toJSON())).toMatchSnapshot();
  });
});
