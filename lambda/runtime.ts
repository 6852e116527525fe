import { createAwsClients, type AwsClients } from './clients.js';
import type { EnforcerConfig } from './config.js';
import type { EnforcementPorts } from './enforce.js';
import { DynamoAuditLog } from './adapters/DynamoAuditLog.js';
import { DynamoChangeSignal } from './adapters/DynamoChangeSignal.js';
import { DynamoConnectionFacts } from './adapters/DynamoConnectionFacts.js';
import { DynamoIdleStateStore } from './adapters/DynamoIdleStateStore.js';
import { DynamoPolicyRepository } from './adapters/DynamoPolicyRepository.js';
import { DynamoRunLease } from './adapters/DynamoRunLease.js';
import { Ec2ClientVpnGateway } from './adapters/Ec2ClientVpnGateway.js';
import { LambdaConnectHandlerProbe } from './adapters/LambdaConnectHandlerProbe.js';
import { LambdaContinuationStarter } from './adapters/LambdaContinuationStarter.js';
import { SnsNotifier } from './adapters/SnsNotifier.js';
import { SystemClock } from './adapters/SystemClock.js';
import type { Clock } from './ports/index.js';

/** Everything a run needs, built once per container. */
export interface EnforcerRuntime {
  readonly config: EnforcerConfig;
  readonly ports: Omit<EnforcementPorts, 'logger'>;
}

/** Wires the AWS adapters to the ports. */
export function createRuntime(
  config: EnforcerConfig,
  clients: AwsClients = createAwsClients(),
  clock: Clock = new SystemClock(),
): EnforcerRuntime {
  return {
    config,
    ports: {
      gateway: new Ec2ClientVpnGateway(clients.ec2, () => clock.now(), clients.ec2Terminate),
      policies: new DynamoPolicyRepository(clients.dynamodb, config.policiesTable),
      audit: new DynamoAuditLog(clients.documents, config.auditTable, config.auditRetentionDays),
      idleState: new DynamoIdleStateStore(clients.documents, config.stateTable, clock, config.stateRetentionDays),
      facts: new DynamoConnectionFacts(clients.documents, config.stateTable, clock),
      lease: new DynamoRunLease(clients.documents, config.stateTable),
      changes: new DynamoChangeSignal(clients.documents, config.stateTable),
      continuations: new LambdaContinuationStarter(clients.lambda),
      notifier: config.topicArn ? new SnsNotifier(clients.sns, config.topicArn) : undefined,
      connectHandlerProbe: config.connectHandlerFunction ? new LambdaConnectHandlerProbe(clients.lambda) : undefined,
      clock,
    },
  };
}
