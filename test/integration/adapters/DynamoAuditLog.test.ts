import { afterAll, beforeAll } from '@jest/globals';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { describeAuditLogContract } from '../../support/audit-log-contract.js';

let sandbox: Sandbox;
let clients: AwsClients;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
  clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

// The contract the unit tests' MemoryAuditLog keeps too (test/unit/support/), on the sandbox's DynamoDB.
describeAuditLogContract('DynamoAuditLog', async () => {
  await sandbox.reset();
  return new DynamoAuditLog(clients.documents, sandbox.tables.audit, 30);
});
