import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { inPlacementScope, parsePolicyRow } from '../../../../lambda/domain/index.js';
import { reachingChange, relayTargets } from '../../../../lambda/domain/organization/index.js';
import { PROPERTY_PARAMETERS } from '../arbitraries.js';
import { NOW, row } from '../fixtures.js';

const A_EU = { accountId: '111111111111', region: 'eu-west-1' } as const;
const A_US = { accountId: '111111111111', region: 'us-east-1' } as const;
const B_EU = { accountId: '222222222222', region: 'eu-west-1' } as const;
const SPOKES = [A_EU, A_US, B_EU];

describe('reachingChange', () => {
  it.each([
    [
      'a new revocation in force',
      undefined,
      row.revokedUser({ accounts: ['111111111111'] }),
      [{ accounts: ['111111111111'] }],
    ],
    ['a revocation in observe mode', undefined, row.revokedUser({ mode: 'observe' }), undefined],
    ['a disabled revocation', undefined, row.revokedUser({ enabled: false }), undefined],
    ['a removed exemption in force', row.exempt({ regions: ['us-east-1'] }), undefined, [{ regions: ['us-east-1'] }]],
    [
      'an exemption moved to another Region',
      row.exempt({ regions: ['us-east-1'] }),
      row.exempt({ regions: ['eu-west-1'] }),
      [{ regions: ['us-east-1'] }],
    ],
    [
      'an exemption turned into a revocation elsewhere',
      row.exempt({ policyId: 'p', regions: ['us-east-1'] }),
      row.revokedUser({ policyId: 'p', accounts: ['222222222222'] }),
      [{ accounts: ['222222222222'] }, { regions: ['us-east-1'] }],
    ],
    ['a change of its reason only', row.revokedUser(), row.revokedUser({ reason: 'another' }), undefined],
  ])('%s reaches %j', (_name, before, after, selectors) => {
    // Act
    const reach = reachingChange({ before, after }, NOW);

    // Assert
    expect(reach?.selectors).toEqual(selectors);
  });
});

describe('relayTargets', () => {
  it.each([
    ['a row without selectors selects every spoke', {}, [A_EU, A_US, B_EU]],
    ['an account selects its spokes in every Region', { accounts: ['111111111111'] }, [A_EU, A_US]],
    ['a Region selects its spokes in every account', { regions: ['eu-west-1'] }, [A_EU, B_EU]],
    ['both select their intersection', { accounts: ['222222222222'], regions: ['eu-west-1'] }, [B_EU]],
    ['an account that is no spoke selects none', { accounts: ['999999999999'] }, []],
  ])('%s', (_name, selector, expected) => {
    // Act
    const targets = relayTargets([{ policyId: 'p', why: 'test', selectors: [selector] }], SPOKES);

    // Assert
    expect(targets.map((target) => target.spoke)).toEqual(expected);
  });

  it('names, for each spoke, each changed row that selects it once', () => {
    // Arrange
    const changes = [
      { policyId: 'everywhere', why: 'test', selectors: [{}] },
      { policyId: 'eu', why: 'test', selectors: [{ regions: ['eu-west-1'] }, { accounts: ['111111111111'] }] },
    ];

    // Act
    const targets = relayTargets(changes, SPOKES);

    // Assert
    expect(targets).toEqual([
      { spoke: A_EU, policyIds: ['everywhere', 'eu'] },
      { spoke: A_US, policyIds: ['everywhere', 'eu'] },
      { spoke: B_EU, policyIds: ['everywhere', 'eu'] },
    ]);
  });

  it('selects exactly the spokes that inPlacementScope places a changed row in, never another', () => {
    const accountIds = ['111111111111', '222222222222', '333333333333'];
    const regions = ['eu-west-1', 'us-east-1', 'ap-south-1'];
    const arbSpokes = fc.uniqueArray(
      fc.record({ accountId: fc.constantFrom(...accountIds), region: fc.constantFrom(...regions) }),
      { maxLength: 9, selector: (spoke) => `${spoke.accountId}.${spoke.region}` },
    );
    const arbSelector = fc.record(
      {
        accounts: fc.uniqueArray(fc.constantFrom(...accountIds, '999999999999'), { minLength: 1 }),
        regions: fc.uniqueArray(fc.constantFrom(...regions, 'sa-east-1'), { minLength: 1 }),
      },
      { requiredKeys: [] },
    );
    const arbRow = fc
      .tuple(fc.constantFrom('a', 'b', 'c'), arbSelector, fc.constantFrom('enforce', 'observe'))
      .map(([policyId, selector, mode]) => row.revokedUser({ policyId, mode, ...selector }));

    fc.assert(
      fc.property(arbSpokes, fc.array(arbRow, { maxLength: 4 }), (spokes, rows) => {
        const changes = rows.flatMap((after) => reachingChange({ after }, NOW) ?? []);
        const targets = relayTargets(changes, spokes);
        for (const spoke of spokes) {
          const expected = rows
            .map((after) => parsePolicyRow(after))
            .filter((parsed) => parsed.ok && parsed.row.mode === 'enforce' && inPlacementScope(parsed.row, spoke))
            .map((parsed) => (parsed.ok ? parsed.row.policyId : ''));
          const target = targets.find((candidate) => candidate.spoke === spoke);
          expect(target?.policyIds ?? []).toEqual([...new Set(expected)]);
        }
        expect(targets.every((target) => spokes.includes(target.spoke))).toBe(true);
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
