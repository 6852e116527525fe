/**
 * Attaching, detaching and reading the client connect handler against the sandbox's Client VPN, which answers
 * ModifyClientVpnEndpoint `ClientConnectOptions` and DescribeClientVpnEndpoints as EC2 does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { attach, DetachOutcome, detachIfOurs, status } from '../../../lambda/adapters/ConnectHandlerAttachment.js';
import { onAttachmentEvent } from '../../../lambda/attach-handler.js';
import { ClientVpnError, ClientVpnNotFoundError } from '../../../lambda/ports/index.js';
import type { Sandbox } from '../../../local/index.js';
import { clients, ENDPOINT_A, ENDPOINT_B, startTestSandbox } from '../sandbox/helpers.js';

const OURS = 'AWSClientVPN-CvpnGuard';
const THEIRS = 'AWSClientVPN-Other';
const UNKNOWN_ENDPOINT = 'cvpn-endpoint-0f0f0f0f0f0f0f0f9';

describe('ConnectHandlerAttachment on the sandbox', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;
  let ours: string;
  let theirs: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ec2 = clients(sandbox).ec2;
    ours = sandbox.lambda.arn(OURS);
    theirs = sandbox.lambda.arn(THEIRS);
  });

  beforeEach(async () => {
    await sandbox.reset();
    sandbox.lambda.register(OURS, async () => ({ allow: true }));
    sandbox.lambda.register(THEIRS, async () => ({ allow: true }));
  });

  afterAll(async () => {
    ec2?.destroy();
    await sandbox?.stop();
  });

  it('attaches the handler to one endpoint, which then reports it applied, the other untouched', async () => {
    // Act
    await attach(ec2, ENDPOINT_A, ours);

    // Assert
    expect(await status(ec2, ENDPOINT_A)).toEqual({
      enabled: true,
      arn: ours,
      statusCode: 'applied',
      statusMessage: undefined,
    });
    expect(await status(ec2, ENDPOINT_B)).toMatchObject({ enabled: false, arn: undefined });
  });

  it('detaches an endpoint pointing at our handler', async () => {
    await attach(ec2, ENDPOINT_A, ours);

    expect(await detachIfOurs(ec2, ENDPOINT_A, ours)).toBe(DetachOutcome.DETACHED);
    expect(await status(ec2, ENDPOINT_A)).toMatchObject({ enabled: false });
  });

  it('leaves an endpoint someone pointed at another function since', async () => {
    await attach(ec2, ENDPOINT_A, ours);
    await attach(ec2, ENDPOINT_A, theirs);

    expect(await detachIfOurs(ec2, ENDPOINT_A, ours)).toBe(DetachOutcome.NOT_OURS);
    expect(await status(ec2, ENDPOINT_A)).toMatchObject({ enabled: true, arn: theirs });
  });

  it('answers not-attached for an endpoint without a handler, and gone for one that does not exist', async () => {
    expect(await detachIfOurs(ec2, ENDPOINT_B, ours)).toBe(DetachOutcome.NOT_ATTACHED);
    expect(await detachIfOurs(ec2, UNKNOWN_ENDPOINT, ours)).toBe(DetachOutcome.GONE);
  });

  it('reports an unknown endpoint as not found, and a function that does not exist as EC2 refuses it', async () => {
    await expect(status(ec2, UNKNOWN_ENDPOINT)).rejects.toBeInstanceOf(ClientVpnNotFoundError);

    const refused = await attach(ec2, ENDPOINT_A, sandbox.lambda.arn('AWSClientVPN-Missing')).catch(
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(ClientVpnError);
    expect((refused as Error).message).toContain('InvalidParameterValue');
    expect(await status(ec2, ENDPOINT_A)).toMatchObject({ enabled: false });
  });

  it("the stack's custom resource attaches on Create and, on Delete, detaches only where still ours", async () => {
    // Arrange
    const base = {
      ServiceToken: 'provider',
      ResponseURL: 'https://example.com/response',
      StackId: 'stack',
      RequestId: 'request-1',
      LogicalResourceId: 'Attachment',
      ResourceType: 'Custom::CvpnGuardConnectHandlerAttachment',
    };
    const properties = { ServiceToken: 'provider', FunctionArn: ours, EndpointIds: [ENDPOINT_A, ENDPOINT_B] };
    const logger = new Logger({ logLevel: 'SILENT' });

    // Act
    await onAttachmentEvent({ ...base, RequestType: 'Create', ResourceProperties: properties }, ec2, logger);
    const attached = [await status(ec2, ENDPOINT_A), await status(ec2, ENDPOINT_B)];
    await attach(ec2, ENDPOINT_B, theirs);
    await onAttachmentEvent(
      { ...base, RequestType: 'Delete', PhysicalResourceId: 'Attachment', ResourceProperties: properties },
      ec2,
      logger,
    );

    // Assert
    expect(attached.map((endpoint) => endpoint.arn)).toEqual([ours, ours]);
    expect(await status(ec2, ENDPOINT_A)).toMatchObject({ enabled: false });
    expect(await status(ec2, ENDPOINT_B)).toMatchObject({ enabled: true, arn: theirs });
  });
});
