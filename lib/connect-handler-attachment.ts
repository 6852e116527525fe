import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { AttachmentProperties } from '../lambda/attach-handler.js';
import { SETTING_DEFAULTS } from '../lambda/settings/index.js';
import { bundledCode, FUNCTION_ENVIRONMENT, lambdaEntry } from './function-code.js';

/** The attachment provider's entry: lambda/attach-handler.ts. */
export const ATTACHMENT_ENTRY = lambdaEntry('attach-handler.ts');

/** Properties of {@link ConnectHandlerAttachment}. */
export interface ConnectHandlerAttachmentProps {
  /** What the endpoints are attached to: the handler's attachable ARN (its alias with provisioned concurrency). */
  readonly handlerArn: string;
  /** The endpoints to attach it to (the `endpointIds` setting). */
  readonly endpointIds: readonly string[];
  /** Retention of the provider's log groups. @default SETTING_DEFAULTS.logRetentionDays */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Attaches the client connect handler to the listed endpoints, through a custom resource backed by the
 * Provider framework and lambda/attach-handler.ts, and detaches it when the stack is deleted or an endpoint
 * leaves the list, only where the endpoint still points at this handler. The provider may modify the listed
 * endpoints and describe endpoints, nothing else.
 */
export class ConnectHandlerAttachment extends Construct {
  /** The onEvent function. */
  public readonly function: NodejsFunction;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** The custom resource: one per stack, its physical id stable across updates. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ConnectHandlerAttachmentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retention = props.logRetention ?? (SETTING_DEFAULTS.logRetentionDays as logs.RetentionDays);
    const logGroup = (logGroupId: string) =>
      new logs.LogGroup(this, logGroupId, { retention, removalPolicy: RemovalPolicy.DESTROY });

    const onEventLogGroup = logGroup('LogGroup');
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cvpn-guard: attaches the client connect handler to the listed Client VPN endpoints',
    });
    onEventLogGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ModifyListedEndpoints',
        actions: ['ec2:ModifyClientVpnEndpoint'],
        resources: props.endpointIds.map((endpointId) =>
          stack.formatArn({ service: 'ec2', resource: 'client-vpn-endpoint', resourceName: endpointId }),
        ),
      }),
    );
    // DescribeClientVpnEndpoints is a List action without resource-level permissions: only Resource "*".
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeClientVpnEndpoints',
        actions: ['ec2:DescribeClientVpnEndpoints'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeClientVpnEndpoints supports no resource-level permissions; the statement is read-only and limited to the stack region.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      ...bundledCode(ATTACHMENT_ENTRY, 'handler'),
      description: 'cvpn-guard: attaches and detaches the client connect handler (CloudFormation custom resource)',
      memorySize: 256,
      timeout: Duration.minutes(2),
      role: this.role,
      logGroup: onEventLogGroup,
      environment: { ...FUNCTION_ENVIRONMENT },
    });

    // The framework's own function, with a role of our own: it may invoke the onEvent function and log.
    const frameworkLogGroup = logGroup('FrameworkLogGroup');
    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cvpn-guard: the custom resource framework that calls the attachment function',
    });
    frameworkLogGroup.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogGroup,
    });
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'Added by the Provider framework (grantInvoke of the onEvent function): it covers versions and aliases of that one function only.',
    });

    const properties: AttachmentProperties = { FunctionArn: props.handlerArn, EndpointIds: props.endpointIds };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::CvpnGuardConnectHandlerAttachment',
      properties: { ...properties },
    });
  }
}
