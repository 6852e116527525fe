/**
 * The `connectionHourPrices` setting: what one Client VPN connection-hour costs in each Region named, as
 * `region=usd,region=usd` (e.g. `eu-west-1=0.06,us-east-1=0.05`); every Region not named costs
 * {@link DEFAULT_CONNECTION_HOUR_PRICE_USD}. The dashboard's and the report's cost estimates price with it.
 */
import { DEFAULT_CONNECTION_HOUR_PRICE_USD, REGION_PATTERN } from '../domain/constants.js';

/** The setting's context key, as the registry names it (the registry imports this file). */
const SETTING_KEY = 'connectionHourPrices';

/** What the setting accepts, for error messages and the docs. */
export const CONNECTION_HOUR_PRICES_ACCEPTED =
  'Region=price entries, comma-separated: a Region name like eu-west-1, "=", and a non-negative price in US ' +
  `dollars like 0.06 (e.g. eu-west-1=0.06,us-east-1=0.05), each Region at most once; empty: every Region at ${DEFAULT_CONNECTION_HOUR_PRICE_USD}`;

/** A price: digits, optionally a decimal point and more digits (no sign, no exponent). */
const PRICE = /^\d+(\.\d+)?$/;

/** The prices, or the entry at fault and why. */
export type ConnectionHourPricesResult =
  { readonly ok: true; readonly prices: ReadonlyMap<string, number> } | { readonly ok: false; readonly reason: string };

/** The setting's text is refused: the message names the setting, the entry at fault and what is accepted. */
export class ConnectionHourPricesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionHourPricesError';
  }
}

/** Reads `region=usd,…` (empty entries skipped), or says which entry is wrong. */
export function readConnectionHourPrices(text: string): ConnectionHourPricesResult {
  const prices = new Map<string, number>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const at = entry.indexOf('=');
    const region = at < 0 ? entry : entry.slice(0, at).trim();
    const price = at < 0 ? '' : entry.slice(at + 1).trim();
    const quoted = JSON.stringify(entry);
    if (at < 0) return { ok: false, reason: `${quoted} has no "=": write the Region, "=" and its price` };
    if (!REGION_PATTERN.test(region)) return { ok: false, reason: `${quoted}: "${region}" is not a Region name` };
    if (!PRICE.test(price)) {
      return { ok: false, reason: `${quoted}: "${price}" is not a non-negative price in US dollars` };
    }
    if (prices.has(region)) return { ok: false, reason: `${quoted}: ${region} is priced twice` };
    prices.set(region, Number(price));
  }
  return { ok: true, prices };
}

/**
 * The prices `text` names, by Region.
 *
 * @throws ConnectionHourPricesError naming the setting, the entry at fault and what is accepted
 */
export function parseConnectionHourPrices(text: string): ReadonlyMap<string, number> {
  const result = readConnectionHourPrices(text);
  if (result.ok) return result.prices;
  throw new ConnectionHourPricesError(
    `${SETTING_KEY}=${JSON.stringify(text)}: ${result.reason}; expected ${CONNECTION_HOUR_PRICES_ACCEPTED}`,
  );
}

/** The price of one connection-hour in `region`: its entry, else {@link DEFAULT_CONNECTION_HOUR_PRICE_USD}. */
export function connectionHourPrice(prices: ReadonlyMap<string, number>, region: string): number {
  return prices.get(region) ?? DEFAULT_CONNECTION_HOUR_PRICE_USD;
}

/** The prices as the setting writes them (`region=usd,…`, in the order given); empty text for none. */
export function formatConnectionHourPrices(prices: ReadonlyMap<string, number>): string {
  return [...prices].map(([region, price]) => `${region}=${price}`).join(',');
}
