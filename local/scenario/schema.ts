import { z } from 'zod';
import { ConnectionStatus } from '../../lambda/domain/constants.js';
import { BUILT_IN_PROFILES, EndpointStatus } from '../ec2/model.js';
import { DURATION_HINT, TIME_HINT, parseDuration, parseTime } from '../time.js';
import { ENDPOINT_ID_PATTERN as ENDPOINT_ID } from '../../lambda/domain/constants.js';

const CONNECTION_ID = /^cvpn-connection-[0-9a-f]{8,17}$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(1[2-9]|2[0-2])$/;

/** A time as scenarios write it: relative (`"-95m"`), `"now"`, or ISO 8601 with a zone. */
const Time = z
  .string()
  .refine((value) => parseTime(value, new Date(0)) !== undefined, { message: `expected ${TIME_HINT}` });

/** A positive duration (`"1m"`, `"90s"`). */
const Duration = z.string().refine((value) => (parseDuration(value) ?? -1) > 0, {
  message: `expected a positive ${DURATION_HINT.replace(', "-9h"', '')}`,
});

/** A traffic profile: byte rates per simulated minute. */
export const TrafficProfileSchema = z.strictObject({
  description: z.string().optional(),
  ingressBytesPerMinute: z.number().nonnegative(),
  egressBytesPerMinute: z.number().nonnegative(),
  bytesPerPacket: z.number().positive().optional(),
});

/** A Client VPN endpoint. */
export const EndpointSchema = z.strictObject({
  id: z.string().regex(ENDPOINT_ID, 'expected "cvpn-endpoint-" followed by 8 to 17 lower-case hex digits'),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  transportProtocol: z.enum(['udp', 'tcp']).optional(),
  vpnPort: z.union([z.literal(443), z.literal(1194)]).optional(),
  clientCidrBlock: z.string().regex(CIDR, 'expected an IPv4 CIDR from /12 to /22, like "10.100.0.0/22"').optional(),
  status: z.enum(Object.values(EndpointStatus) as [string, ...string[]]).optional(),
  created: Time.optional(),
  authentication: z
    .array(z.enum(['certificate', 'directory', 'federated']))
    .min(1)
    .optional(),
  sessionTimeoutHours: z.union([z.literal(8), z.literal(10), z.literal(12), z.literal(24)]).optional(),
  splitTunnel: z.boolean().optional(),
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, 'expected "vpc-" followed by hex digits')
    .optional(),
  dnsServers: z.array(z.ipv4()).max(2).optional(),
});

/** One connection, or `count` alike ones established `spacing` apart. */
export const ConnectionSchema = z
  .strictObject({
    endpoint: z.string().min(1),
    id: z
      .string()
      .regex(CONNECTION_ID, 'expected "cvpn-connection-" followed by 8 to 17 lower-case hex digits')
      .optional(),
    count: z.int().min(1).max(10_000).optional(),
    spacing: Duration.optional(),
    username: z.string().min(1).optional(),
    commonName: z.string().min(1).optional(),
    clientIp: z.ipv4().optional(),
    clientIpv6Address: z.ipv6().optional(),
    established: Time.optional(),
    profile: z.string().min(1).optional(),
    ingressBytes: z.int().nonnegative().optional(),
    egressBytes: z.int().nonnegative().optional(),
    status: z.enum(Object.values(ConnectionStatus) as [string, ...string[]]).optional(),
    statusMessage: z.string().optional(),
    ended: Time.optional(),
    postureComplianceStatuses: z.array(z.string()).optional(),
    failTermination: z.boolean().optional(),
  })
  .superRefine((connection, context) => {
    if (connection.id !== undefined && (connection.count ?? 1) > 1) {
      context.addIssue({
        code: 'custom',
        path: ['id'],
        message: 'an id names one connection: remove it or remove count',
      });
    }
    if (connection.clientIp !== undefined && (connection.count ?? 1) > 1) {
      context.addIssue({
        code: 'custom',
        path: ['clientIp'],
        message: 'one clientIp cannot serve several connections: remove it or remove count',
      });
    }
    if (connection.ended !== undefined && connection.status !== ConnectionStatus.TERMINATED) {
      context.addIssue({
        code: 'custom',
        path: ['ended'],
        message: 'only a connection with status "terminated" has an end time',
      });
    }
    if (connection.username === undefined && connection.commonName === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'a connection needs a username, a commonName, or both',
      });
    }
  });

/** A policy row, seeded into the policies table as it is: only `policyId` is required, so malformed rows can be seeded on purpose. */
export const PolicyItemSchema = z.looseObject({
  policyId: z.string().min(1, 'expected a non-empty string'),
});

/** How the sandbox clock starts (the sandbox's own options win). */
export const ScenarioClockSchema = z.strictObject({
  start: Time.optional(),
  speed: z.number().positive().optional(),
  frozen: z.boolean().optional(),
});

/** A scenario file. */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like "us-east-1"')
      .optional(),
    clock: ScenarioClockSchema.optional(),
    trafficProfiles: z.record(z.string().min(1), TrafficProfileSchema).optional(),
    endpoints: z.array(EndpointSchema).min(1, 'a scenario needs at least one endpoint'),
    connections: z.array(ConnectionSchema).optional(),
    policies: z.array(PolicyItemSchema).optional(),
    topics: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected a topic name (letters, digits, - and _)'))
      .optional(),
  })
  .superRefine((scenario, context) => {
    const endpointIds = new Set<string>();
    scenario.endpoints.forEach((endpoint, index) => {
      if (endpointIds.has(endpoint.id))
        context.addIssue({ code: 'custom', path: ['endpoints', index, 'id'], message: 'two endpoints have this id' });
      endpointIds.add(endpoint.id);
    });
    const profiles = new Set([...Object.keys(BUILT_IN_PROFILES), ...Object.keys(scenario.trafficProfiles ?? {})]);
    const connectionIds = new Set<string>();
    (scenario.connections ?? []).forEach((connection, index) => {
      if (!endpointIds.has(connection.endpoint)) {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'endpoint'],
          message: `no endpoint has this id; endpoints: ${[...endpointIds].join(', ')}`,
        });
      }
      if (connection.profile !== undefined && !profiles.has(connection.profile)) {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'profile'],
          message: `no traffic profile has this name; profiles: ${[...profiles].join(', ')}`,
        });
      }
      if (connection.id !== undefined) {
        if (connectionIds.has(connection.id))
          context.addIssue({
            code: 'custom',
            path: ['connections', index, 'id'],
            message: 'two connections have this id',
          });
        connectionIds.add(connection.id);
      }
    });
    const policyIds = new Set<string>();
    (scenario.policies ?? []).forEach((policy, index) => {
      if (policyIds.has(policy.policyId)) {
        context.addIssue({
          code: 'custom',
          path: ['policies', index, 'policyId'],
          message: 'two policy rows have this policyId (the second would overwrite the first)',
        });
      }
      policyIds.add(policy.policyId);
    });
  });

/** A validated scenario. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A validated scenario connection. */
export type ScenarioConnection = z.infer<typeof ConnectionSchema>;
/** A validated scenario endpoint. */
export type ScenarioEndpoint = z.infer<typeof EndpointSchema>;
