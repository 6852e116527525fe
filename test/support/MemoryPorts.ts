import type { Connection, IdleState } from '../../lambda/domain/index.js';
import type { EnforcementPorts } from '../../lambda/enforce.js';
import type {
  CanaryAttempt,
  CanaryResult,
  ChangeSignal,
  ContinuationEvent,
  ContinuationStarter,
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

/** A lease in memory: like the DynamoDB one, a holder re-enters only its own lease. */
export class MemoryLease implements RunLease {
  public holder: { runId: string; until: number; invocation?: string } | undefined;
  public async acquire(runId: string, now: Date, expiresAt: Date, holder?: string): Promise<boolean> {
    const held = this.holder;
    if (held && held.until > now.getTime()) {
      const sameRun = held.runId === runId && (holder === undefined || held.invocation === holder);
      if (!sameRun) return false;
    }
    this.holder = { runId, until: expiresAt.getTime(), ...(holder === undefined ? {} : { invocation: holder }) };
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

/** The change signal in memory: a counter, and every note kept. */
export class MemoryChangeSignal implements ChangeSignal {
  public count = 0;
  public readonly notes: Date[] = [];
  public async note(now: Date): Promise<number> {
    this.notes.push(now);
    this.count += 1;
    return this.count;
  }
  public async version(): Promise<number> {
    return this.count;
  }
}

/** Continuations in memory: each started one is queued for the test to deliver; `start` can be replaced to fail. */
export class MemoryContinuations implements ContinuationStarter {
  public readonly started: { functionArn: string; event: ContinuationEvent }[] = [];
  /** The continuations started and not yet taken by {@link next}. */
  public readonly queue: { functionArn: string; event: ContinuationEvent }[] = [];
  public async start(functionArn: string, event: ContinuationEvent): Promise<void> {
    this.started.push({ functionArn, event });
    this.queue.push({ functionArn, event });
  }
  /** The oldest continuation not yet delivered. */
  public next(): ContinuationEvent | undefined {
    return this.queue.shift()?.event;
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
    changes: new MemoryChangeSignal(),
    continuations: new MemoryContinuations(),
    notifier: new MemoryNotifier(),
    clock: new ManualClock(),
  };
  return ports satisfies EnforcementPorts;
}

/** Where a call to a port is: before it is made, or once it has answered. */
export type PortCallPhase = 'before' | 'after';

/** The ports a hook can watch: every one a run reads or writes through, the clock aside. */
const WATCHED_PORTS = ['lease', 'changes', 'audit', 'idleState', 'facts', 'policies', 'gateway', 'notifier'] as const;

/**
 * The ports with a hook on every call of every method: `hook("audit.getRun", "before")` is awaited before
 * the call is made, and `hook(..., "after")` once it has answered, so a test can act at any step of a run.
 */
export function withPortHooks<P extends ReturnType<typeof memoryPorts>>(
  ports: P,
  hook: (step: string, phase: PortCallPhase) => Promise<void> | void,
): P {
  const hooked: Record<string, unknown> = { ...ports };
  for (const name of WATCHED_PORTS) {
    const port = ports[name] as object | undefined;
    if (port === undefined) continue;
    hooked[name] = new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return async (...args: unknown[]) => {
          const step = `${name}.${property}`;
          await hook(step, 'before');
          const answer: unknown = await (value as (...inner: unknown[]) => unknown).apply(target, args);
          await hook(step, 'after');
          return answer;
        };
      },
    });
  }
  return hooked as P;
}
