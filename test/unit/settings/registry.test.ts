import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../../lambda/environment.js';
import {
  defaultValue,
  ENFORCER_SETTING_KEYS,
  enforcerEnvironment,
  GATE_SETTING_KEYS,
  gateEnvironment,
  parseSetting,
  readEnforcerSetting,
  RUN_SETTING_KEYS,
  Setting,
  SETTING_DEFAULTS,
  SETTING_KEYS,
  SETTINGS,
} from '../../../lambda/settings/index.js';

const repository = new URL('../../../', import.meta.url);

describe('SETTINGS', () => {
  it.each(SETTING_KEYS)('describes %s completely: key, env variable, default, schema, accepted, doc', (key) => {
    // Arrange
    const definition = SETTINGS[key];

    // Assert
    expect(
      Object.keys(definition)
        .filter((name) => name !== 'readBy')
        .sort(),
    ).toEqual(['accepted', 'default', 'doc', 'env', 'key', 'schema']);
    expect(definition.key).toBe(key);
    expect(definition.env === undefined || /^CVPN_GUARD_[A-Z_]+$/.test(definition.env)).toBe(true);
    expect(definition.accepted.length).toBeGreaterThan(0);
    expect(definition.doc.length).toBeGreaterThan(0);
    expect(typeof definition.schema.safeParse).toBe('function');
  });

  it.each(SETTING_KEYS)('accepts the default of %s under its own schema', (key) => {
    expect(parseSetting(key, SETTINGS[key].default)).toMatchObject({ ok: true });
  });

  it('gives every setting the function reads its own variable, and EnvVar names each of them', () => {
    const variables = ENFORCER_SETTING_KEYS.map((key) => SETTINGS[key].env);

    expect(new Set(variables).size).toBe(variables.length);
    expect(Object.values(EnvVar)).toEqual(expect.arrayContaining(variables));
  });

  it('lists Setting, SETTING_KEYS and SETTING_DEFAULTS in the same order, one entry per setting', () => {
    expect(SETTING_KEYS).toEqual(Object.values(Setting));
    expect(Object.keys(SETTING_DEFAULTS)).toEqual(SETTING_KEYS);
  });

  it('counts the run settings among those the function reads, the endpoint selection aside', () => {
    expect(RUN_SETTING_KEYS).toEqual(
      ENFORCER_SETTING_KEYS.filter((key) => key !== Setting.ENDPOINT_IDS && key !== Setting.ENDPOINT_TAG),
    );
  });

  /** The whole-number settings, with the range their accepted text states. */
  const ranges = SETTING_KEYS.flatMap((key) => {
    const match = /^a whole number (?:of [^()]+ )?from (\d+) to (\d+)/.exec(SETTINGS[key].accepted);
    return match ? [[key, Number(match[1]), Number(match[2])] as const] : [];
  });

  it.each(ranges)('refuses %s just outside the range its accepted text states (%i to %i)', (key, min, max) => {
    expect([min, max, String(min), String(max)].map((value) => parseSetting(key, value).ok)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([min - 1, max + 1, min + 0.5].map((value) => parseSetting(key, value).ok)).toEqual([false, false, false]);
  });

  it('finds a range in the accepted text of every numeric setting', () => {
    expect(ranges.map(([key]) => key)).toEqual([
      Setting.MAX_TERMINATIONS_PER_RUN,
      Setting.AUDIT_RETENTION_DAYS,
      Setting.STATE_RETENTION_DAYS,
      Setting.MEMORY_SIZE,
      Setting.TIMEOUT_SECONDS,
      Setting.LEASE_SECONDS,
      Setting.TIME_MARGIN_SECONDS,
      Setting.TERMINATE_RATE,
      Setting.TERMINATE_BURST,
      Setting.TERMINATE_CONCURRENCY,
      Setting.MAX_CONTINUATIONS,
      Setting.CONNECT_DEADLINE_MS,
      Setting.POLICY_CACHE_SECONDS,
      Setting.CONNECT_HANDLER_PROVISIONED_CONCURRENCY,
    ]);
  });

  it('gives the gate its own settings and the switches and retention it shares with the enforcer', () => {
    expect(GATE_SETTING_KEYS).toEqual([
      Setting.DRY_RUN,
      Setting.DISABLED,
      Setting.AUDIT_RETENTION_DAYS,
      Setting.CONNECT_FAIL_MODE,
      Setting.CONNECT_DEADLINE_MS,
      Setting.POLICY_CACHE_SECONDS,
    ]);
    expect(ENFORCER_SETTING_KEYS).not.toContain(Setting.CONNECT_FAIL_MODE);
    expect(Object.values(EnvVar)).toEqual(expect.arrayContaining(GATE_SETTING_KEYS.map((key) => SETTINGS[key].env)));
  });

  it('keeps the connect deadline well inside the 30 seconds Client VPN waits', () => {
    expect(parseSetting(Setting.CONNECT_DEADLINE_MS, 25_000).ok).toBe(true);
    expect(parseSetting(Setting.CONNECT_DEADLINE_MS, 30_000).ok).toBe(false);
    expect(parseSetting(Setting.CONNECT_FAIL_MODE, 'Refuse')).toEqual({ ok: true, value: 'refuse' });
    expect(parseSetting(Setting.CONNECT_FAIL_MODE, 'deny')).toMatchObject({ ok: false });
  });
});

describe('parseSetting', () => {
  it('says what is wrong when the schema can tell, then what is accepted', () => {
    expect(parseSetting(Setting.ENDPOINT_IDS, 'vpn-1,cvpn-endpoint-0123456789abcdef0,x')).toEqual({
      ok: false,
      message: `"vpn-1", "x" are not endpoint ids; expected ${SETTINGS.endpointIds.accepted}`,
    });
    expect(parseSetting(Setting.SCHEDULE, 'rate(1 minutes)')).toEqual({
      ok: false,
      message: `use the singular unit for 1: rate(1 minute); expected ${SETTINGS.schedule.accepted}`,
    });
    expect(parseSetting(Setting.TERMINATE_RATE, '0')).toEqual({
      ok: false,
      message: `expected ${SETTINGS.terminateRate.accepted}`,
    });
  });
});

describe('enforcerEnvironment and readEnforcerSetting', () => {
  it('write the defaults so that the function reads them back, and nothing for no endpoint selection', () => {
    // Act
    const environment = enforcerEnvironment({});

    // Assert
    expect(environment[EnvVar.ENDPOINT_IDS]).toBeUndefined();
    expect(environment[EnvVar.ENDPOINT_TAG]).toBeUndefined();
    for (const key of ENFORCER_SETTING_KEYS)
      expect([key, readEnforcerSetting(environment, key)]).toEqual([
        key,
        { ok: true, value: defaultValue(key), text: environment[SETTINGS[key].env] },
      ]);
  });

  it('write changed settings so that the function reads them back', () => {
    // Arrange
    const settings = {
      endpointIds: ['cvpn-endpoint-0123456789abcdef0', 'cvpn-endpoint-0fedcba9876543210'],
      dryRun: true,
      disabled: true,
      maxTerminationsPerRun: 0,
      auditRetentionDays: 30,
      stateRetentionDays: 3,
      leaseSeconds: 600,
      timeMarginSeconds: 30,
      terminateRate: 2,
      terminateBurst: 10,
      terminateConcurrency: 4,
    };

    // Act
    const environment = enforcerEnvironment(settings);

    // Assert
    for (const [key, value] of Object.entries(settings))
      expect([key, readEnforcerSetting(environment, key as keyof typeof settings)]).toMatchObject([
        key,
        { ok: true, value },
      ]);
    expect(
      readEnforcerSetting(enforcerEnvironment({ endpointTag: { key: 'team', value: 'a=b' } }), Setting.ENDPOINT_TAG),
    ).toMatchObject({ ok: true, value: { key: 'team', value: 'a=b' }, text: 'team=a=b' });
  });

  it('read a variable that is not set or empty as the default', () => {
    expect(readEnforcerSetting({ [EnvVar.TERMINATE_BURST]: ' ' }, Setting.TERMINATE_BURST)).toEqual({
      ok: true,
      value: SETTING_DEFAULTS.terminateBurst,
      text: undefined,
    });
  });
});

describe('gateEnvironment', () => {
  it('writes the gate settings so that the gate reads them back, and no enforcer-only setting', () => {
    // Arrange
    const settings = {
      connectFailMode: 'refuse',
      connectDeadlineMs: 500,
      policyCacheSeconds: 5,
      dryRun: true,
    } as const;

    // Act
    const environment = gateEnvironment(settings);

    // Assert
    for (const [key, value] of Object.entries(settings))
      expect(readEnforcerSetting(environment, key as keyof typeof settings)).toMatchObject({ ok: true, value });
    expect(environment[EnvVar.TERMINATE_RATE]).toBeUndefined();
    expect(enforcerEnvironment({})[EnvVar.CONNECT_FAIL_MODE]).toBeUndefined();
  });
});

describe('cdk.json', () => {
  const context = (
    JSON.parse(readFileSync(new URL('cdk.json', repository), 'utf8')) as { context: Record<string, unknown> }
  ).context;

  it('holds every setting at the default of the registry', () => {
    for (const key of SETTING_KEYS) expect([key, context[key]]).toEqual([key, SETTING_DEFAULTS[key]]);
  });

  it('holds nothing but the settings and CDK feature flags', () => {
    const others = Object.keys(context).filter(
      (key) => !key.includes(':') && !(SETTING_KEYS as string[]).includes(key),
    );

    expect(others).toEqual([]);
  });
});
