/**
 * Names of the stack outputs. The CLI discovers a deployed stack through them
 * (CloudFormation DescribeStacks → Outputs[].OutputKey), so they never change.
 */
export const StackOutput = {
  POLICIES_TABLE_NAME: 'PoliciesTableName',
  AUDIT_TABLE_NAME: 'AuditTableName',
  STATE_TABLE_NAME: 'StateTableName',
  FUNCTION_NAME: 'FunctionName',
  TOPIC_ARN: 'TopicArn',
  DASHBOARD_URL: 'DashboardUrl',
  /** The client connect handler's function name, `AWSClientVPN-<stackName>`. */
  CONNECT_HANDLER_FUNCTION_NAME: 'ConnectHandlerFunctionName',
  /** What an endpoint is attached to: the alias `live` with provisioned concurrency, else the function. */
  CONNECT_HANDLER_ARN: 'ConnectHandlerArn',
  /** Where Lambda records batches of policy changes it gave up on (their stream position, not the rows). */
  CHANGE_FAILURE_QUEUE_URL: 'ChangeFailureQueueUrl',
  /** The same queue, by ARN. */
  CHANGE_FAILURE_QUEUE_ARN: 'ChangeFailureQueueArn',
  /** `single` or `hub`: how the stack was deployed (`-c deployment=…`). Absent on stacks made before it existed: single. */
  DEPLOYMENT: 'Deployment',
  /** A hub only: the StackSet that rolls the spokes out. */
  STACK_SET_NAME: 'StackSetName',
  /** A hub only: the stack name every spoke's functions and roles are named from (lambda/settings/spoke-names.ts). */
  SPOKE_STACK_NAME: 'SpokeStackName',
  /** A hub only: the policies table by ARN, as a spoke names it. */
  POLICIES_TABLE_ARN: 'PoliciesTableArn',
  /** A hub only: the audit table by ARN, as a spoke names it. */
  AUDIT_TABLE_ARN: 'AuditTableArn',
  /** A hub only: the relay function's name. */
  RELAY_FUNCTION_NAME: 'RelayFunctionName',
  /** A hub only: the hub watch function's name. */
  HUB_WATCH_FUNCTION_NAME: 'HubWatchFunctionName',
} as const;
/** One stack output name. */
export type StackOutput = (typeof StackOutput)[keyof typeof StackOutput];

/** The outputs only a hub has; a single deployment has every other one. */
export const HUB_ONLY_OUTPUTS: readonly StackOutput[] = [
  StackOutput.DEPLOYMENT,
  StackOutput.STACK_SET_NAME,
  StackOutput.SPOKE_STACK_NAME,
  StackOutput.POLICIES_TABLE_ARN,
  StackOutput.AUDIT_TABLE_ARN,
  StackOutput.RELAY_FUNCTION_NAME,
  StackOutput.HUB_WATCH_FUNCTION_NAME,
];

/** The outputs of a hub: those of its tables, topic, queue and dashboard, and its own. */
export const HUB_OUTPUTS: readonly StackOutput[] = [
  StackOutput.POLICIES_TABLE_NAME,
  StackOutput.AUDIT_TABLE_NAME,
  StackOutput.TOPIC_ARN,
  StackOutput.CHANGE_FAILURE_QUEUE_URL,
  StackOutput.CHANGE_FAILURE_QUEUE_ARN,
  StackOutput.DASHBOARD_URL,
  ...HUB_ONLY_OUTPUTS,
];
