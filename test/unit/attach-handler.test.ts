import { beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  ModifyClientVpnEndpointCommand,
} from '@aws-sdk/client-ec2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { onAttachmentEvent } from '../../lambda/attach-handler.js';

const A = 'cvpn-endpoint-0a0a0a0a0a0a0a0a1';
const B = 'cvpn-endpoint-0b0b0b0b0b0b0b0b2';
const C = 'cvpn-endpoint-0c0c0c0c0c0c0c0c3';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-CvpnGuard';
const ALIAS = `${FUNCTION}:live`;
const OTHER = 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-Other';
const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });
const logger = new Logger({ logLevel: 'SILENT' });

const common = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: 'https://example.com/response',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/CvpnGuard/1',
  RequestId: 'request-1',
  LogicalResourceId: 'ConnectHandlerAttachment0C15DD9C',
  ResourceType: 'Custom::CvpnGuardConnectHandlerAttachment',
};

const create = (endpointIds: string[], arn = FUNCTION): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: { ServiceToken: common.ServiceToken, FunctionArn: arn, EndpointIds: endpointIds },
});
const update = (
  endpointIds: string[],
  oldEndpointIds: string[],
  arn = FUNCTION,
  oldArn = FUNCTION,
): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: 'attachment-1',
  ResourceProperties: { ServiceToken: common.ServiceToken, FunctionArn: arn, EndpointIds: endpointIds },
  OldResourceProperties: { ServiceToken: common.ServiceToken, FunctionArn: oldArn, EndpointIds: oldEndpointIds },
});
const remove = (endpointIds: string[], arn = FUNCTION): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Delete',
  PhysicalResourceId: 'attachment-1',
  ResourceProperties: { ServiceToken: common.ServiceToken, FunctionArn: arn, EndpointIds: endpointIds },
});

function notFound(): EC2ServiceException {
  return new EC2ServiceException({
    name: 'InvalidClientVpnEndpointId.NotFound',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'not found',
  });
}

/** Each endpoint's handler as DescribeClientVpnEndpoints reports it; an endpoint absent from `attached` is gone. */
function endpoints(attached: Record<string, string | undefined>): void {
  ec2Mock.on(DescribeClientVpnEndpointsCommand).callsFake((input: { ClientVpnEndpointIds: string[] }) => {
    const [id] = input.ClientVpnEndpointIds;
    if (id === undefined || !(id in attached)) throw notFound();
    const arn = attached[id];
    return {
      ClientVpnEndpoints: [
        {
          ClientVpnEndpointId: id,
          ClientConnectOptions: arn ? { Enabled: true, LambdaFunctionArn: arn } : { Enabled: false },
        },
      ],
    };
  });
}

/** The ModifyClientVpnEndpoint calls made, as `endpoint → ARN` (or `endpoint → off`). */
const modifications = () =>
  ec2Mock
    .commandCalls(ModifyClientVpnEndpointCommand)
    .map(
      ({ args: [{ input }] }) =>
        `${input.ClientVpnEndpointId} → ${input.ClientConnectOptions?.Enabled ? input.ClientConnectOptions.LambdaFunctionArn : 'off'}`,
    );

describe('onAttachmentEvent', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(ModifyClientVpnEndpointCommand).resolves({ Return: true });
  });

  it('Create attaches the handler to every listed endpoint, with a physical id that stays', async () => {
    const response = await onAttachmentEvent(create([A, B], ALIAS), ec2, logger);

    expect(modifications()).toEqual([`${A} → ${ALIAS}`, `${B} → ${ALIAS}`]);
    expect(response).toEqual({
      PhysicalResourceId: common.LogicalResourceId,
      Data: { AttachedEndpoints: `${A},${B}` },
    });
  });

  it('Create attaches all or none: when one fails, those attached by it are detached again, and it fails', async () => {
    // Arrange
    endpoints({ [A]: FUNCTION });
    ec2Mock.on(ModifyClientVpnEndpointCommand, { ClientVpnEndpointId: B }).rejects(
      new EC2ServiceException({
        name: 'InvalidParameterValue',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Invalid LambdaFunctionArn',
      }),
    );

    // Act
    const error = await onAttachmentEvent(create([A, B]), ec2, logger).catch((caught: unknown) => caught);

    // Assert
    expect((error as Error).message).toContain(`attaching ${FUNCTION} to ${B}`);
    expect(modifications()).toEqual([`${A} → ${FUNCTION}`, `${B} → ${FUNCTION}`, `${A} → off`]);
  });

  it('Update attaches to every listed endpoint and detaches, where still ours, from those no longer listed', async () => {
    endpoints({ [A]: FUNCTION, [B]: FUNCTION, [C]: OTHER });

    const response = await onAttachmentEvent(update([A], [A, B, C]), ec2, logger);

    expect(modifications()).toEqual([`${A} → ${FUNCTION}`, `${B} → off`]);
    expect(response.PhysicalResourceId).toBe('attachment-1');
  });

  it('Update moves the endpoints to the alias when provisioned concurrency comes in, detaching nothing', async () => {
    endpoints({ [A]: FUNCTION });

    await onAttachmentEvent(update([A], [A], ALIAS, FUNCTION), ec2, logger);

    expect(modifications()).toEqual([`${A} → ${ALIAS}`]);
  });

  it('Delete detaches only endpoints still pointing at this handler; one already gone is no error', async () => {
    endpoints({ [A]: ALIAS, [B]: OTHER, [C]: undefined });

    const response = await onAttachmentEvent(remove([A, B, C, 'cvpn-endpoint-0d0d0d0d0d0d0d0d4'], ALIAS), ec2, logger);

    expect(modifications()).toEqual([`${A} → off`]);
    expect(response).toEqual({ PhysicalResourceId: 'attachment-1', Data: { AttachedEndpoints: '' } });
  });

  it('refuses properties that are not a function ARN and a list of endpoint ids, naming them', async () => {
    const event = { ...create([A]), ResourceProperties: { ServiceToken: 'x', FunctionArn: '', EndpointIds: A } };

    await expect(onAttachmentEvent(event, ec2, logger)).rejects.toThrow(/FunctionArn must be a Lambda function ARN/);
    await expect(
      onAttachmentEvent(
        { ...event, ResourceProperties: { ServiceToken: 'x', FunctionArn: FUNCTION, EndpointIds: A } },
        ec2,
        logger,
      ),
    ).rejects.toThrow(/EndpointIds must be a list of Client VPN endpoint ids/);
    expect(modifications()).toEqual([]);
  });
});
