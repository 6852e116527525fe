import { EnvVar } from './environment.js';

/** The AWS resources one enforcer works with: its three tables, by role, the digest topic and the client connect handler. */
export interface EnforcerResources {
  readonly tables: { readonly policies: string; readonly audit: string; readonly state: string };
  /** @default none: no digest is published */
  readonly topicArn?: string;
  /** The client connect handler's function name, for each run's canary. @default none: no canary */
  readonly connectHandlerFunction?: string;
}

/**
 * The environment variables that name the enforcer's tables and topic, as `loadEnforcerConfig` reads them: what
 * the stack sets in AWS, and what a sandbox's names become for the demo, the bench and the tests.
 */
export function resourceEnvironment(resources: EnforcerResources): Record<string, string> {
  return {
    [EnvVar.POLICIES_TABLE]: resources.tables.policies,
    [EnvVar.AUDIT_TABLE]: resources.tables.audit,
    [EnvVar.STATE_TABLE]: resources.tables.state,
    ...(resources.topicArn === undefined ? {} : { [EnvVar.TOPIC_ARN]: resources.topicArn }),
    ...(resources.connectHandlerFunction === undefined
      ? {}
      : { [EnvVar.CONNECT_HANDLER_FUNCTION]: resources.connectHandlerFunction }),
  };
}
