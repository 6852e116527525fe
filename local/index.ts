/** The sandbox: a local AWS Client VPN emulator, DynamoDB (dynalite), SNS, STS and Lambda behind one edge port. */
export {
  Sandbox,
  startSandbox,
  type SandboxClientConfig,
  type SandboxIdentity,
  type SandboxOptions,
  type SandboxTables,
} from './sandbox.js';
export type { RoleOptions, RoleView, SandboxCredentials } from './org/accounts.js';
export type { SandboxPlacement } from './org/placement.js';
export type { ResourcePolicy } from './org/resource-policy.js';
export type { TopicOptions } from './sns/sns-emulator.js';
export { SimulatedClock, type ClockOptions, type ClockState } from './clock.js';
export { ClientVpnEmulator } from './ec2/client-vpn-emulator.js';
export type { PaginationOptions } from './ec2/paging.js';
export { DEFAULT_THROTTLING, type ThrottlingConfig, type ThrottlingOptions } from './ec2/throttling.js';
export { Ec2Action } from './ec2/actions.js';
export { Ec2ErrorCode } from './ec2/errors.js';
export type {
  ConnectionPatch,
  ConnectionSpec,
  ConnectionView,
  ClientConnectOptionsView,
  EndpointSpec,
  EndpointView,
  TrafficProfile,
} from './ec2/model.js';
export type { PermissionDenial } from './ec2/permissions.js';
export type { ConnectAttempt, ConnectAttemptResult } from './ec2/connect-attempts.js';
export type { ClientConnectRequest, ConnectAttemptInput } from './ec2/client-connect-request.js';
export type { ClientConnectResponse } from './ec2/handler-response.js';
export {
  CLIENT_CONNECT_HANDLER_PREFIX,
  CLIENT_CONNECT_TIMEOUT_MS,
  ConnectFailureReason,
  DEFAULT_REFUSAL_MESSAGE,
} from './ec2/client-connect.js';
export { CallCounters, type ActionCounter } from './counters.js';
export { FaultInjector, FaultKind, type FaultRule, type FaultRuleState, seededRandom } from './faults.js';
export { LatencyInjector, type LatencyRule } from './latency.js';
export type { LambdaService } from './lambda/lambda-service.js';
export type { FunctionOptions, FunctionStats, FunctionView, InvocationOutcome, LambdaHandler } from './lambda/model.js';
export { FunctionFaultKind, type FunctionFaultRule, type FunctionFaultRuleState } from './lambda/function-faults.js';
export { LambdaErrorCode, MAX_ASYNC_PAYLOAD_BYTES } from './lambda/errors.js';
export type { AsyncInvokeResult } from './lambda/lambda-service.js';
export {
  ASYNC_RETRY_DELAYS_MS,
  AsyncStatus,
  type AsyncAttempt,
  type AsyncInvocationView,
  type EventInvokeConfig,
} from './lambda/async-invocations.js';
export type { EventSourceMapping, MappingStats, MappingView } from './lambda/event-source-mapping.js';
export {
  DiscardCondition,
  StartingPosition,
  type EventSourceMappingOptions,
  type StreamFailureRecord,
} from './lambda/mapping-options.js';
export { STREAM_RETENTION_MS, type StreamEntry, type TableStream } from './dynamodb/table-stream.js';
export { ActionGroup, Service } from './services.js';
export type { PublishedMessage, SnsEmulator } from './sns/sns-emulator.js';
export { bodyFor } from './sns/sns-emulator.js';
export { loadScenario, parseScenario, readScenarioFile } from './scenario/load.js';
export type { Scenario } from './scenario/schema.js';
export {
  ADMIN_PREFIX,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_REGION,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_CREDENTIALS,
} from './constants.js';
export * from './errors.js';
