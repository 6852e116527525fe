/**
 * The pure core of cvpn-guard: policy rows, the decision engine, the admission decision, caps, idle memory and
 * the call planner.
 * No AWS SDK, no environment, no clock, no I/O: time is a parameter.
 */
export * from './constants.js';
export * from './errors.js';
export type * from './types.js';

export {
  policyRowSchema,
  POLICY_ATTRIBUTE_ORDER,
  ROW_SCHEMAS,
  revokedUserRowSchema,
  idleRowSchema,
  maxSessionRowSchema,
  offHoursRowSchema,
  maxConnectionsRowSchema,
  lockdownRowSchema,
  exemptRowSchema,
  type PolicyRow,
  type PolicyRowInput,
  type RevokedUserRow,
  type IdleRow,
  type MaxSessionRow,
  type OffHoursRow,
  type MaxConnectionsRow,
  type LockdownRow,
  type ExemptRow,
  type EnforcingRow,
} from './policy/schema.js';
export { parsePolicyRow, NO_POLICY_ID, type ParsedPolicyRow } from './policy/parse-policy-row.js';
export { policyRowJsonSchema } from './policy/json-schema.js';
export { isRowActive, inEndpointScope, inPlacementScope } from './policy/policy-scope.js';
export { ruleInWords } from './policy/rule-words.js';
export {
  BOOKKEEPING_ATTRIBUTES,
  changeEffect,
  type ChangeEffect,
  type PolicyRowChange,
} from './policy/change-effect.js';

export { normalizeIdentity } from './identity/normalize-identity.js';
export { identityKey } from './identity/identity-key.js';
export {
  matchIdentity,
  inIdentityScope,
  type MatchedIdentity,
  type IdentitySelectors,
  type ClientIdentity,
} from './identity/match-identity.js';

export { advanceIdleState } from './idle/advance-idle-state.js';
export { type DecisionSighting, type RememberedRun, rememberDecisions } from './idle/remember-decisions.js';
export { totalBytes } from './idle/total-bytes.js';

export { evaluate } from './evaluate/evaluate.js';
export { parseRows, type ParsedRows } from './evaluate/parse-rows.js';
export { decideAdmission } from './admission/decide-admission.js';
export { needsConnectionCount } from './admission/needs-connection-count.js';
export { planTerminations } from './plan/plan-terminations.js';

export { describeValue } from './format/describe-value.js';
export { formatDuration } from './format/format-duration.js';
export { formatInstant } from './format/format-instant.js';
export { localTime, type LocalTime } from './time/local-time.js';
