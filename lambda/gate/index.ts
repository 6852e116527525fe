/**
 * The client connect handler's core (the gate): the request Client VPN sends, the answer it expects, and the
 * decision with its policy cache and deadline. It reaches AWS through the ports only.
 */
export { ConnectGate, type ConnectAnswer, type ConnectGateOptions, type ConnectGatePorts } from './ConnectGate.js';
export {
  connectRequestSchema,
  escapeField,
  readConnectRequest,
  requestFieldsForLog,
  type ClientDetails,
  type ConnectRequest,
  type ReadRequest,
} from './connect-request.js';
export { CONNECT_SCHEMA_VERSION, connectResponse, displayMessage, type ConnectResponse } from './connect-response.js';
export { GateMetric, type GateMetrics } from './gate-metrics.js';
export { admissionRecord, connectionFact, failModeRecord, gateRunId } from './gate-records.js';
export { PolicyCache, type CachedRows } from './PolicyCache.js';
export {
  COUNT_BURST,
  COUNT_RATE_PER_SECOND,
  COUNT_SHARE_OF_DEADLINE,
  CountUnavailable,
  type HeldCount,
  PacedCounter,
} from './PacedCounter.js';
