import { type DynamoDBDocumentClient, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, ConnectionFact, ConnectionFacts, ConnectionFactsByEndpoint } from '../ports/index.js';
import { CONNECTION_FACTS_KEY_PREFIX } from '../tables.js';

/** Client VPN ends every session after at most 24 hours (`SessionTimeoutHours` is 8, 10, 12 or 24). */
const LONGEST_SESSION_SECONDS = 24 * 3600;
/**
 * Kept an hour past the longest session, so the last run that can still see the connection listed active
 * (runs are minutes apart, and clocks differ by seconds) still finds its facts.
 */
const FACT_MARGIN_SECONDS = 3600;
/** How long a fact is kept after the gate admitted its connection. */
export const FACT_RETENTION_SECONDS = LONGEST_SESSION_SECONDS + FACT_MARGIN_SECONDS;

/** Partition of the connection facts of one endpoint in the state table. */
export function factsPk(endpointId: string): string {
  return `${CONNECTION_FACTS_KEY_PREFIX}${endpointId}`;
}

/**
 * Connection facts in the state table: one item per admitted connection (`pk` = `CONN#<endpointId>`, `sk` =
 * connection id), expired by `ttl`. A run reads an endpoint's facts with one paginated Query on its
 * partition rather than a BatchGet of the listed ids: one request per endpoint (per MB) instead of one per
 * 100 connections, and no unprocessed keys to retry; the price is reading the facts of connections that
 * ended within the last day, which the gate wrote anyway.
 */
export class DynamoConnectionFacts implements ConnectionFacts {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  public async put(fact: ConnectionFact): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: factsPk(fact.endpointId),
          sk: fact.connectionId,
          username: fact.username,
          commonName: fact.commonName,
          groups: fact.groups === undefined ? undefined : [...fact.groups],
          platform: fact.platform,
          platformVersion: fact.platformVersion,
          publicIp: fact.publicIp,
          clientOpenVpnVersion: fact.clientOpenVpnVersion,
          admittedAt: fact.admittedAt.toISOString(),
          ttl: Math.floor(fact.admittedAt.getTime() / 1000) + FACT_RETENTION_SECONDS,
        },
      }),
    );
  }

  public async load(endpointIds: readonly string[]): Promise<ConnectionFactsByEndpoint> {
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const byEndpoint = new Map<string, Map<string, ConnectionFact>>();
    for (const endpointId of endpointIds) {
      const facts = new Map<string, ConnectionFact>();
      const pages = paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': factsPk(endpointId) },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          // Expired items may linger until DynamoDB removes them; an unreadable one is as good as none.
          if (typeof item.ttl === 'number' && item.ttl < nowSeconds) continue;
          const fact = itemToFact(endpointId, item);
          if (fact) facts.set(fact.connectionId, fact);
        }
      }
      byEndpoint.set(endpointId, facts);
    }
    return byEndpoint;
  }
}

function itemToFact(endpointId: string, item: Record<string, unknown>): ConnectionFact | undefined {
  const admittedAt = new Date(String(item.admittedAt));
  if (typeof item.sk !== 'string' || Number.isNaN(admittedAt.getTime())) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const groups = item.groups instanceof Set ? [...(item.groups as Set<unknown>)] : item.groups;
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((group) => typeof group === 'string')))
    return undefined;
  return {
    endpointId,
    connectionId: item.sk,
    username: text(item.username),
    commonName: text(item.commonName),
    groups: groups as string[] | undefined,
    platform: text(item.platform),
    platformVersion: text(item.platformVersion),
    publicIp: text(item.publicIp),
    clientOpenVpnVersion: text(item.clientOpenVpnVersion),
    admittedAt,
  };
}
