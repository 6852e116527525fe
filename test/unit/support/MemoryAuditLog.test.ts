import { describeAuditLogContract } from '../../support/audit-log-contract.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';

// The unit tests' audit log keeps the DynamoDB one's rules (test/integration/adapters/DynamoAuditLog.test.ts).
describeAuditLogContract('MemoryAuditLog', async () => new MemoryAuditLog());
