import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ConnectionStatus } from '../../lambda/domain/constants.js';
import type { ClientVpnEmulator } from '../ec2/client-vpn-emulator.js';
import { AuthenticationType, type ConnectionSpec, type EndpointSpec, type EndpointStatus } from '../ec2/model.js';
import { SandboxScenarioError, type ScenarioIssue } from '../errors.js';
import { parseDuration, parseTime } from '../time.js';
import {
  ConnectionSchema,
  type Scenario,
  type ScenarioConnection,
  type ScenarioEndpoint,
  ScenarioSchema,
} from './schema.js';

const AUTHENTICATION = {
  certificate: AuthenticationType.CERTIFICATE,
  directory: AuthenticationType.DIRECTORY,
  federated: AuthenticationType.FEDERATED,
} as const;

/** A scenario from a file path or an already parsed object; throws SandboxScenarioError naming every problem. */
export function loadScenario(source: string | unknown): Scenario {
  return typeof source === 'string' ? readScenarioFile(source) : parseScenario(source, '(inline scenario)');
}

/** Reads and validates a JSON scenario file. */
export function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new SandboxScenarioError(
      path,
      [
        {
          path: '(file)',
          message: `cannot be read: ${reason}; pass the path of a JSON scenario such as examples/demo.json`,
        },
      ],
      { cause: error },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SandboxScenarioError(
      path,
      [{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }],
      { cause: error },
    );
  }
  return parseScenario(document, path);
}

/** Validates a scenario object. */
export function parseScenario(document: unknown, source: string): Scenario {
  const result = ScenarioSchema.safeParse(document);
  if (!result.success) throw new SandboxScenarioError(source, toIssues(result.error, document));
  return result.data;
}

/** Validates one connection as scenarios write it (the admin API adds connections this way). */
export function parseConnection(document: unknown, source: string): ScenarioConnection {
  const result = ConnectionSchema.safeParse(document);
  if (!result.success) throw new SandboxScenarioError(source, toIssues(result.error, document));
  return result.data;
}

/** Loads a scenario into the emulator: profiles, endpoints, connections (relative times from `now`). */
export function applyScenario(scenario: Scenario, emulator: ClientVpnEmulator, now: Date): void {
  for (const [name, profile] of Object.entries(scenario.trafficProfiles ?? {})) {
    emulator.defineProfile(name, {
      ingressBytesPerMinute: profile.ingressBytesPerMinute,
      egressBytesPerMinute: profile.egressBytesPerMinute,
      bytesPerPacket: profile.bytesPerPacket,
    });
  }
  for (const endpoint of scenario.endpoints) emulator.addEndpoint(toEndpointSpec(endpoint, now));
  for (const connection of scenario.connections ?? []) {
    for (const spec of toConnectionSpecs(connection, now)) emulator.addConnection(spec);
  }
}

/** One scenario endpoint as the emulator takes it. */
export function toEndpointSpec(endpoint: ScenarioEndpoint, now: Date): EndpointSpec {
  return {
    id: endpoint.id,
    description: endpoint.description,
    tags: endpoint.tags,
    transportProtocol: endpoint.transportProtocol,
    vpnPort: endpoint.vpnPort,
    clientCidrBlock: endpoint.clientCidrBlock,
    status: endpoint.status as EndpointStatus | undefined,
    createdAt: endpoint.created ? parseTime(endpoint.created, now) : undefined,
    authentication: endpoint.authentication?.map((kind) => AUTHENTICATION[kind]),
    sessionTimeoutHours: endpoint.sessionTimeoutHours,
    splitTunnel: endpoint.splitTunnel,
    vpcId: endpoint.vpcId,
    dnsServers: endpoint.dnsServers,
  };
}

/** One scenario connection entry as the emulator takes it: `count` entries, each `spacing` (default 1m) younger. */
export function toConnectionSpecs(connection: ScenarioConnection, now: Date): ConnectionSpec[] {
  const established = parseTime(connection.established ?? 'now', now) ?? now;
  const spacing = parseDuration(connection.spacing ?? '1m') ?? 60_000;
  const count = connection.count ?? 1;
  return Array.from({ length: count }, (_, index) => ({
    endpointId: connection.endpoint,
    connectionId: connection.id,
    username: connection.username,
    commonName: connection.commonName,
    clientIp: connection.clientIp,
    clientIpv6Address: connection.clientIpv6Address,
    establishedAt: new Date(established.getTime() + index * spacing),
    profile: connection.profile,
    ingressBytes: connection.ingressBytes,
    egressBytes: connection.egressBytes,
    status: connection.status as ConnectionStatus | undefined,
    statusMessage: connection.statusMessage,
    endedAt: connection.ended ? parseTime(connection.ended, now) : undefined,
    postureComplianceStatuses: connection.postureComplianceStatuses,
    failTermination: connection.failTermination,
  }));
}

function toIssues(error: z.ZodError, document: unknown): ScenarioIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return { path, message: `unknown field ${keys}; check its spelling against local/README.md` };
    }
    const found = valueAt(document, issue.path);
    return found.exists
      ? { path, value: found.value, message: issue.message }
      : { path, message: issue.message.replace(/, received undefined$/, ', but it is missing') };
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(scenario)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

function valueAt(document: unknown, path: readonly PropertyKey[]): { exists: boolean; value?: unknown } {
  let current: unknown = document;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || !(part in current)) return { exists: false };
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return { exists: true, value: current };
}
