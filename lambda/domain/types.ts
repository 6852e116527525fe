import type {
  AdmissionVerdict,
  ConnectionStatus,
  EnforcingKind,
  PolicyKind,
  PolicyMode,
  Verdict,
} from './constants.js';
import type { PolicyValidationError } from './errors.js';

/**
 * Where a deployment runs: one AWS account and Region. In an organization deployment each spoke is one placement;
 * a single-account deployment is the placement of its own account and Region.
 */
export interface Placement {
  /** The 12-digit AWS account id. */
  readonly accountId: string;
  /** The AWS Region name, such as `eu-west-1`. */
  readonly region: string;
}

/** One Client VPN connection as the engine sees it: EC2's ClientVpnConnection, parsed. */
export interface Connection {
  readonly endpointId: string;
  readonly connectionId: string;
  /** Active Directory or SAML user name; absent for certificate-only authentication. */
  readonly username?: string;
  /** Common name of the client certificate. */
  readonly commonName?: string;
  /**
   * The directory or SAML groups of the user; `undefined` when unknown (EC2 does not list them: only the
   * client connect handler sees them). A row selecting by groups never matches through unknown groups.
   */
  readonly groups?: readonly string[];
  readonly clientIp?: string;
  readonly ingressBytes: number;
  readonly egressBytes: number;
  /** When the connection was established. */
  readonly establishedAt: Date;
  /** EC2's status code; anything but `active` is never terminated. */
  readonly status: ConnectionStatus | string;
}

/** Idle memory of one connection between runs, for one `minBytes` threshold. */
export interface IdleThreshold {
  /** The threshold, in bytes, this memory is kept for. */
  readonly minBytes: number;
  /** Byte count (ingress + egress) when traffic last grew by more than `minBytes`. */
  readonly baselineBytes: number;
  /** When traffic last grew by more than `minBytes` (or the connection was first seen). */
  readonly activeAt: Date;
}

/** A decision about one connection that a run recorded, remembered so the next run knows since when it holds. */
export interface RememberedDecision {
  readonly policyId: string;
  /** The recorded outcome (`capped`, `would-terminate`, `exempted`). */
  readonly outcome: string;
  /** When the same decision was first recorded in an unbroken sequence of runs. */
  readonly firstSeenAt: Date;
}

/** Idle memory of one connection between runs. */
export interface ConnectionIdleState {
  readonly endpointId: string;
  readonly connectionId: string;
  /** Ingress + egress bytes at the last observation. */
  readonly lastBytes: number;
  /** When the connection was last observed. */
  readonly lastSeenAt: Date;
  /** One entry per distinct `minBytes` of the idle rows in force. */
  readonly thresholds: readonly IdleThreshold[];
  /** The decisions the last run recorded about the connection, by policy and outcome. @default none */
  readonly decisions?: readonly RememberedDecision[];
}

/** Idle memory of every connection, keyed by connection id. */
export type IdleState = ReadonlyMap<string, ConnectionIdleState>;

/** One rule that fired on a connection. */
export interface Firing {
  readonly policyId: string;
  readonly kind: EnforcingKind;
  readonly mode: PolicyMode;
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  /**
   * The instant the rule's condition became true for the connection, never after the run's `now`. idle: when
   * traffic last grew plus the row's `idleMinutes`; max-session: established plus the limit; off-hours: the
   * later of established and the start of the current off-hours stretch; revoked-user, lockdown and
   * max-connections: the later of established and the row's `updatedAt`. @default absent: not known (such a
   * row without `updatedAt`), so the time to enforce is not measured
   */
  readonly conditionAt?: Date;
}

