/**
 * The StackSet that rolls the spoke out: service-managed permissions (AWS Organizations creates the roles), automatic
 * deployment to every account of the target OUs in every target Region, stacks deleted from an account that leaves.
 * The spoke's function code goes to one bucket per target Region, `<prefix>-<region>`, created once beforehand
 * (docs/deploy.md), from which each spoke's CloudFormation reads it.
 */
import { Aws, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  Capability,
  DeploymentType,
  RegionConcurrencyType,
  StackSet,
  StackSetStack,
  StackSetTarget,
  StackSetTemplate,
} from 'cdk-stacksets';
import { Construct } from 'constructs';
import type { OrganizationTargets, StackConfig } from './config.js';
import { Spoke, SpokeParameter } from './spoke.js';

/** The StackSet's name: `<stackName>-spokes`. */
export function spokeStackSetName(stackName: string): string {
  return `${stackName}-spokes`;
}

/** The asset buckets' common prefix: `<stackname>-spoke-assets-<hub account>`; a bucket per Region appends `-<region>`. */
export function spokeAssetBucketPrefix(stackName: string, hubAccountId: string): string {
  return `${stackName.toLowerCase()}-spoke-assets-${hubAccountId}`;
}

/**
 * The library copies the spoke's code to the asset buckets with CDK's BucketDeployment, whose singleton function and
 * role are CDK's own: acknowledged on that construct, with why each finding is acceptable.
 */
function acknowledgeAssetCopy(hubStack: Stack, stackName: string, regions: readonly string[]): void {
  const copier = hubStack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (copier === undefined) return;
  const why = (reason: string) =>
    `CDK's BucketDeployment function, which copies the spoke's code from the hub's CDK asset bucket to the spoke asset buckets: ${reason}`;
  const findings: [string, string][] = [
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      why('CDK gives it the basic execution managed policy (its own logs only); its role is not ours to shape.'),
    ],
    ['AwsSolutions-L1', why('its runtime is the one CDK ships and tests the copier with; it runs only at deployment.')],
    ...['GetBucket*', 'GetObject*', 'List*', 'Abort*', 'DeleteObject*'].map((action): [string, string] => [
      `AwsSolutions-IAM5[Action::s3:${action}]`,
      why(`CDK grants s3:${action} on the source and destination buckets only (read the asset, write the copy).`),
    ]),
    [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      why("it reads the objects of the hub's CDK asset bucket, where the code is uploaded."),
    ],
    ...regions.map((region): [string, string] => [
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${spokeAssetBucketPrefix(stackName, '<AWS::AccountId>')}-${region}/*]`,
      why(`it writes the objects of the spoke asset bucket of ${region}, and no other bucket.`),
    ]),
  ];
  for (const [id, reason] of findings) Validations.of(copier).acknowledge({ id, reason });
}

/** Properties of {@link SpokeRollout}. */
export interface SpokeRolloutProps {
  readonly config: StackConfig;
  readonly targets: OrganizationTargets;
  /** The values of the spoke template's parameters, from the hub (the asset prefix aside). */
  readonly hub: Readonly<Record<Exclude<SpokeParameter, typeof SpokeParameter.ASSET_BUCKET_PREFIX>, string>>;
  /** The enforcer's handler file. @default lambda/handler.ts */
  readonly entry?: string;
}

/** The spoke template (a StackSet stack) and the StackSet that deploys it. */
export class SpokeRollout extends Construct {
  public readonly template: StackSetStack;
  public readonly spoke: Spoke;
  public readonly stackSet: StackSet;
  public readonly stackSetName: string;

  constructor(scope: Construct, id: string, props: SpokeRolloutProps) {
    super(scope, id);
    const hubStack = Stack.of(this);
    const prefix = spokeAssetBucketPrefix(props.config.stackName, Aws.ACCOUNT_ID);
    const assetBuckets = props.targets.regions.map((region) =>
      s3.Bucket.fromBucketName(this, `AssetBucket-${region}`, `${prefix}-${region}`),
    );
    // In the spoke template the prefix is a parameter: the hub's account is not the spoke's.
    const prefixParameter: { value?: string } = {};
    this.template = new StackSetStack(hubStack, 'Spoke', {
      assetBuckets,
      assetBucketPrefix: Lazy.string({ produce: () => prefixParameter.value }),
    });
    this.spoke = new Spoke(this.template, 'Spoke', {
      config: props.config,
      ...(props.entry === undefined ? {} : { entry: props.entry }),
    });
    prefixParameter.value = this.spoke.parameters.AssetBucketPrefix.valueAsString;
    acknowledgeAssetCopy(hubStack, props.config.stackName, props.targets.regions);

    this.stackSetName = spokeStackSetName(props.config.stackName);
    this.stackSet = new StackSet(hubStack, 'SpokeStackSet', {
      stackSetName: this.stackSetName,
      description: 'cvpn-guard spokes: the enforcer and the client connect handler of every target account and Region',
      template: StackSetTemplate.fromStackSetStack(this.template),
      target: StackSetTarget.fromOrganizationalUnits({
        organizationalUnits: [...props.targets.organizationalUnits],
        regions: [...props.targets.regions],
      }),
      deploymentType: DeploymentType.serviceManaged({
        autoDeployEnabled: true,
        autoDeployRetainStacks: false,
        delegatedAdmin: true,
      }),
      capabilities: [Capability.NAMED_IAM],
      operationPreferences: {
        regionConcurrencyType: RegionConcurrencyType.PARALLEL,
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      parameters: { ...props.hub, [SpokeParameter.ASSET_BUCKET_PREFIX]: prefix },
    });
  }
}
