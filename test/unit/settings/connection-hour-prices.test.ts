import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONNECTION_HOUR_PRICE_USD } from '../../../lambda/domain/constants.js';
import {
  CONNECTION_HOUR_PRICES_ACCEPTED,
  connectionHourPrice,
  ConnectionHourPricesError,
  defaultValue,
  enforcerEnvironment,
  formatConnectionHourPrices,
  parseConnectionHourPrices,
  parseSetting,
  readEnforcerSetting,
  Setting,
} from '../../../lambda/settings/index.js';
import { EnvVar } from '../../../lambda/environment.js';

describe('parseConnectionHourPrices', () => {
  it('reads a price per Region, spaces and empty entries aside', () => {
    // Act
    const prices = parseConnectionHourPrices(' eu-west-1 = 0.06, us-gov-west-1=0.1,,ap-southeast-2=0 ');

    // Assert
    expect([...prices]).toEqual([
      ['eu-west-1', 0.06],
      ['us-gov-west-1', 0.1],
      ['ap-southeast-2', 0],
    ]);
  });

  it('reads empty text as no price named', () => {
    expect(parseConnectionHourPrices('  ').size).toBe(0);
  });

  it.each([
    ['eu-west-1', '"eu-west-1" has no "=": write the Region, "=" and its price'],
    ['europe=0.06', '"europe=0.06": "europe" is not a Region name'],
    ['eu-west-1=-0.06', '"eu-west-1=-0.06": "-0.06" is not a non-negative price in US dollars'],
    ['eu-west-1=', '"eu-west-1=": "" is not a non-negative price in US dollars'],
    ['eu-west-1=$0.06', '"eu-west-1=$0.06": "$0.06" is not a non-negative price in US dollars'],
    ['eu-west-1=1e3', '"eu-west-1=1e3": "1e3" is not a non-negative price in US dollars'],
    ['eu-west-1=0.06,eu-west-1=0.07', '"eu-west-1=0.07": eu-west-1 is priced twice'],
  ])('refuses %j naming the setting, the entry and what is accepted', (text, reason) => {
    // Act
    const refusal = (() => {
      try {
        parseConnectionHourPrices(text);
      } catch (error) {
        return error;
      }
      throw new Error(`expected ${JSON.stringify(text)} to be refused`);
    })();

    // Assert
    expect(refusal).toBeInstanceOf(ConnectionHourPricesError);
    expect((refusal as Error).message).toBe(
      `connectionHourPrices=${JSON.stringify(text)}: ${reason}; expected ${CONNECTION_HOUR_PRICES_ACCEPTED}`,
    );
  });
});

describe('connectionHourPrice', () => {
  it("gives a named Region's price, and the default to every other Region", () => {
    const prices = parseConnectionHourPrices('eu-west-1=0.06,us-east-1=0');

    expect(connectionHourPrice(prices, 'eu-west-1')).toBe(0.06);
    expect(connectionHourPrice(prices, 'us-east-1')).toBe(0);
    expect(connectionHourPrice(prices, 'eu-central-1')).toBe(DEFAULT_CONNECTION_HOUR_PRICE_USD);
  });
});

describe('the connectionHourPrices setting', () => {
  it('defaults to no Region named', () => {
    expect(defaultValue(Setting.CONNECTION_HOUR_PRICES).size).toBe(0);
  });

  it('refuses bad text with the entry at fault, then what is accepted', () => {
    expect(parseSetting(Setting.CONNECTION_HOUR_PRICES, 'eu-west-1=0.06,mars-1=1')).toEqual({
      ok: false,
      message: `"mars-1=1": "mars-1" is not a Region name; expected ${CONNECTION_HOUR_PRICES_ACCEPTED}`,
    });
    expect(parseSetting(Setting.CONNECTION_HOUR_PRICES, 0.06)).toEqual({
      ok: false,
      message: `expected ${CONNECTION_HOUR_PRICES_ACCEPTED}`,
    });
  });

  it('travels to the function as the text it was written in, and is read back the same', () => {
    // Arrange
    const prices = parseConnectionHourPrices('eu-west-1=0.06,us-east-1=0.05');

    // Act
    const environment = enforcerEnvironment({ connectionHourPrices: prices });

    // Assert
    expect(environment[EnvVar.CONNECTION_HOUR_PRICES]).toBe('eu-west-1=0.06,us-east-1=0.05');
    expect(formatConnectionHourPrices(prices)).toBe('eu-west-1=0.06,us-east-1=0.05');
    expect(readEnforcerSetting(environment, Setting.CONNECTION_HOUR_PRICES)).toEqual({
      ok: true,
      value: prices,
      text: 'eu-west-1=0.06,us-east-1=0.05',
    });
    expect(enforcerEnvironment({})[EnvVar.CONNECTION_HOUR_PRICES]).toBeUndefined();
  });
});
