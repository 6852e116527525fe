// placeholder: the metrics helper replaces this file
/** Client VPN connection-hour prices by Region, from `region=usd,region=usd`; throws naming a bad entry. */
export function parseConnectionHourPrices(text: string): ReadonlyMap<string, number> {
  const prices = new Map<string, number>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([a-z]{2}(?:-[a-z]+)+-\d+)=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match)
      throw new Error(
        `connectionHourPrices entry ${JSON.stringify(entry)}: expected region=usd, such as eu-west-1=0.06`,
      );
    prices.set(match[1]!, Number(match[2]));
  }
  return prices;
}
