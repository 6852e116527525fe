import type { Connection, IdleState } from '../../lambda/domain/index.js';
import type { EnforcementPorts } from '../../lambda/enforce.js';
import type {
  CanaryAttempt,
  CanaryResult,
  ClientVpnEndpoint,
  ConnectHandlerProbe,
  ClientVpnGateway,
  ConnectionCounter,
  ConnectionFact,
  ConnectionFacts,
  ConnectionFactsByEndpoint,
  EndpointSelection,
  IdleStateStore,
  Notifier,
  PolicyLoad,
  PolicyRepository,
  RunDigest,
  RunLease,
  TerminationResult,
} from '../../lambda/ports/index.js';
import type { TerminationCall } from '../../lambda/domain/types.js';
import { parsePolicyRow, type PolicyRow, type PolicyValidationError } from '../../lambda/domain/index.js';
import { ManualClock } from './ManualClock.js';
import { MemoryAuditLog } from './MemoryAuditLog.js';

/** A Client VPN in memory: endpoints, connections, and a record of terminate calls. */
export class MemoryGateway implements ClientVpnGateway {
  public readonly calls: TerminationCall[] = [];
  public readonly failingEndpoints = new Set<string>();

  constructor(
    public readonly endpoints: ClientVpnEndpoint[],
    public connections: Connection[],
  ) {}

  public async listEndpoints(selection: EndpointSelection): Promise<ClientVpnEndpoint[]> {
    return this.endpoints.filter(
      (endpoint) => !selection.endpointIds || selection.endpointIds.includes(endpoint.endpointId),
    );
  }

  public async listConnections(endpointId: string): Promise<Connection[]> {
    if (this.failingEndpoints.has(endpointId)) throw new Error(`${endpointId} is unreachable`);
    return this.connections.filter((connection) => connection.endpointId === endpointId);
  }

  public async getConnection(endpointId: string, connectionId: string): Promise<Connection | undefined> {
    return this.connections.find((c) => c.endpointId === endpointId && c.connectionId === connectionId);
  }

  public async terminate(call: TerminationCall): Promise<TerminationResult> {
    this.calls.push(call);
    const ended = call.decisions.map((decision) => decision.connection.connectionId);
    this.connections = this.connections.map((c) =>
      ended.includes(c.connectionId) ? { ...c, status: 'terminating' } : c,
    );
    return {
      attempts: 1,
      requestId: `req-${this.calls.length}`,
      statuses: ended.map((connectionId) => ({ connectionId, previousStatus: 'active', currentStatus: 'terminating' })),
    };
  }
}

/** Policy rows in memory, validated as the DynamoDB repository does. */
export class MemoryPolicies implements PolicyRepository {
  constructor(public items: Record<string, unknown>[]) {}

  public async loadAll(): Promise<PolicyLoad> {
    const rows: PolicyRow[] = [];
    const findings: PolicyValidationError[] = [];
    for (const item of this.items) {
      const parsed = parsePolicyRow(item);
      if (parsed.ok) rows.push(parsed.row);
      else findings.push(parsed.error);
    }
    return { rows, findings };
  }
}

/** Idle memory in memory. */
export class MemoryIdleStore implements IdleStateStore {
  public state: IdleState = new Map();
  public async load(): Promise<IdleState> {
    return this.state;
  }
  public async save(next: IdleState): Promise<void> {
    this.state = next;
  }
}

/** A lease in memory. */
export class MemoryLease implements RunLease {
  public holder: { runId: string; until: number } | undefined;
  public async acquire(runId: string, now: Date, expiresAt: Date): Promise<boolean> {
    if (this.holder && this.holder.runId !== runId && this.holder.until > now.getTime()) return false;
    this.holder = { runId, until: expiresAt.getTime() };
    return true;
  }
  public async release(runId: string): Promise<void> {
    if (this.holder?.runId === runId) this.holder = undefined;
  }
}

/** Connection facts in memory, by endpoint then connection id; `put` can be replaced to fail or hang. */
export class MemoryConnectionFacts implements ConnectionFacts {
  public readonly facts = new Map<string, Map<string, ConnectionFact>>();
  /** The endpoint ids of every load, in order. */
  public readonly loads: (readonly string[])[] = [];

  public async put(fact: ConnectionFact): Promise<void> {
    const endpoint = this.facts.get(fact.endpointId) ?? new Map<string, ConnectionFact>();
    endpoint.set(fact.connectionId, fact);
    this.facts.set(fact.endpointId, endpoint);
  }

  public async load(endpointIds: readonly string[]): Promise<ConnectionFactsByEndpoint> {
    this.loads.push(endpointIds);
    return new Map(endpointIds.map((endpointId) => [endpointId, new Map(this.facts.get(endpointId) ?? [])]));
  }

  /** Every fact kept, in the order they were put. */
  public all(): ConnectionFact[] {
    return [...this.facts.values()].flatMap((endpoint) => [...endpoint.values()]);
  }
}

/** Counts of active connections from a list of connections; every call is kept, `countActive` can be replaced. */
export class MemoryConnectionCounter implements ConnectionCounter {
  public readonly calls: { endpointId: string; username: string; exceptConnectionId: string }[] = [];

  constructor(public connections: Connection[] = []) {}

  public async countActive(endpointId: string, username: string, exceptConnectionId: string): Promise<number> {
    this.calls.push({ endpointId, username, exceptConnectionId });
    return this.connections.filter(
      (connection) =>
        connection.endpointId === endpointId &&
        connection.username === username &&
        connection.connectionId !== exceptConnectionId &&
        connection.status === 'active',
    ).length;
  }
}

/** Digests in memory. */
export class MemoryNotifier implements Notifier {
  public readonly digests: RunDigest[] = [];
  public async publish(digest: RunDigest): Promise<void> {
    this.digests.push(digest);
  }
}

/** A client connect handler that answers every canary with `answer` (allowing, by default), and keeps each call. */
export class MemoryConnectHandlerProbe implements ConnectHandlerProbe {
  public readonly calls: { functionName: string; attempt: CanaryAttempt }[] = [];

  constructor(
    public answer: (attempt: CanaryAttempt) => Promise<CanaryResult> | CanaryResult = () => ({
      ok: true,
      connectionId: 'cvpn-guard-canary-1',
      allow: true,
      latencyMs: 12,
    }),
  ) {}

  public async invoke(functionName: string, attempt: CanaryAttempt): Promise<CanaryResult> {
    this.calls.push({ functionName, attempt });
    return this.answer(attempt);
  }
}

/** Every port in memory, wired for `runEnforcement`. */
export function memoryPorts(
  endpoints: ClientVpnEndpoint[],
  connections: Connection[],
  policies: Record<string, unknown>[],
) {
  const ports = {
    gateway: new MemoryGateway(endpoints, connections),
    policies: new MemoryPolicies(policies),
    audit: new MemoryAuditLog(),
    idleState: new MemoryIdleStore(),
    facts: new MemoryConnectionFacts(),
    lease: new MemoryLease(),
    notifier: new MemoryNotifier(),
    clock: new ManualClock(),
  };
  return ports satisfies EnforcementPorts;
}
