import type { ClockState, SimulatedClock } from '../clock.js';
import { ADMIN_PREFIX } from '../constants.js';
import type { CallCounters } from '../counters.js';
import type { TableStream } from '../dynamodb/table-stream.js';
import type { ClientVpnEmulator } from '../ec2/client-vpn-emulator.js';
import type { ConnectionPatch, ConnectionView, EndpointView, TrafficProfile } from '../ec2/model.js';
import type { PermissionDenial } from '../ec2/permissions.js';
import type { ThrottlingOptions } from '../ec2/throttling.js';
import type { ServiceRequest, ServiceResponse } from '../edge/types.js';
import { SandboxControlError, SandboxError, SandboxOptionError, SandboxScenarioError } from '../errors.js';
import type { FaultInjector } from '../faults.js';
import type { LatencyInjector, LatencyRule } from '../latency.js';
import type { LambdaService } from '../lambda/lambda-service.js';
import { parseConnection, toConnectionSpecs } from '../scenario/load.js';
import type { PublishedMessage, SnsEmulator } from '../sns/sns-emulator.js';
import { connectRoutes } from './connect-routes.js';
import { lambdaRoutes } from './lambda-routes.js';
import { streamRoutes } from './stream-routes.js';
import { type RouteEntry, arrayField, json, match, objectBody, parseBody, ruleRoutes } from './routing.js';

/** What the admin API drives: the sandbox's parts and its reset (a running `Sandbox` is one). */
export interface SandboxControls {
  /** `http://host:port` of the edge. */
  readonly endpoint: string;
  readonly region: string;
  /** Table names by role. */
  readonly tables: { readonly policies: string; readonly audit: string; readonly state: string };
  readonly topicArn: string;
  readonly clock: SimulatedClock;
  readonly emulator: ClientVpnEmulator;
  readonly faults: FaultInjector;
  readonly latency: LatencyInjector;
  readonly counters: CallCounters;
  readonly sns: SnsEmulator;
  readonly lambda: LambdaService;
  /** The policies table's stream. */
  readonly policyStream: TableStream;
  /** Back to the start (scenario, tables, clock, rules, counters, messages). */
  reset(): Promise<void>;
}

/**
 * The admin JSON API on the edge port, under /_sandbox: the clock, connections, traffic profiles,
 * connection attempts, faults, latency, throttling, permissions, counters, SNS messages, Lambda functions, the
 * policies table's stream, event source mappings, asynchronous invocations, and reset. Bodies are JSON; answers are JSON; an error answers `{ "error": "…" }` with a 4xx status.
 */
