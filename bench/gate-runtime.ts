/**
 * The client connect handler's runtime for the bench, built in this one place: the gate's own adapters over SDK
 * clients pointed at the sandbox, and the sandbox's simulated clock, so its deadline and policy cache follow the
 * storm's time.
 */
import { createAwsClients } from '../lambda/clients.js';
import { type GateConfig, loadGateConfig } from '../lambda/config.js';
import { createGateRuntime, type GateRuntime } from '../lambda/gate-handler.js';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import type { Sandbox } from '../local/index.js';

/** The gate's configuration against `sandbox`: the sandbox's environment and the stack's defaults. */
export function benchGateConfig(sandbox: Sandbox): GateConfig {
  return loadGateConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) });
}

/** The gate's runtime against `sandbox`. */
export function benchGateRuntime(sandbox: Sandbox): GateRuntime {
  const config = benchGateConfig(sandbox);
  return createGateRuntime(config, createAwsClients(sandbox.clientConfig()), sandbox.clock);
}
