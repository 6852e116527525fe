import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { loadStackConfig } from '../../lib/config.js';
import { Setting, SETTING_DEFAULTS } from '../../lambda/settings/index.js';
import { ConfigValidationError } from '../../lib/errors.js';
import { buildApp, cdkJsonContext, ENDPOINT_A, ENDPOINT_B } from './stack-factory.js';

/** Loads settings from a plain context object, as the app does from its context. */
const load = (context: Record<string, unknown>) => loadStackConfig((key) => context[key], Object.keys(context));

/** The validation error thrown for `context`. */
function refusal(context: Record<string, unknown>): ConfigValidationError {
  try {
    load(context);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
}

describe('loadStackConfig', () => {
  it('Compliance 1: gives a safe default for every setting when none is set', () => {
    const config = load({});

    expect(config).toEqual({
      stackName: 'CvpnGuard',
      schedule: { expression: 'rate(5 minutes)', periodSeconds: 300 },
      endpoints: { kind: 'all' },
      dryRun: false,
      disabled: false,
      maxTerminationsPerRun: 100,
      auditRetentionDays: 365,
      stateRetentionDays: 2,
      logRetention: RetentionDays.THREE_MONTHS,
      tableRemovalPolicy: RemovalPolicy.RETAIN,
      memorySize: 512,
      timeoutSeconds: 240,
      leaseSeconds: 300,
      timeMarginSeconds: 20,
      terminateRate: 5,
      terminateBurst: 50,
      terminateConcurrency: 10,
      maxContinuations: 12,
      connectionHourPrices: new Map(),
      connectFailMode: 'admit',
      connectDeadlineMs: 3000,
      policyCacheSeconds: 30,
      connectHandlerProvisionedConcurrency: 0,
      attachConnectHandler: false,
      deployment: 'single',
    });
  });

  it('Compliance 2: cdk.json holds every setting at its default', () => {
    const context = cdkJsonContext();

    for (const key of Object.values(Setting)) expect([key, context[key]]).toEqual([key, SETTING_DEFAULTS[key]]);
  });

  it('Compliance 3: reads the strings -c key=value gives', () => {
    const config = load({
      dryRun: 'true',
      disabled: 'FALSE',
      maxTerminationsPerRun: '0',
      auditRetentionDays: '30',
      logRetentionDays: '365',
      tableRemovalPolicy: 'Destroy',
      endpointIds: `${ENDPOINT_A}, ${ENDPOINT_B},${ENDPOINT_A}`,
      notificationEmail: 'secops@example.com',
      schedule: 'cron(0/10 * * * ? *)',
      timeoutSeconds: '120',
    });

    expect(config).toMatchObject({
      dryRun: true,
      disabled: false,
      maxTerminationsPerRun: 0,
      auditRetentionDays: 30,
      logRetention: RetentionDays.ONE_YEAR,
      tableRemovalPolicy: RemovalPolicy.DESTROY,
      endpoints: { kind: 'ids', ids: [ENDPOINT_A, ENDPOINT_B] },
      notificationEmail: 'secops@example.com',
      schedule: { expression: 'cron(0/10 * * * ? *)' },
      timeoutSeconds: 120,
    });
  });

  it('Compliance 4: reads endpoint ids from a JSON list, and a tag as key=value', () => {
    expect(load({ endpointIds: [ENDPOINT_A] }).endpoints).toEqual({ kind: 'ids', ids: [ENDPOINT_A] });
    expect(load({ endpointIds: `["${ENDPOINT_B}"]` }).endpoints).toEqual({ kind: 'ids', ids: [ENDPOINT_B] });
    expect(load({ endpointTag: 'cvpn-guard/enforce=yes=please' }).endpoints).toEqual({
      kind: 'tag',
      key: 'cvpn-guard/enforce',
      value: 'yes=please',
    });
    expect(load({ endpointIds: '', endpointTag: '' }).endpoints).toEqual({ kind: 'all' });
  });

  it.each([
    ['schedule', 'every 5 minutes', 'not a rate(...) or cron(...) expression'],
    ['schedule', 'rate(5 minute)', 'use the plural unit'],
    ['schedule', 'rate(1 minutes)', 'use the singular unit'],
    ['schedule', 'rate(0 minutes)', 'at least 1'],
    ['schedule', 'cron(0/5 * * * *)', 'needs 6 fields'],
    ['schedule', 'cron(0 12 * * MON *)', 'exactly one of day-of-month and day-of-week'],
    ['schedule', 'at(2030-01-01T00:00:00)', 'must recur'],
    ['endpointIds', 'vpn-0123456789abcdef0', '"vpn-0123456789abcdef0" is not an endpoint id'],
    ['endpointIds', [ENDPOINT_A, 'cvpn-endpoint-XYZ'], '"cvpn-endpoint-XYZ" is not an endpoint id'],
    ['endpointTag', 'team', 'key=value'],
    ['endpointTag', 'aws:cloudformation:stack-name=x', 'not starting with "aws:"'],
    ['dryRun', 'yes', 'true or false'],
    ['disabled', 1, 'true or false'],
    ['maxTerminationsPerRun', -1, 'from 0 to 10000'],
    ['maxTerminationsPerRun', '-5', 'from 0 to 10000'],
    ['maxTerminationsPerRun', '2.5', 'whole number'],
    ['maxTerminationsPerRun', 'many', 'whole number'],
    ['auditRetentionDays', 0, 'from 1 to 3650'],
    ['stateRetentionDays', '0', 'from 1 to 365'],
    ['notificationEmail', 'secops at example.com', 'an e-mail address'],
    ['logRetentionDays', 42, 'retention periods'],
    ['tableRemovalPolicy', 'snapshot', 'retain or destroy'],
    ['memorySize', 64, 'from 128 to 10240'],
    ['timeoutSeconds', 1000, 'from 30 to 900'],
    ['leaseSeconds', 30, 'from 60 to 3600'],
    ['timeMarginSeconds', 1, 'from 5 to 600'],
    ['terminateRate', 0, 'from 1 to 100'],
    ['terminateBurst', 0, 'from 1 to 1000'],
    ['terminateConcurrency', '0', 'from 1 to 100'],
    ['stackName', '1-cvpn', 'CloudFormation stack name'],
    ['stackName', `C${'x'.repeat(51)}`, 'Lambda allows 64: use a stack name of at most 51 characters'],
    ['connectHandlerProvisionedConcurrency', -1, 'from 0 to 1000'],
    ['connectHandlerProvisionedConcurrency', '1001', 'from 0 to 1000'],
    ['attachConnectHandler', 'yes', 'true or false'],
    ['attachConnectHandler', true, 'needs the endpoints to attach the handler to: list them in endpointIds'],
  ])('Noncompliance: %s=%j is refused, naming the key, the value and what is accepted', (key, value, expected) => {
    const error = refusal({ [key]: value });

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ key, value });
    expect(error.issues[0]?.message).toContain(expected);
    expect(error.message).toContain(`${key}=${JSON.stringify(value)}`);
  });

  it('Noncompliance 1: endpointIds and endpointTag together are refused', () => {
    const error = refusal({ endpointIds: [ENDPOINT_A], endpointTag: 'team=vpn' });

    expect(error.issues).toEqual([
      expect.objectContaining({ key: 'endpointTag', message: expect.stringContaining('exclusive') }),
    ]);
  });

  it('Noncompliance 1b: attachConnectHandler with endpoints selected by tag is refused, pointing at endpointIds', () => {
    const error = refusal({ attachConnectHandler: true, endpointTag: 'team=vpn' });

    expect(error.issues).toEqual([
      expect.objectContaining({
        key: 'attachConnectHandler',
        message: expect.stringContaining('cannot attach to endpoints selected by tag (endpointTag=team=vpn)'),
      }),
    ]);
  });

  it('Compliance 5: attachConnectHandler with endpoint ids is taken, and so is provisioned concurrency', () => {
    expect(
      load({ attachConnectHandler: 'true', endpointIds: [ENDPOINT_A], connectHandlerProvisionedConcurrency: '10' }),
    ).toMatchObject({
      attachConnectHandler: true,
      connectHandlerProvisionedConcurrency: 10,
      endpoints: { kind: 'ids', ids: [ENDPOINT_A] },
    });
  });

  it('Noncompliance 2: a timeout not shorter than the schedule period is refused', () => {
    const error = refusal({ schedule: 'rate(2 minutes)', timeoutSeconds: 120 });

    expect(error.issues).toEqual([
      expect.objectContaining({
        key: 'timeoutSeconds',
        message: expect.stringContaining('less than the schedule period (120 s'),
      }),
    ]);
  });

  it('Noncompliance 3: a timeout not shorter than the lease is refused', () => {
    const error = refusal({ leaseSeconds: 240 });

    expect(error.issues).toEqual([
      expect.objectContaining({ key: 'timeoutSeconds', message: expect.stringContaining('leaseSeconds (240)') }),
    ]);
  });

  it('Noncompliance 4: a time margin not shorter than the timeout is refused', () => {
    const error = refusal({ timeMarginSeconds: 240 });

    expect(error.issues).toEqual([
      expect.objectContaining({ key: 'timeMarginSeconds', message: expect.stringContaining('timeoutSeconds (240)') }),
    ]);
  });

  it('Noncompliance 5: a misspelled key is refused with the right name', () => {
    const error = refusal({ dryrun: true });

    expect(error.issues).toEqual([
      expect.objectContaining({ key: 'dryrun', message: 'unknown setting; did you mean dryRun?' }),
    ]);
  });

  it('Noncompliance 6: reports every bad setting at once', () => {
    const error = refusal({ schedule: 'hourly', maxTerminationsPerRun: -1, endpointIds: 'vpn-1' });

    expect(error.issues.map((issue) => issue.key)).toEqual(['schedule', 'endpointIds', 'maxTerminationsPerRun']);
  });

  it('Noncompliance 7: synthesis fails on a bad setting, naming it', () => {
    expect(() => buildApp({ maxTerminationsPerRun: '-1' })).toThrow(
      /maxTerminationsPerRun="-1": expected a whole number from 0 to 10000/,
    );
    expect(() => buildApp({ endpointIds: 'vpn-123' })).toThrow(
      /endpointIds="vpn-123": "vpn-123" is not an endpoint id/,
    );
    expect(() => buildApp({ schedule: 'rate(5 mins)' })).toThrow(/schedule="rate\(5 mins\)"/);
    expect(() => buildApp({ attachConnectHandler: true })).toThrow(
      /attachConnectHandler=true: needs the endpoints to attach the handler to/,
    );
  });
});

describe('docs/deploy.md', () => {
  it('names every setting in its Settings section', () => {
    const page = readFileSync(fileURLToPath(new URL('../../docs/deploy.md', import.meta.url)), 'utf8');
    const settings = page.slice(page.indexOf('## Settings'), page.indexOf('## What gets created'));

    expect(settings.length).toBeGreaterThan(0);
    for (const key of Object.values(Setting)) expect([key, settings.includes(`\`${key}\``)]).toEqual([key, true]);
  });
});
