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
  CONNECT_HANDLER_FUNCTION_NAME: 'ConnectHandlerFunctionName',
  CONNECT_HANDLER_ARN: 'ConnectHandlerArn',
} as const;
/** One stack output name. */
export type StackOutput = (typeof StackOutput)[keyof typeof StackOutput];
