import type { ConnectionStatus, EnforcingKind, PolicyKind, PolicyMode, Verdict } from './constants.js';
import type { PolicyValidationError } from './errors.js';

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