export function createAdminApi(sandbox: SandboxControls): (request: ServiceRequest) => Promise<ServiceResponse> {
  const routes: RouteEntry[] = [
    { method: 'GET', pattern: '', summary: 'this index', run: () => index(sandbox, routes) },
    {
      method: 'GET',
      pattern: '/health',
      summary: 'liveness',
      run: () => ({ status: 'ok', now: sandbox.clock.now().toISOString() }),
    },
    { method: 'GET', pattern: '/clock', summary: 'the simulated clock', run: () => sandbox.clock.state() },
    {
      method: 'POST',
      pattern: '/clock',
      summary:
        'change the clock: {"set": ISO} | {"advance": "95m"} | {"speed": 10} | {"freeze": true} | {"resume": true}',
      run: (_request, body) => changeClock(sandbox, body),
    },
    {
      method: 'GET',
      pattern: '/endpoints',
      summary: 'every endpoint',
      run: () => sandbox.emulator.listEndpoints().map(endpointJson),
    },
    {
      method: 'GET',
      pattern: '/connections',
      summary: 'every connection as it is now (?endpoint=id to narrow)',
      run: (request) =>
        sandbox.emulator.listConnections(request.query.get('endpoint') ?? undefined).map(connectionJson),
    },
    {
      method: 'POST',
      pattern: '/connections',
      summary: 'add a connection, written as in a scenario (times relative to the clock)',
      status: 201,
      run: (_request, body) => {
        const connection = parseConnection(body, 'admin connection');
        return toConnectionSpecs(connection, sandbox.clock.now()).map((spec) =>
          connectionJson(sandbox.emulator.addConnection(spec)),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/connections/:id',
      summary: 'one connection',
      run: (_request, _body, [id]) => connectionJson(sandbox.emulator.getConnection(id ?? '')),
    },
    {
      method: 'PATCH',
      pattern: '/connections/:id',
      summary:
        'change a connection: profile, username, commonName, clientIp, statusMessage, postureComplianceStatuses, failTermination, addIngressBytes, addEgressBytes',
      run: (_request, body, [id]) =>
        connectionJson(sandbox.emulator.modifyConnection(id ?? '', objectBody(body) as ConnectionPatch)),
    },
    {
      method: 'POST',
      pattern: '/connections/:id/disconnect',
      summary: 'the client hangs up: the connection ends now',
      run: (_request, _body, [id]) => connectionJson(sandbox.emulator.disconnect(id ?? '')),
    },
    ...connectRoutes(sandbox.emulator),
    { method: 'GET', pattern: '/profiles', summary: 'traffic profiles', run: () => sandbox.emulator.listProfiles() },
    {
      method: 'PUT',
      pattern: '/profiles/:name',
      summary: 'define a traffic profile {"ingressBytesPerMinute", "egressBytesPerMinute", "bytesPerPacket"?}',
      run: (_request, body, [name]) => {
        sandbox.emulator.defineProfile(name ?? '', objectBody(body) as unknown as TrafficProfile);
        return sandbox.emulator.listProfiles();
      },
    },
    ...ruleRoutes(
      '/faults',
      sandbox.faults,
      'fault rules',
      '{"service", "actions"?, "kind": "error|throttle|drop", "rate"?, "count"?}',
    ),
    { method: 'GET', pattern: '/latency', summary: 'latency rules', run: () => ({ rules: sandbox.latency.list() }) },
    {
      method: 'PUT',
      pattern: '/latency',
      summary: 'replace the latency rules {"rules": [{"service", "actions"?, "ms", "jitterMs"?}]} (simulated ms)',
      run: (_request, body) => {
        sandbox.latency.set(arrayField((objectBody(body) as { rules?: LatencyRule[] }).rules, 'rules'));
        return { rules: sandbox.latency.list() };
      },
    },
    {
      method: 'DELETE',
      pattern: '/latency',
      summary: 'remove every latency rule',
      run: () => (sandbox.latency.clear(), { rules: [] }),
    },
    {
      method: 'GET',
      pattern: '/throttling',
      summary: 'EC2 throttling',
      run: () => sandbox.emulator.throttlingConfig(),
    },
    {
      method: 'PUT',
      pattern: '/throttling',
      summary:
        'change EC2 throttling {"enabled"?, "mutating"?: {"burst", "refillPerSecond"}, "describe"?: {…}} (buckets refill)',
      run: (_request, body) => sandbox.emulator.configureThrottling(objectBody(body) as ThrottlingOptions),
    },
    {
      method: 'POST',
      pattern: '/throttling/reset',
      summary: 'refill every bucket',
      run: () => (sandbox.emulator.resetThrottling(), sandbox.emulator.throttlingConfig()),
    },
    {
      method: 'GET',
      pattern: '/permissions',
      summary: 'denied EC2 permissions',
      run: () => ({ deny: sandbox.emulator.permissions.list() }),
    },
    {
      method: 'PUT',
      pattern: '/permissions',
      summary:
        'replace the denials {"deny": [{"action": "TerminateClientVpnConnections" | "*", "endpoint"?: id | "*"}]}',
      run: (_request, body) => {
        sandbox.emulator.permissions.set(arrayField((objectBody(body) as { deny?: PermissionDenial[] }).deny, 'deny'));
        return { deny: sandbox.emulator.permissions.list() };
      },
    },
    {
      method: 'DELETE',
      pattern: '/permissions',
      summary: 'allow everything again',
      run: () => (sandbox.emulator.permissions.clear(), { deny: [] }),
    },
    {
      method: 'GET',
      pattern: '/counters',
      summary: 'calls per service and action',
      run: () => sandbox.counters.snapshot(),
    },
    { method: 'DELETE', pattern: '/counters', summary: 'zero the counters', run: () => (sandbox.counters.reset(), {}) },
    { method: 'GET', pattern: '/sns/topics', summary: 'SNS topics', run: () => ({ topics: sandbox.sns.topics() }) },
    {
      method: 'GET',
      pattern: '/sns/messages',
      summary: 'messages published to SNS',
      run: () => ({ messages: sandbox.sns.messages.map(messageJson) }),
    },
    {
      method: 'DELETE',
      pattern: '/sns/messages',
      summary: 'forget published messages',
      run: () => (sandbox.sns.clearMessages(), { messages: [] }),
    },
    ...lambdaRoutes(sandbox.lambda),
    ...streamRoutes(sandbox.policyStream, sandbox.lambda),
    {
      method: 'POST',
      pattern: '/reset',
      summary:
        'back to the start: scenario reloaded, tables emptied and seeded, clock, counters, faults, latency, ' +
        'denials, messages reset (Lambda functions stay)',
      run: async () => {
        await sandbox.reset();
        return { status: 'reset', now: sandbox.clock.now().toISOString() };
      },
    },
  ];

  return async (request) => {
    const path = request.path.slice(ADMIN_PREFIX.length).replace(/\/+$/, '');
    const matches = routes
      .map((route) => ({ route, params: match(route.pattern, path) }))
      .filter((m) => m.params !== undefined);
    if (matches.length === 0)
      return json(404, { error: `no admin route ${path || '/'}; GET ${ADMIN_PREFIX} lists them` });
    const chosen = matches.find((m) => m.route.method === request.method);
    if (!chosen) {
      return json(405, {
        error: `${request.method} is not allowed on ${ADMIN_PREFIX}${path}; allowed: ${matches.map((m) => m.route.method).join(', ')}`,
      });
    }
    try {
      const body = parseBody(request);
      const result = await chosen.route.run(request, body, chosen.params ?? []);
      return json(chosen.route.status ?? 200, result);
    } catch (error) {
      if (error instanceof SandboxControlError) return json(error.status, { error: error.message });
      if (error instanceof SandboxScenarioError) return json(400, { error: error.message, issues: error.issues });
      if (error instanceof SandboxOptionError || error instanceof SandboxError)
        return json(400, { error: error.message });
      throw error;
    }
  };
}

function index(sandbox: SandboxControls, routes: readonly RouteEntry[]) {
  return {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    tables: sandbox.tables,
    topicArn: sandbox.topicArn,
    routes: routes.map((route) => `${route.method} ${ADMIN_PREFIX}${route.pattern} — ${route.summary}`),
  };
}

function changeClock(sandbox: SandboxControls, body: unknown): ClockState {
  const change = objectBody(body) as {
    set?: string | number;
    advance?: string | number;
    speed?: number;
    freeze?: boolean;
    resume?: boolean;
  };
  const known = ['set', 'advance', 'speed', 'freeze', 'resume'];
  const unknown = Object.keys(change).filter((key) => !known.includes(key));
  if (unknown.length > 0 || Object.keys(change).length === 0) {
    throw new SandboxControlError(`clock: expected one or more of ${known.join(', ')}; got ${JSON.stringify(change)}`);
  }
  if (change.set !== undefined) sandbox.clock.set(change.set);
  if (change.advance !== undefined) sandbox.clock.advance(change.advance);
  if (change.freeze) sandbox.clock.freeze();
  if (change.speed !== undefined) sandbox.clock.setSpeed(change.speed);
  if (change.resume) sandbox.clock.resume();
  return sandbox.clock.state();
}

/** A connection for JSON: times as ISO strings. */
export function connectionJson(connection: ConnectionView) {
  return {
    ...connection,
    establishedAt: connection.establishedAt.toISOString(),
    endedAt: connection.endedAt?.toISOString(),
    timestamp: connection.timestamp.toISOString(),
  };
}

function endpointJson(endpoint: EndpointView) {
  return { ...endpoint, createdAt: endpoint.createdAt.toISOString() };
}

function messageJson(message: PublishedMessage) {
  return { ...message, publishedAt: message.publishedAt.toISOString() };
}