/** The engine's single decision for one connection on which at least one rule fired. */
export interface Decision {
  readonly connection: Connection;
  readonly verdict: Verdict;
  /** The rule that decided, by precedence (for `exempted`, the strongest rule the exemption overrode). */
  readonly decidingPolicyId: string;
  readonly decidingKind: EnforcingKind;
  /** The mode of the deciding rule (after the global dry-run switch: dry-run makes it `observe`). */
  readonly mode: PolicyMode;
  /** Every rule that fired on the connection, strongest first. */
  readonly fired: readonly Firing[];
  /** For `exempted`: the exempt row that won. */
  readonly exemptedBy?: string;
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  /** The deciding row's own `reason` text, when it has one. @default absent */
  readonly policyReason?: string;
  /** When the deciding rule's condition became true ({@link Firing.conditionAt}). @default absent: not known */
  readonly conditionAt?: Date;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** Global cap: a run whose `terminate` decisions exceed it terminates none of them. @default no cap */
  readonly maxTerminationsPerRun?: number;
  /** Global dry-run: every `terminate` becomes `would-terminate`. @default false */
  readonly dryRun?: boolean;
}

/** What one evaluation produced. */
export interface Evaluation {
  /** One decision per connection on which at least one rule fired, in a stable order. */
  readonly decisions: readonly Decision[];
  /** Rows that failed validation; they matched nothing. */
  readonly findings: readonly PolicyValidationError[];
  /** The idle memory to keep for the next run (connections seen now, active ones only). */
  readonly idleState: IdleState;
  /** True when the global cap turned every `terminate` into `capped`. */
  readonly globallyCapped: boolean;
  /** Policy ids whose own `maxTerminations` turned their decisions into `capped`. */
  readonly cappedPolicies: readonly string[];
}

/** One attempt to connect, as the Client VPN client connect handler is told of it (after authentication). */
export interface ConnectionAttempt {
  readonly endpointId: string;
  readonly connectionId: string;
  /** Active Directory or SAML user name; absent for certificate-only authentication. */
  readonly username?: string;
  /** Common name of the client certificate. */
  readonly commonName?: string;
  /** The user's directory or SAML groups; `undefined` when unknown (rows then never match through groups). */
  readonly groups?: readonly string[];
  /** The client's platform as it reports it (`ios`, `windows`, …); recorded, never decided on. */
  readonly platform?: string;
  /** The client's public IP address; recorded, never decided on. */
  readonly publicIp?: string;
}

/** Options of one admission decision. */
export interface AdmissionOptions {
  /** Global dry-run: every `refuse` becomes `would-refuse`. @default false */
  readonly dryRun?: boolean;
}

/** How one `max-connections` row counted an attempt. */
export interface ConnectionCount {
  readonly policyId: string;
  /** Active connections the identity held before the attempt; `undefined` when unknown (then it refused nothing). */
  readonly held: number | undefined;
  /** The row's limit. */
  readonly maxConnections: number;
}

/** The admission decision for one attempt to connect. */
export interface Admission {
  readonly attempt: ConnectionAttempt;
  readonly verdict: AdmissionVerdict;
  /**
   * The rule that decided, by the precedence of runs: for `refuse` and `would-refuse` the rule that refused,
   * for an admission an exemption won the strongest rule it overrode; absent when no rule fired.
   */
  readonly decidingRow?: Firing;
  /** Every rule that fired on the attempt, strongest first, each with its own mode. */
  readonly fired: readonly Firing[];
  /** When an exemption admitted an attempt some rule fired on: the exempt row that won. */
  readonly exemptedBy?: string;
  /** Every `max-connections` row in force whose scope holds the attempt, with the count it judged by. */
  readonly counted: readonly ConnectionCount[];
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  /**
   * For `refuse` and `would-refuse`: the text the client shows (or would show) the user, the deciding row's
   * `message`, else `DEFAULT_REFUSAL_MESSAGE`.
   */
  readonly message?: string;
  /** What the decision could not judge and left to the next run, in words. */
  readonly notes: readonly string[];
}

/** One TerminateClientVpnConnections call the run will make. */
export type TerminationCall =
  | {
      readonly by: 'connection-id';
      readonly endpointId: string;
      readonly connectionId: string;
      readonly decisions: readonly Decision[];
    }
  | {
      readonly by: 'username';
      readonly endpointId: string;
      /** The user name exactly as EC2 reported it. */
      readonly username: string;
      readonly decisions: readonly Decision[];
    };

/** A kind's name, re-exported for convenience. */
export type { PolicyKind };
/** A parsed policy row (defined by the schema in policy/schema.ts), re-exported for convenience. */
export type { PolicyRow } from './policy/schema.js';
