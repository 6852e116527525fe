import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { enforcerEnvironmentOf } from '../../../cli/deployed-environment.js';
import { runSettings } from '../../../cli/selection.js';

/** The shape `cdk synth` gives the stack: the enforcer among other functions, table names as Refs. */
const TEMPLATE = {
  Resources: {
    LogRetentionFunction: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
    EnforcerFunction52B99202: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Environment: {
          Variables: {
            CVPN_GUARD_POLICIES_TABLE: { Ref: 'PoliciesTable' },
            CVPN_GUARD_DRY_RUN: 'true',
            CVPN_GUARD_DISABLED: 'false',
            CVPN_GUARD_MAX_TERMINATIONS_PER_RUN: '25',
            CVPN_GUARD_ENDPOINT_TAG: 'cvpn-guard=enforce',
          },
        },
      },
    },
  },
};

describe('enforcerEnvironmentOf', () => {
  it('finds the enforcer by its policies-table variable and keeps the literal values', () => {
    expect(enforcerEnvironmentOf(JSON.stringify(TEMPLATE))).toEqual({
      CVPN_GUARD_DRY_RUN: 'true',
      CVPN_GUARD_DISABLED: 'false',
      CVPN_GUARD_MAX_TERMINATIONS_PER_RUN: '25',
      CVPN_GUARD_ENDPOINT_TAG: 'cvpn-guard=enforce',
    });
  });

  it('reads YAML templates too, and gives undefined when there is no enforcer or no template', () => {
    expect(enforcerEnvironmentOf(stringify(TEMPLATE))).toMatchObject({ CVPN_GUARD_MAX_TERMINATIONS_PER_RUN: '25' });
    expect(
      enforcerEnvironmentOf(JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } })),
    ).toBeUndefined();
    expect(enforcerEnvironmentOf('{not json')).toBeUndefined();
  });

  it('gives the run settings the deployment runs with', () => {
    expect(runSettings({}, enforcerEnvironmentOf(JSON.stringify(TEMPLATE)) ?? {})).toEqual({
      selection: { tag: { key: 'cvpn-guard', value: 'enforce' } },
      maxTerminationsPerRun: 25,
      dryRun: true,
      disabled: false,
    });
  });
});
