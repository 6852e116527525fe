/** Scenario endpoints, connections and traffic profiles: what one account's Region holds. */
import { z } from 'zod';
import { ConnectionStatus } from '../../lambda/domain/constants.js';
import { EndpointStatus } from '../ec2/model.js';
import { DURATION_HINT, TIME_HINT, parseDuration, parseTime } from '../time.js';
import { ENDPOINT_ID_PATTERN as ENDPOINT_ID } from '../../lambda/domain/constants.js';

const CONNECTION_ID = /^cvpn-connection-[0-9a-f]{8,17}$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(1[2-9]|2[0-2])$/;

/** A time as scenarios write it: relative (`"-95m"`), `"now"`, or ISO 8601 with a zone. */
export const Time = z
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
