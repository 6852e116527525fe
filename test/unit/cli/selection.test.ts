import { describe, expect, it } from '@jest/globals';
import { describeSelection, MAX_TERMINATIONS_PER_RUN_HELP, runSettings } from '../../../cli/selection.js';
import { loadEnforcerConfig } from '../../../lambda/config.js';
import { EnvVar } from '../../../lambda/environment.js';
import { EnforcerConfigError } from '../../../lambda/errors.js';
import { ENDPOINT_TAG_ACCEPTED, SETTING_DEFAULTS } from '../../../lambda/settings/index.js';

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

describe('runSettings and the enforcer', () => {
  const TABLES = { [EnvVar.POLICIES_TABLE]: 'p', [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.STATE_TABLE]: 's' };

  /** The enforcer's refusal of `env`, in its words. */
  function enforcerRefusal(env: Record<string, string>): string {
    try {
      loadEnforcerConfig({ ...TABLES, ...env });
    } catch (error) {
      if (error instanceof EnforcerConfigError && error.issues.length === 1) return error.issues[0]!.message;
      throw error;
    }
    throw new Error(`expected the enforcer to refuse ${JSON.stringify(env)}`);
  }

  it('takes the cap default from the settings registry', () => {
    expect(runSettings({}, {}).maxTerminationsPerRun).toBe(SETTING_DEFAULTS.maxTerminationsPerRun);
    expect(MAX_TERMINATIONS_PER_RUN_HELP).toBe(
      `the global cap (default: env ${EnvVar.MAX_TERMINATIONS_PER_RUN}, else ${SETTING_DEFAULTS.maxTerminationsPerRun})`,
    );
  });

  it.each([
    ['a reserved key', 'aws:cloudformation:stack-name=x'],
    ['an empty key', '=enforce'],
    ['a key of 129 characters', `${'k'.repeat(129)}=v`],
    ['a character EC2 refuses', 'team=a|b'],
  ])('refuses a tag with %s as the enforcer does', (_case, tag) => {
    expect(() => runSettings({ endpointTag: tag }, {})).toThrow(
      `--endpoint-tag ${JSON.stringify(tag)}: expected ${ENDPOINT_TAG_ACCEPTED}`,
    );
    const env = { [EnvVar.ENDPOINT_TAG]: tag };
    expect(() => runSettings({}, env)).toThrow(enforcerRefusal(env));
  });

  it('reads the tag as the enforcer does: split at the first "=", trimmed', () => {
    const env = { [EnvVar.ENDPOINT_TAG]: ' team = vpn=yes ' };

    expect(runSettings({}, env).selection).toEqual({ tag: loadEnforcerConfig({ ...TABLES, ...env }).endpointTag });
    expect(runSettings({}, env).selection).toEqual({ tag: { key: 'team', value: 'vpn=yes' } });
  });

  it.each([
    [{ [EnvVar.MAX_TERMINATIONS_PER_RUN]: '10001' }],
    [{ [EnvVar.MAX_TERMINATIONS_PER_RUN]: '2.5' }],
    [{ [EnvVar.DRY_RUN]: 'yes' }],
    [{ [EnvVar.DISABLED]: '1' }],
    [{ [EnvVar.ENDPOINT_IDS]: 'vpn-1' }],
  ])("refuses the environment %j in the enforcer's words", (env) => {
    expect(() => runSettings({}, env)).toThrow(enforcerRefusal(env));
  });
});

describe('describeSelection', () => {
  it('says which endpoints are selected', () => {
    expect(describeSelection({})).toBe('every endpoint of the region');
    expect(describeSelection({ tag: { key: 'k', value: 'v' } })).toBe('endpoints tagged k=v');
    expect(describeSelection({ endpointIds: [ID_A] })).toBe(`endpoints ${ID_A}`);
  });
});
