import { describe, expect, it } from '@jest/globals';
import { describeSelection, runSettings } from '../../../cli/selection.js';

const ID_A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const ID_B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';

describe('runSettings', () => {
  it('defaults as the enforcer does: every endpoint, a cap of 100, no dry run', () => {
    expect(runSettings({}, {})).toEqual({ selection: {}, maxTerminationsPerRun: 100, dryRun: false, disabled: false });
  });

  it("reads the enforcer's environment variables", () => {
    expect(
      runSettings(
        {},
        {
          CVPN_GUARD_ENDPOINT_IDS: `${ID_A}, ${ID_B}`,
          CVPN_GUARD_MAX_TERMINATIONS_PER_RUN: '5',
          CVPN_GUARD_DRY_RUN: 'true',
        },
      ),
    ).toEqual({
      selection: { endpointIds: [ID_A, ID_B] },
      maxTerminationsPerRun: 5,
      dryRun: true,
      disabled: false,
    });
    expect(runSettings({}, { CVPN_GUARD_ENDPOINT_TAG: 'cvpn-guard=enforce' }).selection).toEqual({
      tag: { key: 'cvpn-guard', value: 'enforce' },
    });
  });

  it('lets flags win over the environment', () => {
    expect(
      runSettings({ endpointIds: [ID_B], maxTerminationsPerRun: 0 }, { CVPN_GUARD_ENDPOINT_IDS: ID_A }).selection,
    ).toEqual({ endpointIds: [ID_B] });
  });

  it('names the flag and value at fault', () => {
    expect(() => runSettings({ endpointIds: ['vpn-1'] }, {})).toThrow(
      '--endpoint-ids vpn-1: expected Client VPN endpoint ids',
    );
    expect(() => runSettings({ endpointTag: 'enforce' }, {})).toThrow('--endpoint-tag "enforce": expected key=value');
    expect(() => runSettings({ endpointIds: [ID_A], endpointTag: 'a=b' }, {})).toThrow(/not both/);
  });
});

describe('describeSelection', () => {
  it('says which endpoints are selected', () => {
    expect(describeSelection({})).toBe('every endpoint of the region');
    expect(describeSelection({ tag: { key: 'k', value: 'v' } })).toBe('endpoints tagged k=v');
    expect(describeSelection({ endpointIds: [ID_A] })).toBe(`endpoints ${ID_A}`);
  });
});
