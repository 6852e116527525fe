import { describe, expect, it } from '@jest/globals';
import { CliContext } from '../../../../cli/context.js';
import { CliUsageError } from '../../../../cli/errors.js';
import { OutputFormat } from '../../../../cli/output/index.js';
import { asksForSpokes, homeRegion, placementRequest, selectSpokes } from '../../../../cli/spokes/selector.js';
import type { SpokeEntry } from '../../../../lambda/ports/index.js';

const spoke = (accountId: string, region: string): SpokeEntry => ({
  accountId,
  region,
  at: '2026-12-01T10:00:00.000Z',
  runId: `${accountId}.${region}/run-2026-12-01T10:00:00Z`,
  status: 'completed',
  functionArn: `arn:aws:lambda:${region}:${accountId}:function:CvpnGuard-enforcer`,
});
const SPOKES = [
  spoke('111122223333', 'eu-west-1'),
  spoke('111122223333', 'us-east-1'),
  spoke('444455556666', 'eu-west-1'),
];

describe('placementRequest', () => {
  it('takes account ids and Region names, comma-separated or repeated, without duplicates', () => {
    expect(placementRequest({ account: ['111122223333', '111122223333'], region: ['eu-west-1', 'us-east-1'] })).toEqual(
      {
        accounts: ['111122223333'],
        regions: ['eu-west-1', 'us-east-1'],
      },
    );
  });

  it('takes all for every spoke', () => {
    expect(placementRequest({ account: ['all'], region: ['all'] })).toEqual({ accounts: 'all', regions: 'all' });
  });

  it.each([
    [
      { account: ['11112222333'] },
      '--account "11112222333": expected a 12-digit AWS account id (such as 111122223333)',
    ],
    [{ region: ['eu-west'] }, '--region "eu-west": expected an AWS Region name (such as eu-west-1)'],
    [{ region: ['all', 'eu-west-1'] }, '--region all,eu-west-1: all already selects every spoke; give all alone'],
    [{ account: [] }, '--account is empty'],
    [{ hubRegion: 'Ireland' }, '--hub-region "Ireland": expected the AWS Region name of the hub'],
  ])('refuses %p, naming the value and what is accepted', (options, message) => {
    expect(() => placementRequest(options)).toThrow(CliUsageError);
    expect(() => placementRequest(options)).toThrow(message);
  });
});

describe('the meaning of --region', () => {
  it('keeps one --region alone as the Region the CLI talks to (a single deployment)', () => {
    const request = placementRequest({ region: ['eu-west-1'] });
    expect(asksForSpokes(request)).toBe(false);
    expect(homeRegion(request)).toBe('eu-west-1');
    const context = new CliContext({ region: ['eu-west-1'], output: OutputFormat.TABLE });
    expect(context.settings.region).toBe('eu-west-1');
  });

  it('reads several Regions, all, or --account as spokes, and talks to the hub in --hub-region or the SDK default', () => {
    expect(homeRegion(placementRequest({ region: ['eu-west-1', 'us-east-1'] }))).toBeUndefined();
    expect(homeRegion(placementRequest({ region: ['all'] }))).toBeUndefined();
    expect(homeRegion(placementRequest({ region: ['eu-west-1'], account: ['111122223333'] }))).toBeUndefined();
    const context = new CliContext({ region: ['eu-west-1'], hubRegion: 'us-east-2', output: OutputFormat.TABLE });
    expect(asksForSpokes(context.placement!)).toBe(true);
    expect(context.settings.region).toBe('us-east-2');
  });

  it('leaves the commands without spoke options as they were: their --region is one string, unchecked', () => {
    const context = new CliContext({ region: 'local-1', output: OutputFormat.TABLE });
    expect(context.placement).toBeUndefined();
    expect(context.settings.region).toBe('local-1');
  });
});

describe('selectSpokes', () => {
  it('selects every spoke when nothing narrows, and by account and Region together', () => {
    expect(selectSpokes(SPOKES, {})).toEqual(SPOKES);
    expect(selectSpokes(SPOKES, { accounts: ['111122223333'], regions: ['eu-west-1'] })).toEqual([SPOKES[0]]);
    expect(selectSpokes(SPOKES, { regions: ['eu-west-1'] })).toEqual([SPOKES[0], SPOKES[2]]);
  });

  it('refuses an account that is not a spoke, naming it and the known spokes', () => {
    expect(() => selectSpokes(SPOKES, { accounts: ['999999999999'] })).toThrow(
      '--account 999999999999: account 999999999999 has no spoke of this hub; the spokes are 111122223333/eu-west-1, 111122223333/us-east-1, 444455556666/eu-west-1',
    );
  });

  it('refuses a Region without a spoke, and a pair of account and Region that selects none', () => {
    expect(() => selectSpokes(SPOKES, { regions: ['ap-south-1'] })).toThrow(
      '--region ap-south-1: Region ap-south-1 has no spoke of this hub',
    );
    expect(() => selectSpokes(SPOKES, { accounts: ['444455556666'], regions: ['us-east-1'] })).toThrow(
      'no spoke is in account 444455556666 and Region us-east-1',
    );
  });

  it('says when the hub knows no spoke yet', () => {
    expect(() => selectSpokes([], {})).toThrow('the hub knows no spoke yet');
  });
});
