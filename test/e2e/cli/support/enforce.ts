import { createAwsClients } from '../../../../lambda/clients.js';
import { loadEnforcerConfig } from '../../../../lambda/config.js';
import { runEnforcement } from '../../../../lambda/enforce.js';
import { resourceEnvironment } from '../../../../lambda/resource-environment.js';
import { enforcementOptions } from '../../../../lambda/run/enforcement-options.js';
import type { RunReport } from '../../../../lambda/run/RunReport.js';
import { createRuntime } from '../../../../lambda/runtime.js';
import type { Sandbox } from '../../../../local/index.js';

/**
 * One real enforcement run against the sandbox, wired as the handler wires it (configuration from the
 * enforcer's environment, the AWS adapters, the sandbox's clock), with its options from that configuration.
 */
export async function enforceOnce(sandbox: Sandbox, runId: string): Promise<RunReport> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const config = loadEnforcerConfig({ ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) });
  const clients = createAwsClients(sandbox.clientConfig());
  const { ports } = createRuntime(config, clients, sandbox.clock);
  try {
    return await runEnforcement(ports, enforcementOptions(config, { runId, remainingTimeMs: () => 300_000 }));
  } finally {
    clients.ec2.destroy();
    clients.ec2Terminate.destroy();
    clients.dynamodb.destroy();
    clients.sns.destroy();
  }
}
