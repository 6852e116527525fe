/** Policy kinds, as written in a row's `kind` attribute. */
export const PolicyKind = {
  REVOKED_USER: 'revoked-user',
  IDLE: 'idle',
  MAX_SESSION: 'max-session',
  OFF_HOURS: 'off-hours',
  MAX_CONNECTIONS: 'max-connections',
  LOCKDOWN: 'lockdown',
  EXEMPT: 'exempt',
} as const;
/** One of the policy kinds. */
export type PolicyKind = (typeof PolicyKind)[keyof typeof PolicyKind];

/**
 * The kinds that can end a connection (every kind but `exempt`), strongest first: when several fire, the
 * first decides, in a run and at connect alike. `lockdown` comes first: it fires whatever the identity, the
 * time or the traffic, and someone set it for an incident under way, so while it lasts the reason recorded
 * and the message a refused user sees name the lockdown; a rule it outranks (a revoked user, say) is still
 * listed among those that fired, and still decides once the lockdown ends.
 */
export const KIND_PRECEDENCE = [
  PolicyKind.LOCKDOWN,
  PolicyKind.REVOKED_USER,
  PolicyKind.MAX_CONNECTIONS,
  PolicyKind.MAX_SESSION,
  PolicyKind.OFF_HOURS,
  PolicyKind.IDLE,
] as const;
/** A kind that can end a connection. */
export type EnforcingKind = (typeof KIND_PRECEDENCE)[number];

/** Whether a row acts (`enforce`) or only records what it would do (`observe`). */
export const PolicyMode = {
  ENFORCE: 'enforce',
  OBSERVE: 'observe',
} as const;
/** One of the policy modes. */
export type PolicyMode = (typeof PolicyMode)[keyof typeof PolicyMode];

/** What the engine decided for one connection. `deferred` is added by the run, never by the engine. */
export const Verdict = {
  TERMINATE: 'terminate',
  WOULD_TERMINATE: 'would-terminate',
  EXEMPTED: 'exempted',
  CAPPED: 'capped',
} as const;
/** One of the engine's verdicts. */
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** The kinds that can refuse a client when it connects, strongest first (`idle` and `max-session` judge sessions). */
export const ADMISSION_KINDS = [
  PolicyKind.LOCKDOWN,
  PolicyKind.REVOKED_USER,
  PolicyKind.MAX_CONNECTIONS,
  PolicyKind.OFF_HOURS,
] as const satisfies readonly EnforcingKind[];
/** A kind that can refuse a client when it connects. */
export type AdmissionKind = (typeof ADMISSION_KINDS)[number];

/** What the admission decision answers a client that tries to connect. */
export const AdmissionVerdict = {
  ADMIT: 'admit',
  REFUSE: 'refuse',
  /** A rule would have refused, but it only observes or the deployment runs dry: admitted. */
  WOULD_REFUSE: 'would-refuse',
} as const;
/** One of the admission verdicts. */
export type AdmissionVerdict = (typeof AdmissionVerdict)[keyof typeof AdmissionVerdict];

/**
 * What a refused user is shown when the deciding row has no `message`: it names no policy, rule or row,
 * so a refusal tells an outsider nothing about how access is guarded.
 */
export const DEFAULT_REFUSAL_MESSAGE =
  'Your VPN connection was not allowed. Contact your IT support if you need access.';

/** The outcome stored in an audit record. */
export const Outcome = {
  PENDING: 'pending',
  TERMINATED: 'terminated',
  WOULD_TERMINATE: 'would-terminate',
  FAILED: 'failed',
  CAPPED: 'capped',
  EXEMPTED: 'exempted',
  DEFERRED: 'deferred',
  INVALID_POLICY: 'invalid-policy',
  /** The client connect handler turned an attempt away: an enforcing rule refused it. */
  REFUSED: 'refused',
  /** A rule would have refused an attempt, but it only observes or the deployment runs dry: admitted. */
  WOULD_REFUSE: 'would-refuse',
  /** An attempt was admitted that a row was about: an exemption won, or a `max-connections` row counted it. */
  ADMITTED: 'admitted',
  /** The client connect handler could not decide (see the record's `failMode`) and `connectFailMode` is `admit`. */
  ADMITTED_FAIL_OPEN: 'admitted-fail-open',
  /** The client connect handler could not decide (see the record's `failMode`) and `connectFailMode` is `refuse`. */
  REFUSED_FAIL_CLOSED: 'refused-fail-closed',
} as const;
/** One of the audit outcomes. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The outcomes of the client connect handler's records, one per connection attempt it recorded. */
export const ADMISSION_OUTCOMES = [
  Outcome.REFUSED,
  Outcome.WOULD_REFUSE,
  Outcome.ADMITTED,
  Outcome.ADMITTED_FAIL_OPEN,
  Outcome.REFUSED_FAIL_CLOSED,
] as const;
/** One of the outcomes of an admission record. */
export type AdmissionOutcome = (typeof ADMISSION_OUTCOMES)[number];

