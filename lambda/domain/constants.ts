/** Policy kinds, as written in a row's `kind` attribute. */
export const PolicyKind = {
  REVOKED_USER: 'revoked-user',
  IDLE: 'idle',
  MAX_SESSION: 'max-session',
  OFF_HOURS: 'off-hours',
  MAX_CONNECTIONS: 'max-connections',
  EXEMPT: 'exempt',
} as const;
/** One of the policy kinds. */
export type PolicyKind = (typeof PolicyKind)[keyof typeof PolicyKind];

/** The kinds that can end a connection (every kind but `exempt`), strongest first: when several fire, the first decides. */
export const KIND_PRECEDENCE = [
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
} as const;
/** One of the audit outcomes. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

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
