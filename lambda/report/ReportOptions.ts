import type { TimeSpan } from '../domain/report/bucket.js';
import type { ReportBucket, ReportScope } from '../domain/report/types.js';

/** What one evidence report covers, and how it prices and draws it. */
export interface ReportOptions {
  /** The half-open period `[since, until)`: records and summaries made outside it are ignored. */
  readonly period: TimeSpan;
  /** What the report is narrowed to (an empty list means every one): records outside it are ignored. */
  readonly scope: ReportScope;
  /** When the report is made: the stretch after a placement's last run ends here when the period ends later. */
  readonly generatedAt: Date;
  /**
   * The connection-hour price of each Region whose price is set, US dollars (the `connectionHourPrices` setting,
   * parsed); every other Region costs `DEFAULT_CONNECTION_HOUR_PRICE_USD`.
   */
  readonly prices: ReadonlyMap<string, number>;
  /** The width of every series' points. @default `bucketFor(period)`: an hour up to three days, else a day */
  readonly bucket?: ReportBucket;
  /**
   * The Region of records that name none (written by a deployment that did not know its placement), for their price.
   * @default none: such endings are priced at the default price, under the Region `unknown`
   */
  readonly defaultRegion?: string;
}