/** What the client connect handler answers when it cannot decide (the `connectFailMode` setting). */
export const FailMode = {
  ADMIT: 'admit',
  REFUSE: 'refuse',
} as const;
/** One of the fail modes. */
export type FailMode = (typeof FailMode)[keyof typeof FailMode];

/** Why the client connect handler answered by its fail mode instead of by the policy rows. */
export const FailModeCause = {
  /** No policy rows were ever read in this container (the first read failed or is still under way). */
  NO_POLICIES: 'no-policies',
  /** The decision was not ready within `connectDeadlineMs`. */
  DEADLINE: 'deadline',
  /** The request was not a Client VPN connection attempt it could read. */
  MALFORMED_REQUEST: 'malformed-request',
  /** An unexpected error while deciding. */
  ERROR: 'error',
} as const;
/** One of the causes of a fail-mode answer. */
export type FailModeCause = (typeof FailModeCause)[keyof typeof FailModeCause];

/** How a run ended. */
export const RunStatus = {
  /** Every selected endpoint was read and every decision recorded. */
  COMPLETED: 'completed',
  /** Some endpoints could not be read; the others were enforced. */
  PARTIAL: 'partial',
  /** The kill switch is on: nothing was read or terminated. */
  DISABLED: 'disabled',
  /** Another run holds the lease: this one did nothing. */
  SKIPPED: 'skipped',
  /** This run id already finished (a retried tick): nothing was done again. */
  ALREADY_DONE: 'already-done',
} as const;
/** One of the run statuses. */
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** The statuses a run's summary record holds: a skipped or already finished run writes no summary. */
export type SummaryStatus = typeof RunStatus.COMPLETED | typeof RunStatus.PARTIAL | typeof RunStatus.DISABLED;

/** Client VPN connection status codes, as EC2 reports them. */
export const ConnectionStatus = {
  ACTIVE: 'active',
  FAILED_TO_TERMINATE: 'failed-to-terminate',
  TERMINATING: 'terminating',
  TERMINATED: 'terminated',
} as const;
/** One of EC2's connection status codes. */
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** The wildcard that, alone in `endpoints`, selects every endpoint. */
export const ALL_ENDPOINTS = '*';

/** EC2 terminates at most this many connections in one call by username. */
export const MAX_CONNECTIONS_PER_USERNAME_CALL = 5;

/** Days of the week as written in an off-hours row's `days`, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

/** What an endpoint id in a row's `endpoints` must look like (besides the lone wildcard). */
export const ENDPOINT_ID_PATTERN = /^cvpn-endpoint-[0-9a-f]{8,17}$/;

/** What an AWS account id must look like: 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/**
 * What an AWS Region name must look like: a partition-qualified area, a direction and a number
 * (`us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`).
 */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** What a `policyId` must look like: 1 to 128 letters, digits, `.`, `_`, `:` or `-`. */
export const POLICY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Bounds of the values a policy row may hold. */
export const PolicyLimits = {
  /** Longest `policyId`. */
  POLICY_ID_MAX_LENGTH: 128,
  /** Most entries in `usernames`, `commonNames`, `groups` or `endpoints`. */
  MAX_LIST_ENTRIES: 1000,
  /** Longest free text (`reason`, `updatedBy`, one user name, common name or group). */
  MAX_TEXT_LENGTH: 1024,
  /** Largest `idleMinutes`: one week. */
  MAX_IDLE_MINUTES: 10_080,
  /** Largest `maxSessionMinutes`: one year. */
  MAX_SESSION_MINUTES: 525_600,
  /** Longest `message`: what the Client VPN client shows a refused user holds at most 255 characters. */
  MAX_MESSAGE_LENGTH: 255,
} as const;

/**
 * How a synthetic connection attempt's `connection-id` begins: the canary that the runs, `doctor` and the sandbox
 * send the client connect handler to prove it answers. Client VPN's own ids begin `cvpn-connection-`, so no real
 * attempt carries it; the handler answers a canary as any attempt and records nothing of it.
 */
export const CANARY_CONNECTION_PREFIX = 'cvpn-guard-canary-';

/**
 * The price of one Client VPN connection-hour, US dollars, in a Region whose price is not set (the setting
 * `connectionHourPrices` names the others).
 */
export const DEFAULT_CONNECTION_HOUR_PRICE_USD = 0.05;
