/** The hub functions' metrics (namespace and `service` dimension as every metric's, lambda/metrics.ts). */
export const HubMetric = {
  /** Hub watch, one datum per watch: the spokes reported (heartbeat too old, or last run neither completed nor disabled). */
  SPOKES_UNREACHABLE: 'SpokesUnreachable',
  /** Hub watch, one datum per watch: the spokes known and not reported. */
  SPOKES_REPORTING: 'SpokesReporting',
  /** Relay, one datum per batch that can end sessions: the spoke enforcers Lambda did not queue. */
  SPOKE_RELAY_FAILURES: 'SpokeRelayFailures',
  /** Relay, one datum per batch that can end sessions: the spoke enforcers queued. */
  SPOKES_RELAYED: 'SpokesRelayed',
} as const;
/** One of the hub functions' metric names. */
export type HubMetric = (typeof HubMetric)[keyof typeof HubMetric];
