import { type Server, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ListTablesCommand,
  PutItemCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import dynalite from 'dynalite';
import { TABLES, type TableDefinition } from '../../lambda/tables.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_CREDENTIALS } from '../constants.js';
import type { Caller, ServiceRequest, ServiceResponse } from '../edge/types.js';
import { SandboxError } from '../errors.js';
import type { TableKeys } from './access-checks.js';
import { type ItemJson, itemJson } from './attribute-json.js';
import { claimDataDir, releaseDataDir } from './data-dir.js';
import { installWholeKeyIndexEntries } from './dynalite-index-keys.js';
import { errorCodeOf } from './json-errors.js';
import { ResourcePolicies } from './resource-policies.js';
import type { ItemReader } from './stream-capture.js';
import { type TablePlacement, TableNames } from './table-names.js';

export { DynamoDbHandler } from './dynamodb-handler.js';
export type { TablePlacement } from './table-names.js';

/**
 * A running dynalite server on its own loopback port, with the product's tables in each placement (account and
 * Region) that asked for them, and the tables' resource-based policies.
 */
export class DynamoDbBackend implements ItemReader {
  /** Where each placement's tables live in dynalite. */
  public readonly names: TableNames;
  /** The tables' resource-based policies, by table ARN. */
  public readonly policies = new ResourcePolicies();
  /** Placements whose product tables were created (`<account>/<region>`), the default first. */
  private readonly placements = new Map<string, TablePlacement>();
  /** Key attributes by dynalite table name; dropped when a table is created or deleted. */
  private readonly keys = new Map<string, TableKeys | undefined>();

  private constructor(
    private readonly server: Server,
    /** dynalite's own port (the edge forwards to it). */
    public readonly port: number,
    private readonly client: DynamoDBClient,
    private readonly agent: Agent,
    private readonly claimedDir: string | undefined,
    /** The sandbox's own account and Region: a request without a caller acts there. */
    public readonly defaultPlacement: TablePlacement,
  ) {
    this.names = new TableNames(defaultPlacement);
  }

  /**
   * Starts dynalite (in memory, or in `dataDir` on disk) and creates every missing table of the default placement.
   * @param options.accountId the sandbox's own account @default SANDBOX_ACCOUNT_ID
   */
  public static async start(options: {
    dataDir?: string;
    region: string;
    accountId?: string;
  }): Promise<DynamoDbBackend> {
    installWholeKeyIndexEntries();
    const claimedDir = options.dataDir ? claimDataDir(options.dataDir) : undefined;
    const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if (claimedDir) releaseDataDir(claimedDir);
      throw new SandboxError(
        `dynalite could not start${options.dataDir ? ` on ${options.dataDir}` : ''}: ${String(error)}`,
        { cause: error },
      );
    }
    const port = (server.address() as AddressInfo).port;
    const client = new DynamoDBClient({
      region: options.region,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: SANDBOX_CREDENTIALS,
      maxAttempts: 1,
    });
    const placement = { accountId: options.accountId ?? SANDBOX_ACCOUNT_ID, region: options.region };
    const backend = new DynamoDbBackend(server, port, client, new Agent({ keepAlive: true }), claimedDir, placement);
    try {
      await backend.createTables();
    } catch (error) {
      await backend.stop();
      throw new SandboxError(
        `dynalite could not create the tables${options.dataDir ? ` in ${options.dataDir} (is another sandbox using it?)` : ''}: ${String(error)}`,
        { cause: error },
      );
    }
    return backend;
  }

  /** The caller a request without one is taken to be: the sandbox's own user, in its own account and Region. */
  public get defaultCaller(): Caller {
    const { accountId, region } = this.defaultPlacement;
    return { accountId, region, principalArn: `arn:aws:iam::${accountId}:user/sandbox` };
  }

  /**
   * Creates every table of lambda/tables.ts that does not exist yet in `placement`, with its indexes.
   * @param placement @default the sandbox's own account and Region
   */
  public async createTables(placement: TablePlacement = this.defaultPlacement): Promise<void> {
    this.placements.set(`${placement.accountId}/${placement.region}`, placement);
    const existing = new Set((await this.client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const table of TABLES) {
      const name = this.names.internal(placement, table.sandboxName);
      if (existing.has(name)) continue;
      this.keys.delete(name);
      await this.client.send(new CreateTableCommand(createTableInput(table, name)));
      await waitUntilTableExists(
        { client: this.client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
        { TableName: name },
      );
    }
  }

  /** Deletes and creates every table of every placement again: no item left (the resource-based policies stay). */
  public async recreateTables(): Promise<void> {
    const existing = new Set((await this.client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const placement of this.placements.values()) {
      for (const table of TABLES) {
        const name = this.names.internal(placement, table.sandboxName);
        if (!existing.has(name)) continue;
        this.keys.delete(name);
        await this.client.send(new DeleteTableCommand({ TableName: name }));
        await waitUntilTableNotExists(
          { client: this.client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
          { TableName: name },
        );
      }
    }
    for (const placement of this.placements.values()) await this.createTables(placement);
  }

  /** The name dynalite holds a placement's table under. */
  public internalTableName(placement: TablePlacement, name: string): string {
    return this.names.internal(placement, name);
  }

  /** The key attributes of a dynalite table; undefined when it does not exist. */
  public async tableKeys(internalName: string): Promise<TableKeys | undefined> {
    if (this.keys.has(internalName)) return this.keys.get(internalName);
    let keys: TableKeys | undefined;
    try {
      const table = (await this.client.send(new DescribeTableCommand({ TableName: internalName }))).Table;
      const partition = (schema: KeySchemaElement[] | undefined) =>
        schema?.find((key) => key.KeyType === 'HASH')?.AttributeName ?? '';
      keys = { partitionKey: partition(table?.KeySchema) };
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    this.keys.set(internalName, keys);
    return keys;
  }

  /** Forgets what it knows of a table's keys (it was created, changed or deleted through the edge). */
  public forgetTable(internalName: string): void {
    this.keys.delete(internalName);
  }

  /**
   * Writes raw items into a table, as they are (no validation: a scenario may seed malformed rows on purpose).
   * @param placement whose table @default the sandbox's own account and Region
   */
  public async putItems(
    tableName: string,
    items: readonly Record<string, unknown>[],
    placement: TablePlacement = this.defaultPlacement,
  ): Promise<void> {
    for (const item of items) {
      await this.client.send(
        new PutItemCommand({
          TableName: this.names.internal(placement, tableName),
          Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
        }),
      );
    }
  }

  /**
   * One item as dynalite holds it now (a consistent read), in the JSON protocol's form; undefined when absent.
   * @param placement whose table @default the sandbox's own account and Region (whose tables keep their own names)
   */
  public async getItem(
    tableName: string,
    key: ItemJson,
    placement: TablePlacement = this.defaultPlacement,
  ): Promise<ItemJson | undefined> {
    const answer = await this.client.send(
      new GetItemCommand({
        TableName: this.names.internal(placement, tableName),
        Key: sdkKey(key),
        ConsistentRead: true,
      }),
    );
    return answer.Item ? itemJson(answer.Item) : undefined;
  }

  /** Forwards one request to dynalite and returns its answer. */
  public forward(request: ServiceRequest): Promise<ServiceResponse> {
    return new Promise((resolve, reject) => {
      const headers = {
        ...request.headers,
        host: `127.0.0.1:${this.port}`,
        'content-length': String(request.body.length),
      };
      delete headers['transfer-encoding'];
      const upstream = httpRequest(
        { host: '127.0.0.1', port: this.port, method: request.method, path: request.path, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            const status = response.statusCode ?? 500;
            const passed: Record<string, string> = {};
            for (const name of ['content-type', 'x-amz-crc32']) {
              const value = response.headers[name];
              if (typeof value === 'string') passed[name] = value;
            }
            resolve({ status, headers: passed, body, errorCode: status >= 400 ? errorCodeOf(body) : undefined });
          });
        },
      );
      upstream.on('error', reject);
      upstream.end(request.body);
    });
  }

  /** Stops dynalite and closes its store (on disk: releases the directory). */
  public async stop(): Promise<void> {
    this.client.destroy();
    this.agent.destroy();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.claimedDir) releaseDataDir(this.claimedDir);
  }
}

/** A key for the SDK: a binary key attribute as bytes (the JSON protocol writes it in base64). */
function sdkKey(key: ItemJson): NonNullable<ConstructorParameters<typeof GetItemCommand>[0]['Key']> {
  return Object.fromEntries(
    Object.entries(key).map(([name, value]) => [
      name,
      value.B !== undefined ? { B: Buffer.from(value.B, 'base64') } : (value as { S: string } | { N: string }),
    ]),
  );
}

/** CreateTable input for one table definition (under `name`): keys, indexes (projection ALL), on demand. */
export function createTableInput(table: TableDefinition, name = table.sandboxName) {
  const attributes = new Map<string, AttributeDefinition>();
  const keySchema = (
    partition: TableDefinition['partitionKey'],
    sort?: TableDefinition['sortKey'],
  ): KeySchemaElement[] => {
    const keys: KeySchemaElement[] = [{ AttributeName: partition.name, KeyType: 'HASH' }];
    attributes.set(partition.name, { AttributeName: partition.name, AttributeType: partition.type });
    if (sort) {
      keys.push({ AttributeName: sort.name, KeyType: 'RANGE' });
      attributes.set(sort.name, { AttributeName: sort.name, AttributeType: sort.type });
    }
    return keys;
  };
  const KeySchema = keySchema(table.partitionKey, table.sortKey);
  const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = table.indexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' },
  }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema,
    AttributeDefinitions: [...attributes.values()],
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  };
}
