/**
 * The deployment settings registry. Pure: it imports zod and the domain's constants, never the CDK, the
 * AWS SDK or the process environment, so the stack, the function and the CLI all read it.
 */
export {
  CONNECT_HANDLER_PREFIX,
  connectHandlerName,
  connectHandlerNameProblem,
  ConnectHandlerNameError,
  MAX_CONNECT_HANDLER_STACK_NAME_LENGTH,
  MAX_FUNCTION_NAME_LENGTH,
} from './connect-handler-name.js';
export {
  CONNECTION_HOUR_PRICES_ACCEPTED,
  connectionHourPrice,
  ConnectionHourPricesError,
  type ConnectionHourPricesResult,
  formatConnectionHourPrices,
  parseConnectionHourPrices,
  readConnectionHourPrices,
} from './connection-hour-prices.js';
export { ENDPOINT_TAG_ACCEPTED, type EndpointTag, formatEndpointTag, parseEndpointTag } from './endpoint-tag.js';
export { POLICY_CHANGE_MAPPING } from './policy-change-mapping.js';
export {
  hubRelayName,
  hubWatchName,
  SpokeRole,
  spokeEnforcerName,
  spokeGateName,
  spokeRoleName,
  spokeStateTableName,
} from './spoke-names.js';
export {
  describeEnvironmentRefusal,
  type Environment,
  type EnvironmentSettingResult,
  enforcerEnvironment,
  environmentVariableOf,
  gateEnvironment,
  readEnforcerSetting,
} from './enforcer-environment.js';
export { defaultValue, parseSetting, type SettingParseResult } from './parse-setting.js';
export {
  Deployment,
  ENDPOINT_SELECTION_EXCLUSIVE,
  ENFORCER_SETTING_KEYS,
  type EnforcerSetting,
  type EnforcerSettings,
  type FunctionSetting,
  GATE_SETTING_KEYS,
  type GateSetting,
  type GateSettings,
  gateSettingsOf,
  LOG_RETENTION_PERIODS,
  MAX_ENDPOINT_IDS,
  MAX_TARGETS,
  ORGANIZATION_ID_PATTERN,
  ORGANIZATIONAL_UNIT_PATTERN,
  REGION_PATTERN,
  RUN_SETTING_KEYS,
  type RunSetting,
  type RunSettings,
  readersOf,
  runSettingsOf,
  Setting,
  SettingReader,
  SETTING_DEFAULTS,
  SETTING_KEYS,
  type SettingDefinition,
  SETTINGS,
  type SettingValue,
  type SettingValues,
} from './registry.js';
export {
  type ParsedSchedule,
  parseScheduleExpression,
  SCHEDULE_ACCEPTED,
  type ScheduleParseResult,
} from './schedule-expression.js';
