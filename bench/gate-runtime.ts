/**
 * The client connect handler's runtime for the bench, built in this one place: the gate's own adapters over SDK
 * clients pointed at the sandbox, and the sandbox's simulated clock, so its deadline and policy cache follow the
 * storm's time.
 */
import { DynamoAuditLog } from '../lambda/adapters/DynamoAuditLog.js';
import { DynamoPolicyRepository } from '../lambda/adapters/DynamoPolicyRepository.js';
import { createAwsClients } from '../lambda/clients.js';
import { type GateConfig, loadGateConfig } from '../lambda/config.js';
import type { GateRuntime } from '../lambda/gate-handler.js';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import type { Sandbox } from '../local/index.js';

/** The gate's configuration against `sandbox`: the sandbox's environment and the stack's defaults. */
export function benchGateConfig(sandbox: Sandbox): GateConfig {
  return loadGateConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) });
}

/** The gate's runtime against `sandbox`. */
export function benchGateRuntime(sandbox: Sandbox): GateRuntime {
  const config = benchGateConfig(sandbox);
  const clients = createAwsClients(sandbox.clientConfig());
  return {
    config,
    policies: new DynamoPolicyRepository(clients.dynamodb, config.policiesTable),
    audit: new DynamoAuditLog(clients.documents, config.auditTable, config.auditRetentionDays),
    clock: sandbox.clock,
  };
}
