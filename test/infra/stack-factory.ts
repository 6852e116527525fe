/**
 * The infrastructure tests' app factory: the real app (lib/app.ts, with the cdk-nag AwsSolutions
 * checks registered, so an unacknowledged finding fails synthesis) under the context of cdk.json,
 * with bundling and the built-in CloudFormation schema validation skipped unless asked for, so
 * each synthesis stays fast.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp, type GuardApp } from '../../lib/app.js';
import type { HubEntries } from '../../lib/hub-functions.js';

const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));

/** The "context" of cdk.json: feature flags and the setting defaults. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> }).context;
}

/** Options of {@link buildApp}. */
export interface BuildOptions {
  /** Run the real esbuild bundling. @default false */
  readonly bundle?: boolean;
  /** Where the cloud assembly goes. @default a temporary directory */
  readonly outdir?: string;
  /**
   * Run CDK's built-in CloudFormation schema validation as `cdk synth` does. It loads every
   * resource schema (seconds per test file), so only the full synthesis test turns it on.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
  /** A hub's function handler files. @default lib/hub-functions.ts's */
  readonly hubEntries?: HubEntries;
}

/** The app built from cdk.json context plus `context` (as `-c key=value` would give). */
export function buildApp(context: Record<string, unknown> = {}, options: BuildOptions = {}): GuardApp {
  return createApp({
    context: {
      ...cdkJsonContext(),
      ...context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    ...(options.hubEntries ? { hubEntries: options.hubEntries } : {}),
  });
}

/** The synthesized template (synthesis runs cdk-nag: it throws on any unacknowledged finding). */
export function synthTemplate(context: Record<string, unknown> = {}): Template {
  return Template.fromStack(buildApp(context).stack);
}

/** An IAM policy statement as it appears in the template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      ((policy.Properties.Roles ?? []) as { Ref: string }[]).some((role) => role.Ref.startsWith(rolePrefix)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions of a statement, as a list. */
export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The resources of a statement, as a list. */
export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The statements that allow `action`. */
export const statementsWith = (statements: Statement[], action: string): Statement[] =>
  statements.filter((statement) => actionsOf(statement).includes(action));

/** Whether a resource (a string or an intrinsic) references the resource with this logical id. */
export const references = (resource: unknown, id: string): boolean => JSON.stringify(resource).includes(`"${id}"`);

/** `arn:${Partition}:ec2:${Region}:${Account}:client-vpn-endpoint/<id>` as CloudFormation renders it. */
export const endpointArn = (endpointId: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ec2:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:client-vpn-endpoint/${endpointId}`,
    ],
  ],
});

/** The logical id of the only resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** An endpoint id in the shape EC2 gives. */
export const ENDPOINT_A = 'cvpn-endpoint-0123456789abcdef0';
/** Another endpoint id. */
export const ENDPOINT_B = 'cvpn-endpoint-0fedcba9876543210';
