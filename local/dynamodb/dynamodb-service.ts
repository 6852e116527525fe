import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { type Server, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
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
import { SANDBOX_CREDENTIALS } from '../constants.js';
import { type ServiceHandler, type ServiceRequest, type ServiceResponse, NO_ACTION } from '../edge/types.js';
import { SandboxError } from '../errors.js';
import { Service } from '../services.js';
import { type ItemJson, itemJson } from './attribute-json.js';
import type { ItemReader, StreamCapture } from './stream-capture.js';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Marks a data dir as taken: LevelDB allows one process at a time, and dynalite crashes rather than say so. */
const LOCK_FILE = 'cvpn-guard-sandbox.lock';
/** Data dirs taken by sandboxes of this process. */
const claimedDirs = new Set<string>();
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** A running dynalite server on its own loopback port, with the product's tables. */
export class DynamoDbBackend implements ItemReader {
  private constructor(
    private readonly server: Server,
    /** dynalite's own port (the edge forwards to it). */
    public readonly port: number,
    private readonly client: DynamoDBClient,
    private readonly agent: Agent,
    private readonly claimedDir: string | undefined,
  ) {}

  /** Starts dynalite (in memory, or in `dataDir` on disk) and creates every missing table. */
  public static async start(options: { dataDir?: string; region: string }): Promise<DynamoDbBackend> {
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
    const backend = new DynamoDbBackend(server, port, client, new Agent({ keepAlive: true }), claimedDir);
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

  /** Creates every table of lambda/tables.ts that does not exist yet, with its indexes. */
  public async createTables(): Promise<void> {
    const existing = new Set((await this.client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const table of TABLES) {
      if (existing.has(table.sandboxName)) continue;
      await this.client.send(new CreateTableCommand(createTableInput(table)));
      await waitUntilTableExists(
        { client: this.client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
        { TableName: table.sandboxName },
      );
    }
  }

  /** Deletes and creates every table again: no item left. */
  public async recreateTables(): Promise<void> {
    const existing = new Set((await this.client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const table of TABLES) {
      if (!existing.has(table.sandboxName)) continue;
      await this.client.send(new DeleteTableCommand({ TableName: table.sandboxName }));
      await waitUntilTableNotExists(
        { client: this.client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 },
        { TableName: table.sandboxName },
      );
    }
    await this.createTables();
  }

  /** Writes raw items into a table, as they are (no validation: a scenario may seed malformed rows on purpose). */
  public async putItems(tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
    for (const item of items) {
      await this.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
        }),
      );
    }
  }

  /** One item as dynalite holds it now (a consistent read), in the JSON protocol's form; undefined when absent. */
  public async getItem(tableName: string, key: ItemJson): Promise<ItemJson | undefined> {
    const answer = await this.client.send(
      new GetItemCommand({ TableName: tableName, Key: sdkKey(key), ConsistentRead: true }),
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

/** Takes a data dir for this sandbox, or says who holds it. A lock left by a process that died is taken over. */
function claimDataDir(dataDir: string): string {
  const dir = resolvePath(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const holder = readHolder(lock);
  if (claimedDirs.has(dir) || (holder !== undefined && holder !== process.pid && isAlive(holder))) {
    const who = claimedDirs.has(dir) ? 'another sandbox in this process' : `another sandbox (process ${holder})`;
    throw new SandboxError(`data dir ${dataDir} is in use by ${who}; stop it, or choose another data dir`);
  }
  writeFileSync(lock, String(process.pid));
  claimedDirs.add(dir);
  return dir;
}

function releaseDataDir(dir: string): void {
  claimedDirs.delete(dir);
  try {
    unlinkSync(join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}

function readHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * DynamoDB behind the edge: requests go to dynalite unchanged; faults answer as DynamoDB does. Writes to a table with
 * a stream go through `capture`, which records what they changed.
 */
export class DynamoDbHandler implements ServiceHandler {
  public readonly service = Service.DYNAMODB;

  constructor(
    private readonly backend: DynamoDbBackend,
    private readonly capture?: StreamCapture,
  ) {}

  public actionOf(request: ServiceRequest): string {
    const target = String(request.headers['x-amz-target'] ?? '');
    return target.includes('.') ? (target.split('.')[1] ?? NO_ACTION) : NO_ACTION;
  }

  public handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    const forward = () => this.backend.forward(request);
    return this.capture ? this.capture.handle(request, action, forward) : forward();
  }

  public faultResponse(_request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    return kind === 'error'
      ? jsonError(500, 'InternalServerError', 'Internal server error')
      : jsonError(
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
        );
  }
}

function jsonError(status: number, code: string, message: string): ServiceResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: JSON.stringify({ __type: `${ERROR_PREFIX}${code}`, message }),
    errorCode: code,
  };
}

function errorCodeOf(body: Buffer): string | undefined {
  try {
    const type = (JSON.parse(body.toString('utf8')) as { __type?: unknown }).__type;
    return typeof type === 'string' ? type.split('#').pop() : undefined;
  } catch {
    return undefined;
  }
}

/** CreateTable input for one table definition: keys, indexes (projection ALL), on demand. */
export function createTableInput(table: TableDefinition) {
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
    TableName: table.sandboxName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema,
    AttributeDefinitions: [...attributes.values()],
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  };
}
