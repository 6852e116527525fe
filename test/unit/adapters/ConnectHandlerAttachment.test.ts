import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ClientVpnEndpointAttributeStatusCode,
  DescribeClientVpnEndpointsCommand,
  EC2Client,
  EC2ServiceException,
  ModifyClientVpnEndpointCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  attach,
  DetachOutcome,
  detachIfOurs,
  isOurs,
  status,
} from '../../../lambda/adapters/ConnectHandlerAttachment.js';
import { ClientVpnError, ClientVpnNotFoundError, ClientVpnUnauthorizedError } from '../../../lambda/ports/index.js';

const ENDPOINT = 'cvpn-endpoint-0123456789abcdef0';
const OURS = 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-CvpnGuard';
const OTHER = 'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-Other';
const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });

function serviceError(name: string, status = 400): EC2ServiceException {
  return new EC2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
    message: `${name} happened`,
  });
}

/** DescribeClientVpnEndpoints answers with the endpoint attached to `arn` (none: no handler). */
function describedWith(arn: string | undefined, code: ClientVpnEndpointAttributeStatusCode = 'applied'): void {
  ec2Mock.on(DescribeClientVpnEndpointsCommand).resolves({
    ClientVpnEndpoints: [
      {
        ClientVpnEndpointId: ENDPOINT,
        ClientConnectOptions:
          arn === undefined
            ? { Enabled: false, Status: { Code: 'applied' } }
            : { Enabled: true, LambdaFunctionArn: arn, Status: { Code: code } },
      },
    ],
  });
}

describe('ConnectHandlerAttachment', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  describe('attach', () => {
    it('enables ClientConnectOptions with the given ARN on the endpoint', async () => {
      // Arrange
      ec2Mock.on(ModifyClientVpnEndpointCommand).resolves({ Return: true });

      // Act
      await attach(ec2, ENDPOINT, `${OURS}:live`);

      // Assert
      expect(ec2Mock.commandCalls(ModifyClientVpnEndpointCommand).map((call) => call.args[0].input)).toEqual([
        { ClientVpnEndpointId: ENDPOINT, ClientConnectOptions: { Enabled: true, LambdaFunctionArn: `${OURS}:live` } },
      ]);
    });

    it('names the endpoint and the ARN when EC2 refuses, as the port error for the code', async () => {
      ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(serviceError('UnauthorizedOperation'));

      const error = await attach(ec2, ENDPOINT, OURS).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ClientVpnUnauthorizedError);
      expect((error as Error).message).toContain(`attaching ${OURS} to ${ENDPOINT} (ModifyClientVpnEndpoint) failed`);
    });
  });

  describe('status', () => {
    it('reports the attached ARN and where the change stands', async () => {
      describedWith(OURS, 'applying');

      expect(await status(ec2, ENDPOINT)).toEqual({
        enabled: true,
        arn: OURS,
        statusCode: 'applying',
        statusMessage: undefined,
      });
      expect(ec2Mock.commandCalls(DescribeClientVpnEndpointsCommand)[0]?.args[0].input).toEqual({
        ClientVpnEndpointIds: [ENDPOINT],
      });
    });

    it('reports an endpoint without a handler as not enabled, with no ARN', async () => {
      describedWith(undefined);

      expect(await status(ec2, ENDPOINT)).toMatchObject({ enabled: false, arn: undefined, statusCode: 'applied' });
    });

    it('throws ClientVpnNotFoundError for an endpoint that does not exist', async () => {
      ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(serviceError('InvalidClientVpnEndpointId.NotFound'));

      await expect(status(ec2, ENDPOINT)).rejects.toBeInstanceOf(ClientVpnNotFoundError);
    });
  });

  describe('detachIfOurs', () => {
    it('detaches an endpoint pointing at our function', async () => {
      // Arrange
      describedWith(OURS);
      ec2Mock.on(ModifyClientVpnEndpointCommand).resolves({ Return: true });

      // Act
      const outcome = await detachIfOurs(ec2, ENDPOINT, OURS);

      // Assert
      expect(outcome).toBe(DetachOutcome.DETACHED);
      expect(ec2Mock.commandCalls(ModifyClientVpnEndpointCommand).map((call) => call.args[0].input)).toEqual([
        { ClientVpnEndpointId: ENDPOINT, ClientConnectOptions: { Enabled: false } },
      ]);
    });

    it('detaches an endpoint pointing at our alias when asked with our function ARN, and the other way round', async () => {
      ec2Mock.on(ModifyClientVpnEndpointCommand).resolves({ Return: true });

      describedWith(`${OURS}:live`);
      expect(await detachIfOurs(ec2, ENDPOINT, OURS)).toBe(DetachOutcome.DETACHED);
      describedWith(OURS);
      expect(await detachIfOurs(ec2, ENDPOINT, `${OURS}:live`)).toBe(DetachOutcome.DETACHED);
    });

    it('leaves an endpoint pointing at another function alone', async () => {
      describedWith(OTHER);

      expect(await detachIfOurs(ec2, ENDPOINT, OURS)).toBe(DetachOutcome.NOT_OURS);
      expect(ec2Mock.commandCalls(ModifyClientVpnEndpointCommand)).toHaveLength(0);
    });

    it('does nothing to an endpoint without a handler', async () => {
      describedWith(undefined);

      expect(await detachIfOurs(ec2, ENDPOINT, OURS)).toBe(DetachOutcome.NOT_ATTACHED);
      expect(ec2Mock.commandCalls(ModifyClientVpnEndpointCommand)).toHaveLength(0);
    });

    it('answers gone for an endpoint that no longer exists, before or during the change', async () => {
      ec2Mock.on(DescribeClientVpnEndpointsCommand).rejects(serviceError('InvalidClientVpnEndpointId.NotFound'));
      expect(await detachIfOurs(ec2, ENDPOINT, OURS)).toBe(DetachOutcome.GONE);

      describedWith(OURS);
      ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(serviceError('InvalidClientVpnEndpointId.NotFound'));
      expect(await detachIfOurs(ec2, ENDPOINT, OURS)).toBe(DetachOutcome.GONE);
    });

    it('throws what EC2 refuses otherwise, naming the endpoint', async () => {
      describedWith(OURS);
      ec2Mock.on(ModifyClientVpnEndpointCommand).rejects(serviceError('InternalError', 500));

      const error = await detachIfOurs(ec2, ENDPOINT, OURS).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ClientVpnError);
      expect((error as ClientVpnError).retryable).toBe(true);
      expect((error as Error).message).toContain(`detaching ${OURS} from ${ENDPOINT}`);
    });
  });

  describe('isOurs', () => {
    it.each([
      [OURS, OURS, true],
      [`${OURS}:live`, OURS, true],
      [`${OURS}:7`, `${OURS}:live`, true],
      [OTHER, OURS, false],
      [`${OURS}-2`, OURS, false],
      [undefined, OURS, false],
    ])('%s attached, ours %s: %s', (attached, ours, expected) => {
      expect(isOurs(attached, ours)).toBe(expected);
    });
  });
});
