import type { Connection, TerminationCall } from '../domain/index.js';

/** A Client VPN endpoint the run enforces on. */
export interface ClientVpnEndpoint {
  readonly endpointId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Which endpoints the deployment enforces on. Neither ids nor tag: every endpoint of the region. */
export interface EndpointSelection {
  readonly endpointIds?: readonly string[];
  readonly tag?: { readonly key: string; readonly value: string };
}

/** The status change EC2 reported for one connection of a terminate call. */
export interface ConnectionStatusChange {
  readonly connectionId: string;
  readonly previousStatus?: string;
  readonly currentStatus?: string;
}

/** What one TerminateClientVpnConnections call answered. */
export interface TerminationResult {
  readonly requestId?: string;
  readonly statuses: readonly ConnectionStatusChange[];
  /** Attempts the SDK made (1 = no retry); throttled retries are counted from it. */
  readonly attempts: number;
}

/** Options of a terminate call. */
export interface TerminateOptions {
  /** Ask EC2 to check the permission only (answers DryRunOperation when allowed). @default false */
  readonly dryRun?: boolean;
}

/** Client VPN, as the run needs it. Implementations map AWS errors to the errors in `./errors.ts`. */
export interface ClientVpnGateway {
  /** Every selected endpoint (all pages). */
  listEndpoints(selection: EndpointSelection): Promise<ClientVpnEndpoint[]>;
  /** Every connection of one endpoint (all pages, as EC2 lists them: active and recently ended). */
  listConnections(endpointId: string): Promise<Connection[]>;
  /** One connection by id, or undefined when EC2 no longer lists it. */
  getConnection(endpointId: string, connectionId: string): Promise<Connection | undefined>;
  /** One TerminateClientVpnConnections call. */
  terminate(call: TerminationCall, options?: TerminateOptions): Promise<TerminationResult>;
}
