import { describe, expect, it } from '@jest/globals';
import { unplacedRows } from '../../../../lambda/domain/organization/index.js';

const SPOKES = [
  { accountId: '111111111111', region: 'eu-west-1' },
  { accountId: '222222222222', region: 'us-east-1' },
];

describe('unplacedRows', () => {
  it.each([
    ['a row without selectors', {}, undefined],
    ['a row naming a spoke account', { accounts: ['111111111111'] }, undefined],
    ['a row naming one spoke account and a stranger', { accounts: ['111111111111', '999999999999'] }, undefined],
    [
      'a row naming an account that is no spoke',
      { accounts: ['999999999999'] },
      'row p names account 999999999999 which is not a spoke',
    ],
    [
      'a row naming two accounts that are no spokes',
      { accounts: ['888888888888', '999999999999'] },
      'row p names accounts 888888888888, 999999999999 which are not spokes',
    ],
    [
      'a row naming a Region without spokes',
      { regions: ['ap-south-1'] },
      'row p names Region ap-south-1 where no spoke runs',
    ],
    [
      'a row naming a spoke account and a Region it is not in',
      { accounts: ['111111111111'], regions: ['us-east-1'] },
      'row p names account 111111111111 and Region us-east-1, but no spoke runs in both',
    ],
    [
      'a row naming neither',
      { accounts: ['999999999999'], regions: ['ap-south-1'] },
      'row p names account 999999999999 which is not a spoke, and names Region ap-south-1 where no spoke runs',
    ],
  ])('%s: %s', (_name, selector, why) => {
    // Act
    const found = unplacedRows([{ policyId: 'p', ...selector }], SPOKES);

    // Assert
    expect(found).toEqual(why === undefined ? [] : [{ policyId: 'p', why }]);
  });

  it('reports no row without selectors even when no spoke is known', () => {
    expect(unplacedRows([{ policyId: 'p' }], [])).toEqual([]);
  });
});
