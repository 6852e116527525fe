import type { EnforcingKind } from '../domain/index.js';
import {
  COST_METHOD,
  connectionHoursEndedEarly,
  DEFAULT_CONNECTION_HOUR_PRICE_USD,
  HOUR_SAVING_KINDS,
} from '../domain/report/early-end.js';
import type { CostEstimate, RegionPrice } from '../domain/report/types.js';

const HOUR_MS = 3_600_000;

/** The Region of a record that names none, when the report was given no default Region. */
export const UNKNOWN_REGION = 'unknown';

/**
 * Connection-hours ended early, per kind and Region. Hours are summed as whole milliseconds, so the total is the
 * same whatever order the endings come in. It keeps one sum and one count per kind and Region.
 */
export class CostTally {
  /** Milliseconds ended early, by kind, then by Region. */
  private readonly savedMs = new Map<EnforcingKind, Map<string, number>>();
  private readonly sessions = new Map<EnforcingKind, number>();
  private missingStart = 0;

  constructor(
    private readonly prices: ReadonlyMap<string, number>,
    private readonly defaultRegion: string | undefined,
  ) {}

  /** Folds one session a row ended; only the kinds whose endings save hours count, and only with a known start. */
  addEnded(kind: EnforcingKind, region: string | undefined, connectedMs: number | undefined, endedMs: number): void {
    if (!HOUR_SAVING_KINDS.includes(kind)) return;
    if (connectedMs === undefined) {
      this.missingStart++;
      return;
    }
    const hours = connectionHoursEndedEarly(kind, new Date(connectedMs), new Date(endedMs));
    const where = region ?? this.defaultRegion ?? UNKNOWN_REGION;
    let byRegion = this.savedMs.get(kind);
    if (byRegion === undefined) {
      byRegion = new Map();
      this.savedMs.set(kind, byRegion);
    }
    byRegion.set(where, (byRegion.get(where) ?? 0) + Math.round(hours * HOUR_MS));
    this.sessions.set(kind, (this.sessions.get(kind) ?? 0) + 1);
  }

  /**
   * The estimate: every hour-saving kind (zeros included), and the price of each Region that priced an ending (or,
   * when none did, of the default Region, so a reader sees the price that would apply).
   */
  evidence(): CostEstimate {
    const regions = new Set<string>();
    const connectionHours = HOUR_SAVING_KINDS.map((kind) => {
      let ms = 0;
      let usd = 0;
      for (const [region, saved] of [...(this.savedMs.get(kind) ?? [])].sort(([left], [right]) =>
        left < right ? -1 : 1,
      )) {
        regions.add(region);
        ms += saved;
        usd += (saved / HOUR_MS) * this.priceOf(region);
      }
      return { kind, sessions: this.sessions.get(kind) ?? 0, connectionHours: ms / HOUR_MS, estimatedUsd: usd };
    });
    if (regions.size === 0 && this.defaultRegion !== undefined) regions.add(this.defaultRegion);
    const pricePerHour: RegionPrice[] = [...regions].sort().map((region) => ({ region, usd: this.priceOf(region) }));
    return {
      connectionHours,
      totalConnectionHours: connectionHours.reduce((sum, kind) => sum + kind.connectionHours, 0),
      estimatedUsd: connectionHours.reduce((sum, kind) => sum + kind.estimatedUsd, 0),
      pricePerHour,
      method: this.missingStart === 0 ? COST_METHOD : `${COST_METHOD} ${unmeasured(this.missingStart)}`,
    };
  }

  private priceOf(region: string): number {
    return this.prices.get(region) ?? DEFAULT_CONNECTION_HOUR_PRICE_USD;
  }
}

function unmeasured(sessions: number): string {
  return sessions === 1
    ? '1 session lacked its start time and is not counted.'
    : `${sessions} sessions lacked their start time and are not counted.`;
}
