import { createAwsClients, type AwsClients } from './clients.js';
import type { EnforcerConfig } from './config.js';
import type { EnforcementPorts } from './enforce.js';
import { DynamoAuditLog } from './adapters/DynamoAuditLog.js';
import { DynamoChangeSignal } from './adapters/DynamoChangeSignal.js';
import { DynamoConnectionFacts } from './adapters/DynamoConnectionFacts.js';
import { DynamoIdleStateStore } from './adapters/DynamoIdleStateStore.js';
import { DynamoPolicyRepository } from './adapters/DynamoPolicyRepository.js';
import { DynamoRunLease } from './adapters/DynamoRunLease.js';
import { DynamoSpokeDirectory } from './adapters/DynamoSpokeDirectory.js';
import { Ec2ClientVpnGateway } from './adapters/Ec2ClientVpnGateway.js';
import { LambdaConnectHandlerProbe } from './adapters/LambdaConnectHandlerProbe.js';
import { LambdaContinuationStarter } from './adapters/LambdaContinuationStarter.js';
import { SnsNotifier } from './adapters/SnsNotifier.js';
import { SystemClock } from './adapters/SystemClock.js';
import type { Clock, SpokeDirectory } from './ports/index.js';

/** Everything a run needs, built once per container. */
export interface EnforcerRuntime {
  readonly config: EnforcerConfig;
  readonly ports: Omit<EnforcementPorts, 'logger'>;
  /** A spoke's heartbeat, in the hub's audit table. @default none: a single deployment announces nothing */
  readonly spokes?: Pick<SpokeDirectory, 'announce'>;
}

/**
 * Wires the AWS adapters to the ports. The policies and audit tables and the topic go through `clients.hub` (in a
 * spoke, the hub's Region); the state table, EC2 and Lambda through the function's own Region.
 */
export function createRuntime(
  config: EnforcerConfig,
  clients: AwsClients = createAwsClients({}, { hubRegion: config.hubRegion }),
  clock: Clock = new SystemClock(),
): EnforcerRuntime {
  const { hub } = clients;
  return {
    config,
    ports: {
      gateway: new Ec2ClientVpnGateway(clients.ec2, () => clock.now(), clients.ec2Terminate),
      policies: new DynamoPolicyRepository(hub.dynamodb, config.policiesTable, config.placement),
      audit: new DynamoAuditLog(hub.documents, config.auditTable, config.auditRetentionDays, config.placement),
      idleState: new DynamoIdleStateStore(clients.documents, config.stateTable, clock, config.stateRetentionDays),
      facts: new DynamoConnectionFacts(clients.documents, config.stateTable, clock),
      lease: new DynamoRunLease(clients.documents, config.stateTable),
      changes: new DynamoChangeSignal(clients.documents, config.stateTable),
      continuations: new LambdaContinuationStarter(clients.lambda),
      notifier: config.topicArn ? new SnsNotifier(hub.sns, config.topicArn) : undefined,
      connectHandlerProbe: config.connectHandlerFunction ? new LambdaConnectHandlerProbe(clients.lambda) : undefined,
      clock,
    },
    ...(config.hubRegion === undefined
      ? {}
      : { spokes: new DynamoSpokeDirectory(hub.documents, config.auditTable, config.auditRetentionDays) }),
  };
}
