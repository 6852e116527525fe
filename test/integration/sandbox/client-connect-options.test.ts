import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeClientVpnEndpointsCommand, type EC2Client, ModifyClientVpnEndpointCommand } from '@aws-sdk/client-ec2';
import type { Sandbox } from '../../../local/index.js';
import { ENDPOINT_A, ENDPOINT_B, clients, ec2Form, raw, rejection, startTestSandbox } from './helpers.js';

const GATE = 'AWSClientVPN-gate';

describe('ClientConnectOptions of the Client VPN emulator, driven by @aws-sdk/client-ec2', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;
  let gateArn: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    ec2 = clients(sandbox).ec2;
    gateArn = sandbox.lambda.arn(GATE);
  });

  beforeEach(async () => {
    await sandbox.reset();
    sandbox.lambda.register(GATE, async () => ({}));
  });

  afterAll(async () => {
    ec2.destroy();
    await sandbox.stop();
  });

  const attach = (endpointId: string, arn: string) =>
    ec2.send(
      new ModifyClientVpnEndpointCommand({
        ClientVpnEndpointId: endpointId,
        ClientConnectOptions: { Enabled: true, LambdaFunctionArn: arn },
      }),
    );

  async function clientConnectOptions(endpointId: string) {
    const output = await ec2.send(new DescribeClientVpnEndpointsCommand({ ClientVpnEndpointIds: [endpointId] }));
    return output.ClientVpnEndpoints?.[0]?.ClientConnectOptions;
  }

  it('describes an endpoint without a handler as not enabled, applied', async () => {
    expect(await clientConnectOptions(ENDPOINT_A)).toEqual({ Enabled: false, Status: { Code: 'applied' } });
  });

  it('attaches a handler to one endpoint, described with its ARN, the other endpoint unchanged', async () => {
    const output = await attach(ENDPOINT_A, gateArn);

    expect(output.Return).toBe(true);
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await clientConnectOptions(ENDPOINT_A)).toEqual({
      Enabled: true,
      LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:AWSClientVPN-gate',
      Status: { Code: 'applied' },
    });
    expect(await clientConnectOptions(ENDPOINT_B)).toEqual({ Enabled: false, Status: { Code: 'applied' } });
  });

  it('detaches the handler with Enabled false', async () => {
    await attach(ENDPOINT_A, gateArn);

    await ec2.send(
      new ModifyClientVpnEndpointCommand({ ClientVpnEndpointId: ENDPOINT_A, ClientConnectOptions: { Enabled: false } }),
    );

    expect(await clientConnectOptions(ENDPOINT_A)).toEqual({ Enabled: false, Status: { Code: 'applied' } });
  });

  it('takes a qualified ARN: $LATEST exists, an alias does not (the sandbox has none)', async () => {
    await attach(ENDPOINT_A, `${gateArn}:$LATEST`);
    const alias = await rejection(attach(ENDPOINT_A, `${gateArn}:live`));

    expect((await clientConnectOptions(ENDPOINT_A))?.LambdaFunctionArn).toBe(`${gateArn}:$LATEST`);
    expect(alias.name).toBe('InvalidParameterValue');
  });

  it.each([
    [
      'a function whose name lacks the AWSClientVPN- prefix',
      'arn:aws:lambda:us-east-1:000000000000:function:gate',
      'the function name must begin with AWSClientVPN-',
    ],
    [
      'a function in another Region',
      'arn:aws:lambda:eu-west-1:000000000000:function:AWSClientVPN-gate',
      'the function must be in the Region of the Client VPN endpoint (us-east-1)',
    ],
    [
      'a function in another account',
      'arn:aws:lambda:us-east-1:123456789012:function:AWSClientVPN-gate',
      'the function must be in the account of the Client VPN endpoint (000000000000)',
    ],
    ['a function name instead of an ARN', GATE, 'expected a Lambda function ARN'],
    ['an ARN of another service', 'arn:aws:sns:us-east-1:000000000000:AWSClientVPN-gate', 'expected a Lambda'],
    [
      'a function that does not exist',
      'arn:aws:lambda:us-east-1:000000000000:function:AWSClientVPN-missing',
      'the Lambda function does not exist',
    ],
  ])('refuses %s with InvalidParameterValue 400', async (_case, arn, reason) => {
    const error = await rejection(attach(ENDPOINT_A, arn));

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toContain(`Invalid LambdaFunctionArn '${arn}': ${reason}`);
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    expect(await clientConnectOptions(ENDPOINT_A)).toMatchObject({ Enabled: false });
  });

  it('refuses Enabled true without a LambdaFunctionArn with MissingParameter', async () => {
    const error = await rejection(
      ec2.send(
        new ModifyClientVpnEndpointCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ClientConnectOptions: { Enabled: true },
        }),
      ),
    );

    expect(error.name).toBe('MissingParameter');
    expect(error.message).toBe('The request must contain the parameter ClientConnectOptions.LambdaFunctionArn');
  });

  it('answers InvalidClientVpnEndpointId.NotFound for an unknown endpoint', async () => {
    const error = await rejection(attach('cvpn-endpoint-0123456789abcdef0', gateArn));

    expect(error.name).toBe('InvalidClientVpnEndpointId.NotFound');
  });

  it('answers DryRunOperation when permitted, UnauthorizedOperation when the permission is denied', async () => {
    const dryRun = await rejection(
      ec2.send(
        new ModifyClientVpnEndpointCommand({
          ClientVpnEndpointId: ENDPOINT_A,
          ClientConnectOptions: { Enabled: true, LambdaFunctionArn: gateArn },
          DryRun: true,
        }),
      ),
    );
    sandbox.emulator.permissions.deny('ModifyClientVpnEndpoint', ENDPOINT_A);
    const denied = await rejection(attach(ENDPOINT_A, gateArn));

    expect(dryRun.name).toBe('DryRunOperation');
    expect((dryRun.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(412);
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(await clientConnectOptions(ENDPOINT_A)).toMatchObject({ Enabled: false });
  });

  it('refuses the parameters it does not emulate with Unsupported, rather than ignoring them', async () => {
    const error = await rejection(
      ec2.send(new ModifyClientVpnEndpointCommand({ ClientVpnEndpointId: ENDPOINT_A, Description: 'renamed' })),
    );

    expect(error.name).toBe('Unsupported');
    expect(error.message).toContain('it does not emulate Description');
  });

  it("throttles ModifyClientVpnEndpoint with the mutating actions' bucket", async () => {
    sandbox.emulator.configureThrottling({ mutating: { burst: 1, refillPerSecond: 0 } });

    await attach(ENDPOINT_A, gateArn);
    const error = await rejection(attach(ENDPOINT_B, gateArn));

    expect(error.name).toBe('RequestLimitExceeded');
  });

  it('answers the Query protocol as EC2 does: the return element in the 2016-11-15 namespace', async () => {
    const answer = await raw(sandbox, {
      body: ec2Form({
        Action: 'ModifyClientVpnEndpoint',
        ClientVpnEndpointId: ENDPOINT_A,
        'ClientConnectOptions.Enabled': 'true',
        'ClientConnectOptions.LambdaFunctionArn': gateArn,
      }),
    });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const requestId = answer.headers.get('x-amzn-requestid') ?? '';
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ModifyClientVpnEndpointResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
        `<requestId>${requestId}</requestId><return>true</return></ModifyClientVpnEndpointResponse>`,
    );
  });
});
