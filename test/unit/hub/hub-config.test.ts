import { describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../../lambda/environment.js';
import { loadHubWatchConfig, loadRelayConfig } from '../../../lambda/hub/hub-config.js';

const HUB = {
  [EnvVar.POLICIES_TABLE]: 'cvpn-guard-policies',
  [EnvVar.AUDIT_TABLE]: 'cvpn-guard-audit',
  [EnvVar.TOPIC_ARN]: 'arn:aws:sns:eu-west-1:000011112222:cvpn-guard-digest',
};

describe('loadRelayConfig', () => {
  it('reads the hub tables, the topic and the audit retention (365 days by default)', () => {
    expect(loadRelayConfig(HUB)).toEqual({
      policiesTable: 'cvpn-guard-policies',
      auditTable: 'cvpn-guard-audit',
      topicArn: 'arn:aws:sns:eu-west-1:000011112222:cvpn-guard-digest',
      auditRetentionDays: 365,
    });
  });

  it.each([
    [{ [EnvVar.POLICIES_TABLE]: '' }, `${EnvVar.POLICIES_TABLE} is required`],
    [{ [EnvVar.AUDIT_TABLE]: ' ' }, `${EnvVar.AUDIT_TABLE} is required`],
    [{ [EnvVar.TOPIC_ARN]: 'digest' }, `${EnvVar.TOPIC_ARN}="digest": expected an SNS topic ARN`],
    [{ [EnvVar.AUDIT_RETENTION_DAYS]: '0' }, EnvVar.AUDIT_RETENTION_DAYS],
  ])('refuses %j, naming the variable', (override, words) => {
    expect(() => loadRelayConfig({ ...HUB, ...override })).toThrow(words);
  });
});

describe('loadHubWatchConfig', () => {
  it('reads the stale limit in whole seconds', () => {
    expect(loadHubWatchConfig({ ...HUB, [EnvVar.SPOKE_STALE_SECONDS]: '900' })).toMatchObject({
      spokeStaleSeconds: 900,
    });
  });

  it.each([
    [undefined, `${EnvVar.SPOKE_STALE_SECONDS} is required`],
    ['', `${EnvVar.SPOKE_STALE_SECONDS} is required`],
    ['15m', `${EnvVar.SPOKE_STALE_SECONDS}="15m": expected a whole number of seconds from 1 to 2592000`],
    ['1.5', `${EnvVar.SPOKE_STALE_SECONDS}="1.5": expected a whole number of seconds`],
    ['0', `${EnvVar.SPOKE_STALE_SECONDS}="0": expected a whole number of seconds`],
    ['2592001', `${EnvVar.SPOKE_STALE_SECONDS}="2592001": expected a whole number of seconds`],
  ])('refuses %j, naming the variable and what it accepts', (value, words) => {
    expect(() => loadHubWatchConfig({ ...HUB, [EnvVar.SPOKE_STALE_SECONDS]: value })).toThrow(words);
  });

  it('names every variable at fault at once', () => {
    expect(() => loadHubWatchConfig({})).toThrow(
      new RegExp(`${EnvVar.POLICIES_TABLE}.*${EnvVar.AUDIT_TABLE}.*${EnvVar.SPOKE_STALE_SECONDS}`),
    );
  });
});
