/** What the gate counts, one datum per connection attempt it answers (CloudWatch EMF, dimension `service`). */
export const GateMetric = {
  /** Every attempt answered. */
  ATTEMPTS: 'ConnectAttempts',
  /** Attempts admitted by the policy rows (an exemption and a `would-refuse` included). */
  ADMITTED: 'ConnectAdmitted',
  /** Attempts an enforcing rule refused. */
  REFUSED: 'ConnectRefused',
  /** Attempts a rule would have refused, admitted (observe mode or dry run). */
  WOULD_REFUSE: 'ConnectWouldRefuse',
  /** Attempts admitted by the fail mode (`connectFailMode` = `admit`). */
  FAIL_OPEN: 'ConnectFailOpen',
  /** Attempts refused by the fail mode (`connectFailMode` = `refuse`). */
  FAIL_CLOSED: 'ConnectFailClosed',
  /** Attempts whose decision was not ready within `connectDeadlineMs`. */
  DEADLINE_EXCEEDED: 'ConnectDeadlineExceeded',
  /** Requests that are not a well-formed Client VPN connection attempt. */
  MALFORMED_REQUESTS: 'MalformedConnectRequests',
  /** Audit records that failed, or were not written within the deadline. */
  AUDIT_WRITE_FAILED: 'ConnectAuditWriteFailed',
  /** Facts of an admitted connection (its groups) that failed, or were not written within the deadline. */
  FACTS_WRITE_FAILED: 'ConnectFactsWriteFailed',
  /**
   * Attempts a `max-connections` row was about that were decided without the count of the user's connections:
   * the pacing had no token left, EC2 failed or was late, or the attempt has no user name to count by.
   */
  COUNT_UNAVAILABLE: 'ConnectCountUnavailable',
  /** Synthetic attempts (the runs' canary): answered as any, counted here only, recorded nowhere. */
  CANARY_ATTEMPTS: 'ConnectCanaryAttempts',
  /** Milliseconds from the request to the answer. */
  DURATION: 'ConnectDuration',
} as const;
/** One of the gate's metric names. */
export type GateMetric = (typeof GateMetric)[keyof typeof GateMetric];

/** Where the gate counts (Powertools Metrics in Lambda, an array in tests). */
export interface GateMetrics {
  /** Adds `value` (1 unless given) to a count. */
  count(metric: Exclude<GateMetric, typeof GateMetric.DURATION>, value?: number): void;
  /** Records how long an answer took. */
  duration(ms: number): void;
}
