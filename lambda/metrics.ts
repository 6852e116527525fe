/**
 * The metrics the enforcer publishes (CloudWatch EMF through Powertools Metrics). The CDK alarms
 * and dashboard read the same names, so they can never drift.
 */

/** CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'CvpnGuard';

/** Powertools service name: also the `service` dimension on every metric. */
export const SERVICE_NAME = 'cvpn-guard';

/** Run-level metrics, one datum per run, dimension `service` only. */
export const RunMetric = {
  CONNECTIONS_SEEN: 'ConnectionsSeen',
  TERMINATED: 'Terminated',
  WOULD_TERMINATE: 'WouldTerminate',
  FAILED: 'Failed',
  CAPPED: 'Capped',
  DEFERRED: 'Deferred',
  EXEMPTED: 'Exempted',
  INVALID_POLICIES: 'InvalidPolicies',
  THROTTLED_CALLS: 'ThrottledCalls',
  ENDPOINT_ERRORS: 'EndpointErrors',
  /** Milliseconds. */
  RUN_DURATION: 'RunDuration',
  /** 1 when the run's canary attempt on the client connect handler got no well-formed answer, else 0. */
  CONNECT_HANDLER_CANARY_FAILED: 'ConnectHandlerCanaryFailed',
  /** Records of a stream batch that are no change of the policies table (another table's, malformed); per batch. */
  CHANGE_RECORDS_REJECTED: 'ChangeRecordsRejected',
  /** 1 when the run handed on to a continuation Lambda queued; only a run that had a reason to hand on says. */
  CONTINUATIONS_STARTED: 'ContinuationsStarted',
  /** 1 when the run had a reason to hand on but its chain was at `maxContinuations`; only such a run says. */
  CONTINUATIONS_REFUSED: 'ContinuationsRefused',
  /** 1 when the run's continuation could not be started (the Invoke failed); only a run that tried says. */
  CONTINUATION_START_FAILED: 'ContinuationStartFailed',
  /**
   * Seconds from the deciding rule's condition becoming true to the session's end: one value per `terminated`
   * decision that knows when its condition became true (`secondsToEnforce`), none from a run that ended none.
   */
  TIME_TO_ENFORCE: 'TimeToEnforce',
  /**
   * Connection-hours the run's terminations ended early (`connectionHoursEndedEarly`: idle, max-session and
   * off-hours rows), one datum per run; priced, it is the dashboard's estimated cost saved.
   */
  CONNECTION_HOURS_SAVED: 'ConnectionHoursSaved',
} as const;
/** One of the run-level metric names. */
export type RunMetric = (typeof RunMetric)[keyof typeof RunMetric];

/**
 * One datum (1) per invocation that runs (whatever the run's status; an ignored stream batch is no run), dimensions
 * `service` and `trigger` (schedule, manual, change, continuation): an alarm on the schedule's sees runs stop.
 */
export const RUNS_STARTED_METRIC = 'RunsStarted';

/**
 * A spoke's heartbeat: 1 when the run could not write it to the hub's audit table, else 0; one datum per spoke run
 * that ran (dimension `service`). A single deployment publishes none.
 */
export const HEARTBEAT_FAILED_METRIC = 'HeartbeatFailed';

/** Per-decision breakdown: metric `Decisions`, dimensions `service`, `outcome` and `kind` (the deciding policy kind). */
export const DECISIONS_METRIC = 'Decisions';

/**
 * The client connect handler's metrics, one datum per connection attempt (dimension `service`): defined beside
 * the gate that counts them (lambda/gate), re-exported here so that the stack reads every metric name from one
 * module.
 */
export { GateMetric } from './gate/gate-metrics.js';

/** The hub functions' metrics (organization deployments): defined beside the hub's use cases (lambda/hub). */
export { HubMetric } from './hub/hub-metrics.js';
