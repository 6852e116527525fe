/**
 * The baseline: a Client VPN clean-up script written the way the common ones are. It describes the
 * connections of each endpoint one call after the other (only the first page, as most do, or every
 * page), then calls TerminateClientVpnConnections once per matching connection, one at a time, with
 * no rate limiter, no exemptions, no observe mode and no audit trail; the SDK's default retries
 * (standard mode, 3 attempts) are all it has against throttling. A call that still fails is
 * logged and skipped, as those scripts do.
 *
 * The SDK's retry waits run on the real clock; the bench runs the simulated clock faster, so the
 * baseline gets the SDK's own standard strategy with the same backoff formula divided by the speed:
 * its retries wait as long in simulated time as they would in AWS.
 */
import {
  type ClientVpnConnection,
  DescribeClientVpnConnectionsCommand,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  TerminateClientVpnConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { Clock } from '../lambda/ports/index.js';
import type { BaselineFigures } from './protocol.js';

/** What the script is told to end. */
export interface BaselineTargets {
  /** User names of people who left: every connection of theirs goes. */
  readonly revokedUsernames: readonly string[];
  /** Sessions older than this go. */
  readonly maxSessionMinutes: number;
}

/** How the script reads connections. */
export interface BaselineOptions {
  /** `first`: one DescribeClientVpnConnections call per endpoint (no NextToken loop); `all`: every page. */
  readonly pages: 'first' | 'all';
  readonly clock: Clock;
}

/** The SDK's default maximum attempts (standard retry mode). */
const SDK_DEFAULT_MAX_ATTEMPTS = 3;
/** The SDK's cap on one backoff wait. */
const SDK_MAXIMUM_RETRY_DELAY_MS = 20_000;

/**
 * The SDK's default backoff (full jitter: random × min(base × 2^attempt, 20 s); the strategy sets
 * the base for throttling or transient errors), in real ms for a clock running `speed` times faster.
 */
export function simulatedTimeBackoff(speed: number, random: () => number = Math.random) {
  let base = 50;
  return {
    setDelayBase(delayBase: number): void {
      base = delayBase;
    },
    computeNextBackoffDelay(attempt: number): number {
      return Math.floor(random() * Math.min(base * 2 ** attempt, SDK_MAXIMUM_RETRY_DELAY_MS)) / speed;
    },
  };
}

/** An EC2 client as the script builds it: SDK defaults, the backoff on the simulated clock. */
export function baselineEc2Client(
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  speed: number,
): EC2Client {
  return new EC2Client({
    ...config,
    retryStrategy: new StandardRetryStrategy({
      maxAttempts: SDK_DEFAULT_MAX_ATTEMPTS,
      backoff: simulatedTimeBackoff(speed),
    }),
  });
}

/** Runs the script once over every endpoint. */
export async function runBaseline(
  ec2: EC2Client,
  targets: BaselineTargets,
  options: BaselineOptions,
): Promise<BaselineFigures> {
  const figures = {
    describeCalls: 0,
    connectionsRead: 0,
    candidates: 0,
    terminated: 0,
    failed: 0,
    errors: {} as Record<string, number>,
  };
  const endpoints = await ec2.send(new DescribeClientVpnEndpointsCommand({}));
  figures.describeCalls += 1;
  const listed: { endpointId: string; connections: ClientVpnConnection[] }[] = [];
  for (const endpoint of endpoints.ClientVpnEndpoints ?? []) {
    const endpointId = endpoint.ClientVpnEndpointId ?? '';
    const connections: ClientVpnConnection[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeClientVpnConnectionsCommand({ ClientVpnEndpointId: endpointId, NextToken: nextToken }),
      );
      figures.describeCalls += 1;
      connections.push(...(page.Connections ?? []));
      nextToken = options.pages === 'all' ? page.NextToken : undefined;
    } while (nextToken);
    figures.connectionsRead += connections.length;
    listed.push({ endpointId, connections });
  }
  const revoked = new Set(targets.revokedUsernames);
  for (const { endpointId, connections } of listed) {
    for (const connection of connections) {
      if (!matches(connection, revoked, targets.maxSessionMinutes, options.clock.now())) continue;
      figures.candidates += 1;
      try {
        await ec2.send(
          new TerminateClientVpnConnectionsCommand({
            ClientVpnEndpointId: endpointId,
            ConnectionId: connection.ConnectionId,
          }),
        );
        figures.terminated += 1;
      } catch (error) {
        figures.failed += 1;
        const code = error instanceof Error ? error.name : 'UnknownError';
        figures.errors[code] = (figures.errors[code] ?? 0) + 1;
      }
    }
  }
  return figures;
}

function matches(
  connection: ClientVpnConnection,
  revoked: ReadonlySet<string>,
  maxSessionMinutes: number,
  now: Date,
): boolean {
  if (connection.Status?.Code !== 'active') return false;
  if (connection.Username && revoked.has(connection.Username)) return true;
  const established = Date.parse(`${(connection.ConnectionEstablishedTime ?? '').replace(' ', 'T')}Z`);
  return Number.isFinite(established) && now.getTime() - established > maxSessionMinutes * 60_000;
}
