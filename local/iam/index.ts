export {
  type ContextValue,
  type Judgement,
  type RequestContext,
  conditionHolds,
  conditionsHold,
} from './conditions.js';
export { IamPolicyError } from './errors.js';
export {
  AccessDecision,
  type AccessRequest,
  type AccessVerdict,
  type RequestPrincipal,
  evaluatePolicy,
  statementApplies,
} from './evaluate.js';
export {
  type ConditionValues,
  Effect,
  type PolicyDocument,
  type Principal,
  type Statement,
  parsePolicyDocument,
} from './policy-document.js';
export { arnMatch, wildcardMatch } from './wildcard.js';
