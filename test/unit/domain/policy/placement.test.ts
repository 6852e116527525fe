import { describe, expect, it } from '@jest/globals';
import { inPlacementScope, parsePolicyRow, type PolicyRow } from '../../../../lambda/domain/index.js';
import { row } from '../fixtures.js';

const HERE = { accountId: '111122223333', region: 'eu-west-1' } as const;

function parsed(item: unknown): PolicyRow {
  const result = parsePolicyRow(item);
  if (!result.ok) throw new Error(`expected a valid row, got: ${result.error.message}`);
  return result.row;
}

describe('accounts and regions on a policy row', () => {
  it.each([
    ['every account and Region without selectors', {}, true],
    ['its account listed', { accounts: ['999988887777', '111122223333'] }, true],
    ['another account only', { accounts: ['999988887777'] }, false],
    ['its Region listed', { regions: ['eu-west-1'] }, true],
    ['another Region only', { regions: ['us-east-1'] }, false],
    ['its account but another Region', { accounts: ['111122223333'], regions: ['us-east-1'] }, false],
    ['both listed', { accounts: ['111122223333'], regions: ['eu-west-1', 'us-east-1'] }, true],
  ])('a row with %s applies here: %s', (_name, selectors, expected) => {
    // Arrange
    const policy = parsed({ ...row.idle(), ...selectors });

    // Act
    const applies = inPlacementScope(policy, HERE);

    // Assert
    expect(applies).toBe(expected);
  });

  it.each([
    ['accounts', ['12345678901'], '12-digit AWS account ids'],
    ['accounts', ['1111222233334'], '12-digit AWS account ids'],
    ['accounts', [], 'a list of 1 to'],
    ['regions', ['eu-west'], 'AWS Region names'],
    ['regions', ['EU-WEST-1'], 'AWS Region names'],
    ['regions', ['*'], 'AWS Region names'],
  ])('refuses %s %j, saying what is accepted', (field, value, accepted) => {
    // Act
    const result = parsePolicyRow({ ...row.revokedUser(), [field]: value });

    // Assert
    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.error.issues.find((candidate) => candidate.field.startsWith(field));
    expect(issue?.expected).toContain(accepted);
  });

  it.each([['us-gov-west-1'], ['cn-north-1'], ['ap-southeast-5'], ['us-isob-east-1']])(
    'accepts the Region %s',
    (region) => {
      // Act
      const policy = parsed({ ...row.revokedUser(), regions: [region] });

      // Assert
      expect(policy.regions).toEqual([region]);
    },
  );
});
