import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { POLICIES_TABLE, TABLES } from '../../../lambda/tables.js';
import { SimulatedClock } from '../../../local/clock.js';
import { DynamoDbBackend, DynamoDbHandler } from '../../../local/dynamodb/dynamodb-service.js';
import { StreamCapture } from '../../../local/dynamodb/stream-capture.js';
import { TableStream } from '../../../local/dynamodb/table-stream.js';
import type { Caller } from '../../../local/edge/types.js';

/** The sandbox's own account (no caller on the request). */
export const DEFAULT_ACCOUNT = '000000000000';
export const HUB = '111111111111';
export const SPOKE = '222222222222';
export const OUTSIDER = '333333333333';
export const ORG = 'o-aaaa1111';
export const REGION = 'us-east-1';

/** A spoke's enforcer session (in the org), and the same role name in an account outside it. */
export const CALLERS: Readonly<Record<string, Caller>> = {
  hub: { accountId: HUB, region: REGION, orgId: ORG, principalArn: `arn:aws:iam::${HUB}:user/admin` },
  spoke: role(SPOKE, ORG, 'guard-enforcer-us-east-1'),
  gate: role(SPOKE, ORG, 'guard-gate-us-east-1'),
  outsider: role(OUTSIDER, 'o-zzzz9999', 'guard-enforcer-us-east-1'),
};

function role(accountId: string, orgId: string, name: string): Caller {
  return {
    accountId,
    region: REGION,
    orgId,
    roleArn: `arn:aws:iam::${accountId}:role/${name}`,
    principalArn: `arn:aws:sts::${accountId}:assumed-role/${name}/run-1`,
  };
}

/** The hub's ARN for one of the product's tables. */
export function hubArn(name: string, region = REGION): string {
  return `arn:aws:dynamodb:${region}:${HUB}:table/${name}`;
}

/**
 * A DynamoDbHandler (with the hub's policies-table stream) behind a tiny HTTP server that sets `request.caller` from
 * the access key id the SDK signs with (`hub`, `spoke`, …; `test` sends none) and the Region of its scope, as the
 * edge does; SDK clients per caller.
 */
export class PlacedDynamoDb {
  private constructor(
    public readonly backend: DynamoDbBackend,
    public readonly hubStream: TableStream,
    private readonly server: Server,
    private readonly clients: DynamoDBClient[] = [],
  ) {}

  public static async start(): Promise<PlacedDynamoDb> {
    const backend = await DynamoDbBackend.start({ region: REGION });
    await backend.createTables({ accountId: HUB, region: REGION });
    await backend.createTables({ accountId: SPOKE, region: REGION });
    const clock = new SimulatedClock({ start: new Date('2026-11-26T10:00:00Z') });
    const hubStream = new TableStream({ clock, region: REGION, accountId: HUB, tableName: POLICIES_TABLE.sandboxName });
    const keyNames = [POLICIES_TABLE.partitionKey.name];
    const handler = new DynamoDbHandler(backend, new StreamCapture(backend, [{ stream: hubStream, keyNames }]));
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(incoming.headers.authorization ?? ''));
        const known = CALLERS[scope?.[1] ?? ''];
        const caller = known ? { ...known, region: scope?.[2] ?? REGION } : undefined;
        const request = {
          method: incoming.method ?? 'POST',
          path: incoming.url ?? '/',
          query: new URLSearchParams(),
          headers: incoming.headers,
          body: Buffer.concat(chunks),
          requestId: 'req-1',
          ...(caller ? { caller } : {}),
        };
        handler.handle(request, handler.actionOf(request)).then(
          (response) => {
            outgoing.writeHead(response.status, response.headers);
            outgoing.end(response.body);
          },
          (error: unknown) => {
            outgoing.writeHead(500);
            outgoing.end(String(error));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new PlacedDynamoDb(backend, hubStream, server);
  }

  /** A client signing as `who` (a key of CALLERS, or `test` for none) in `region`. */
  public client(who: string, region = REGION): DynamoDBClient {
    const client = new DynamoDBClient({
      region,
      endpoint: `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: who, secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    this.clients.push(client);
    return client;
  }

  public documents(who: string, region = REGION): DynamoDBDocumentClient {
    return DynamoDBDocumentClient.from(this.client(who, region));
  }

  /** Empties every table of every placement; removes every policy. */
  public async reset(): Promise<void> {
    await this.backend.recreateTables();
    for (const table of TABLES) this.backend.policies.delete(hubArn(table.sandboxName));
  }

  public async stop(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.backend.stop();
  }
}

/** A policy allowing the org's enforcer roles `actions` on a hub table (and its indexes), plus `statements`. */
export function orgPolicy(table: string, actions: readonly string[], ...statements: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Spokes',
        Effect: 'Allow',
        Principal: '*',
        Action: actions,
        Resource: [hubArn(table), `${hubArn(table)}/index/*`],
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': ORG },
          ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/guard-enforcer-*' },
        },
      },
      ...statements,
    ],
  });
}
