import { describe, expect, it } from '@jest/globals';
import { SANDBOX_ENFORCER_FUNCTION_NAME } from '../../../../cli/sandbox/enforcer-name.js';
import { ENFORCER_FUNCTION_NAME } from '../../../../cli/sandbox/product.js';

describe('SANDBOX_ENFORCER_FUNCTION_NAME', () => {
  it('is the name the product registers the enforcer under', () => {
    expect(SANDBOX_ENFORCER_FUNCTION_NAME).toBe(ENFORCER_FUNCTION_NAME);
  });
});
