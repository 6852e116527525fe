import type { Connection, IdleState, PolicyRow, PolicyValidationError } from '../domain/index.js';
import {
  type AuditLog,
  type ClientVpnGateway,
  type ConnectionFacts,
  type DecisionRecord,
  type EndpointSelection,
  type IdleStateStore,
  type PolicyRepository,
  type RunLogger,
  SILENT_LOGGER,
} from '../ports/index.js';
import { type GroupsKnowledge, joinFacts } from './join-facts.js';

/** Endpoints whose connections are listed at once, unless told otherwise. */
export const ENDPOINTS_IN_FLIGHT = 5;

/** What gathering reads through; it writes nothing. */
export interface GatherPorts {
  readonly gateway: Pick<ClientVpnGateway, 'listEndpoints' | 'listConnections'>;
  readonly policies: PolicyRepository;
  readonly idleState: Pick<IdleStateStore, 'load'>;
  readonly audit: Pick<AuditLog, 'listUnconfirmed'>;
  /** What the gate learned of the connections it admitted (their groups). */
  readonly facts: Pick<ConnectionFacts, 'load'>;
  /** @default silent */
  readonly logger?: RunLogger;
}

/** What to gather. */
export interface GatherRequest {
  readonly endpointSelection: EndpointSelection;
  /** Endpoints whose connections are listed at once. @default {@link ENDPOINTS_IN_FLIGHT} */
  readonly endpointConcurrency?: number;
}

/** The connections of the selected endpoints, and what could not be read. */
export interface Listing {
  /** The selected endpoints EC2 listed. */
  readonly endpointIds: readonly string[];
  /** The endpoints whose connections were listed, in the order they were. */
  readonly readEndpoints: readonly string[];
  /** One line per endpoint that could not be read, or selected endpoint that does not exist. */
  readonly endpointErrors: readonly string[];
  /** Every connection listed (any status), with the groups the gate saw on those it kept facts of. */
  readonly connections: readonly Connection[];
  /** What listing the endpoints themselves threw, when it did: then nothing was listed. */
  readonly failure?: unknown;
}

/** Everything a run decides on, read before it decides. */
export interface Gathered {
  /** The policy rows that passed validation. */
  readonly rows: readonly PolicyRow[];
  /** The rows that did not: they match nothing. */
  readonly findings: readonly PolicyValidationError[];
  readonly listing: Listing;
  /** The idle memory earlier runs left for the endpoints read. */
  readonly idleMemory: IdleState;
  /** Terminations of earlier runs still waiting to be seen ended. */
  readonly unconfirmed: readonly DecisionRecord[];
  /** How many listed connections have unknown groups, and how many facts were not theirs. */
  readonly groups: GroupsKnowledge;
}

/**
 * Reads what a run decides on, in this order: the policy rows, the selected endpoints and their
 * connections (`endpointConcurrency` endpoints at a time; one that fails does not stop the others),
 * the unconfirmed terminations, then the idle memory and the gate's connection facts of the endpoints read
 * (both at once).
 * Each listed connection the gate kept facts of gets the groups it saw ({@link joinFacts}); the others
 * keep unknown groups. The run and `plan` both gather through it, so a preview reads what the run reads.
 * A policy table or a state table that cannot be read throws.
 */
export async function gatherRun(ports: GatherPorts, request: GatherRequest): Promise<Gathered> {
  const { rows, findings } = await ports.policies.loadAll();
  const listed = await listConnections(ports, request);
  const unconfirmed = await ports.audit.listUnconfirmed();
  const [idleMemory, facts] = await Promise.all([
    ports.idleState.load(listed.readEndpoints),
    ports.facts.load(listed.readEndpoints),
  ]);
  const { connections, unknown, mismatched } = joinFacts(listed.connections, facts);
  if (mismatched > 0)
    (ports.logger ?? SILENT_LOGGER).warn('connection facts that name another identity than EC2 lists: not joined', {
      mismatched,
    });
  const listing = { ...listed, connections };
  return { rows, findings, listing, idleMemory, unconfirmed, groups: { unknown, mismatched } };
}

async function listConnections(ports: GatherPorts, request: GatherRequest): Promise<Listing> {
  const logger = ports.logger ?? SILENT_LOGGER;
  const selection = request.endpointSelection;
  let endpoints;
  try {
    endpoints = await ports.gateway.listEndpoints(selection);
  } catch (error) {
    logger.error('listing endpoints failed', { error: String(error) });
    return {
      endpointIds: [],
      readEndpoints: [],
      endpointErrors: [`listing endpoints failed: ${String(error)}`],
      connections: [],
      failure: error,
    };
  }
  const endpointIds = endpoints.map((endpoint) => endpoint.endpointId);
  const found = new Set(endpointIds);
  const endpointErrors = (selection.endpointIds ?? [])
    .filter((id) => !found.has(id))
    .map((id) => `${id}: selected, but no such Client VPN endpoint in this account and region`);
  const readEndpoints: string[] = [];
  const connections: Connection[] = [];
  const queue = [...endpointIds];
  const worker = async (): Promise<void> => {
    for (let endpointId = queue.shift(); endpointId; endpointId = queue.shift()) {
      try {
        const listed = await ports.gateway.listConnections(endpointId);
        connections.push(...listed);
        readEndpoints.push(endpointId);
      } catch (error) {
        // One failing endpoint does not stop the others.
        endpointErrors.push(`${endpointId}: ${String(error)}`);
        logger.error('listing connections failed', { endpointId, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: request.endpointConcurrency ?? ENDPOINTS_IN_FLIGHT }, worker));
  return { endpointIds, readEndpoints, endpointErrors, connections };
}

/** Connections each endpoint whose connections were listed holds in the listing (any status; 0 when none). */
export function connectionsByEndpoint(listing: Pick<Listing, 'readEndpoints' | 'connections'>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(listing.readEndpoints.map((endpointId) => [endpointId, 0]));
  for (const connection of listing.connections)
    counts[connection.endpointId] = (counts[connection.endpointId] ?? 0) + 1;
  return counts;
}
