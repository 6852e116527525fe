import { describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp, ENDPOINT_A } from './stack-factory.js';

/** Every acknowledgment in the app: where it sits, the finding, and the reason. */
function acknowledgments(context: Record<string, unknown> = {}): { path: string; id: string; reason: string }[] {
  const { app } = buildApp(context);
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['every endpoint (defaults)', {}],
    ['endpoint ids', { endpointIds: [ENDPOINT_A] }],
    ['endpoint tag', { endpointTag: 'team=vpn' }],
    [
      'destroyable tables, e-mail, dry run',
      { tableRemovalPolicy: 'destroy', notificationEmail: 'secops@example.com', dryRun: true },
    ],
    [
      'client connect handler attached, with provisioned concurrency',
      { endpointIds: [ENDPOINT_A], attachConnectHandler: true, connectHandlerProvisionedConcurrency: 2 },
    ],
  ])('Compliance 1: %s synthesizes with no unacknowledged finding', (_name, context) => {
    expect(() => Template.fromStack(buildApp(context).stack)).not.toThrow();
  });

  it('Noncompliance 1: an unacknowledged finding fails synthesis', () => {
    const { stack } = buildApp();
    new sqs.Queue(stack, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SQS/);
  });

  it('Compliance 2: each acknowledgment sits on its own resource, with its reason', () => {
    const found = acknowledgments();

    expect(found.map(({ path, id }) => [path, id])).toEqual([
      ['CvpnGuard/Tables/StateTable', 'AwsSolutions-DDB3'],
      ['CvpnGuard/ConnectHandler/FunctionRole', 'AwsSolutions-IAM5[Resource::*]'],
      ['CvpnGuard/Enforcer/FunctionRole', 'AwsSolutions-IAM5[Resource::*]'],
      [
        'CvpnGuard/Enforcer/FunctionRole',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:client-vpn-endpoint/*]',
      ],
      // The same finding again, for dynamodb:ListStreams: acknowledged where the stream mapping grants it.
      ['CvpnGuard/Enforcer/FunctionRole', 'AwsSolutions-IAM5[Resource::*]'],
      [
        'CvpnGuard/Enforcer/SchedulerRole',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<EnforcerFunction[0-9A-F]{8}\.Arn>:\*\]$/),
      ],
      ['CvpnGuard/PolicyChanges/FailureQueue', 'AwsSolutions-SQS3'],
    ]);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(60);
  });

  it('Compliance 4: attaching adds only the provider role acknowledgments: Describe on "*" and the framework invoking its one function', () => {
    const found = acknowledgments({ endpointIds: [ENDPOINT_A], attachConnectHandler: true });

    expect(
      found
        .filter(({ path }) => path.startsWith('CvpnGuard/ConnectHandlerAttachment'))
        .map(({ path, id }) => [path, id]),
    ).toEqual([
      ['CvpnGuard/ConnectHandlerAttachment/FunctionRole', 'AwsSolutions-IAM5[Resource::*]'],
      [
        'CvpnGuard/ConnectHandlerAttachment/FrameworkRole',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ConnectHandlerAttachmentFunction[0-9A-F]{8}\.Arn>:\*\]$/),
      ],
    ]);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(60);
  });

  it('Compliance 3: with endpoint ids, terminate needs no wildcard, so there is nothing to acknowledge for it', () => {
    const ids = acknowledgments({ endpointIds: [ENDPOINT_A] }).map(({ id }) => id);

    expect(ids.filter((id) => id.includes('client-vpn-endpoint'))).toEqual([]);
  });
});
