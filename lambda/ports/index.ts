export { AuditRecordType, AuditTransition } from './AuditLog.js';
export type {
  AdmissionRecord,
  AuditCompletion,
  AuditConfirmation,
  AuditLog,
  AuditRecord,
  AuditTransitionMethods,
  DecisionKey,
  DecisionOutcome,
  DecisionRecord,
  InvalidPolicyRecord,
  OutcomeCounts,
  RunRecord,
  RunSummary,
} from './AuditLog.js';
export type {
  ClientVpnEndpoint,
  ClientVpnGateway,
  ConnectionStatusChange,
  EndpointSelection,
  TerminateOptions,
  TerminationResult,
} from './ClientVpnGateway.js';
export type { Clock } from './Clock.js';
export {
  type CanaryAttempt,
  CanaryFailure,
  type CanaryOutcome,
  type CanaryResult,
  type ConnectHandlerProbe,
  sameFunctionArn,
  unqualifiedArn,
} from './ConnectHandlerProbe.js';
export type { ConnectionCounter } from './ConnectionCounter.js';
export type { ConnectionFact, ConnectionFacts, ConnectionFactsByEndpoint } from './ConnectionFacts.js';
export * from './errors.js';
export type { IdleStateStore } from './IdleStateStore.js';
export type { ChatDigest, Notifier, RunDigest } from './Notifier.js';
export type { PolicyLoad, PolicyRepository } from './PolicyRepository.js';
export type { RunLease } from './RunLease.js';
export { type RunLogger, SILENT_LOGGER } from './Logger.js';
export {
  type PolicyChangeStamp,
  type PolicyStore,
  type PolicyWriteCondition,
  type PolicyWriteIntent,
  policyWriteCondition,
  type StoredPolicy,
} from './PolicyStore.js';
export { AuditPageTokenError, PolicyConflictError, PolicyExistsError, describeVersion } from './store-errors.js';
export type { AuditPage, AuditQuery, AuditRecordFilter, ListedRecord, PageRequest, RunWindow } from './AuditQuery.js';
export type { ChangeSignal } from './ChangeSignal.js';
export { type ContinuationEvent, ContinuationReason, type ContinuationStarter } from './ContinuationStarter.js';
export { type HandedOn, RunTrigger } from './RunTrigger.js';
export type { SpokeDirectory, SpokeEntry } from './SpokeDirectory.js';
export { type RelayedChangeEvent, SpokeInvokeError, type SpokeInvoker } from './SpokeInvoker.js';
