import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { EnvVar } from '../../lambda/environment.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/metrics.js';
import {
  CONNECT_HANDLER_PREFIX,
  connectHandlerName,
  ConnectHandlerNameError,
  MAX_FUNCTION_NAME_LENGTH,
} from '../../lambda/settings/index.js';
import { CLIENT_CONNECT_HANDLER_PREFIX } from '../../local/ec2/client-connect.js';
import { ENDPOINT_A, logicalId, synthTemplate } from './stack-factory.js';

/** The properties of the only resource of `type` whose logical id starts with `prefix`. */
const propertiesOf = (template: Template, type: string, prefix: string) =>
  template.toJSON().Resources[logicalId(template, type, prefix)].Properties;

describe('ConnectHandler', () => {
  let template: Template;
  let functionId: string;
  beforeAll(() => {
    template = synthTemplate();
    functionId = logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction');
  });

  describe('function', () => {
    it('Compliance 1: is AWSClientVPN-<stackName>, Node.js 24 on arm64, 30 s (as long as Client VPN waits), 512 MB', () => {
      expect(template.toJSON().Resources[functionId].Properties).toMatchObject({
        FunctionName: 'AWSClientVPN-CvpnGuard',
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.gateHandler',
        Timeout: 30,
        MemorySize: 512,
      });
    });

    it('Compliance 2: is named after the stack', () => {
      const staging = synthTemplate({ stackName: 'CvpnGuard-Staging' });

      expect(propertiesOf(staging, 'AWS::Lambda::Function', 'ConnectHandlerFunction').FunctionName).toBe(
        'AWSClientVPN-CvpnGuard-Staging',
      );
    });

    it('Compliance 3: logs to its own log group with the retention of the stack', () => {
      const changed = synthTemplate({ logRetentionDays: 30 });
      const logGroupId = logicalId(changed, 'AWS::Logs::LogGroup', 'ConnectHandlerLogGroup');

      expect(propertiesOf(changed, 'AWS::Lambda::Function', 'ConnectHandlerFunction').LoggingConfig).toEqual({
        LogGroup: { Ref: logGroupId },
      });
      expect(changed.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
    });

    it('Compliance 4: its environment names its three tables and carries the settings the gate reads', () => {
      const variables = template.toJSON().Resources[functionId].Properties.Environment.Variables;

      expect(variables).toEqual({
        [EnvVar.POLICIES_TABLE]: { Ref: 'PoliciesTable' },
        [EnvVar.AUDIT_TABLE]: { Ref: 'AuditTable' },
        [EnvVar.STATE_TABLE]: { Ref: 'StateTable' },
        [EnvVar.DRY_RUN]: 'false',
        [EnvVar.DISABLED]: 'false',
        [EnvVar.AUDIT_RETENTION_DAYS]: '365',
        [EnvVar.CONNECT_FAIL_MODE]: 'admit',
        [EnvVar.CONNECT_DEADLINE_MS]: '3000',
        [EnvVar.POLICY_CACHE_SECONDS]: '30',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('Compliance 5: passes changed gate settings through', () => {
      const changed = synthTemplate({
        connectFailMode: 'refuse',
        connectDeadlineMs: '1500',
        policyCacheSeconds: '60',
        dryRun: true,
        auditRetentionDays: 30,
      });

      expect(propertiesOf(changed, 'AWS::Lambda::Function', 'ConnectHandlerFunction').Environment.Variables).toEqual(
        expect.objectContaining({
          [EnvVar.CONNECT_FAIL_MODE]: 'refuse',
          [EnvVar.CONNECT_DEADLINE_MS]: '1500',
          [EnvVar.POLICY_CACHE_SECONDS]: '60',
          [EnvVar.DRY_RUN]: 'true',
          [EnvVar.AUDIT_RETENTION_DAYS]: '30',
        }),
      );
    });

    it('Compliance 6: has no resource policy: Client VPN invokes it through its service-linked role', () => {
      template.resourceCountIs('AWS::Lambda::Permission', 0);
    });

    it('Compliance 7: its role carries no managed policy', () => {
      const roleId = logicalId(template, 'AWS::IAM::Role', 'ConnectHandlerFunctionRole');

      expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    });
  });

  describe('provisioned concurrency', () => {
    it('Compliance 1: none by default: no alias, and the function ARN is what gets attached', () => {
      template.resourceCountIs('AWS::Lambda::Alias', 0);
      template.resourceCountIs('AWS::Lambda::Version', 0);
      expect(template.toJSON().Outputs.ConnectHandlerArn.Value).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    });

    it('Compliance 2: with some, an alias live on the current version carries it, and the alias is what gets attached', () => {
      const provisioned = synthTemplate({ connectHandlerProvisionedConcurrency: '5' });
      const aliasId = logicalId(provisioned, 'AWS::Lambda::Alias', 'ConnectHandlerLiveAlias');

      expect(provisioned.toJSON().Resources[aliasId].Properties).toMatchObject({
        Name: 'live',
        FunctionName: { Ref: logicalId(provisioned, 'AWS::Lambda::Function', 'ConnectHandlerFunction') },
        FunctionVersion: { 'Fn::GetAtt': [expect.stringMatching('^ConnectHandlerFunctionCurrentVersion'), 'Version'] },
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 },
      });
      expect(provisioned.toJSON().Outputs.ConnectHandlerArn.Value).toEqual({ Ref: aliasId });
    });
  });

  describe('attachment', () => {
    const attached = () => synthTemplate({ attachConnectHandler: true, endpointIds: [ENDPOINT_A] });

    it('Compliance 1: nothing is attached by default', () => {
      template.resourceCountIs('Custom::CvpnGuardConnectHandlerAttachment', 0);
    });

    it('Compliance 2: with attachConnectHandler, a custom resource attaches the function ARN to each endpoint id', () => {
      const resources = attached().findResources('Custom::CvpnGuardConnectHandlerAttachment');
      const [resource] = Object.values(resources);

      expect(Object.keys(resources)).toHaveLength(1);
      expect(resource?.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [expect.stringMatching('ProviderframeworkonEvent'), 'Arn'] },
        FunctionArn: {
          'Fn::GetAtt': [expect.stringMatching('^ConnectHandlerFunction'), 'Arn'],
        },
        EndpointIds: [ENDPOINT_A],
      });
    });

    it('Compliance 3: with provisioned concurrency, it attaches the alias', () => {
      const template = synthTemplate({
        attachConnectHandler: true,
        endpointIds: [ENDPOINT_A],
        connectHandlerProvisionedConcurrency: 2,
      });
      const [resource] = Object.values(template.findResources('Custom::CvpnGuardConnectHandlerAttachment'));

      expect(resource?.Properties.FunctionArn).toEqual({
        Ref: logicalId(template, 'AWS::Lambda::Alias', 'ConnectHandlerLiveAlias'),
      });
    });

    it('Compliance 4: the provider is lambda/attach-handler.ts, bundled like every function', () => {
      expect(propertiesOf(attached(), 'AWS::Lambda::Function', 'ConnectHandlerAttachmentFunction')).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    });
  });
});

describe('connectHandlerName', () => {
  it('Compliance 1: is the prefix Client VPN requires, then the stack name', () => {
    expect(connectHandlerName('CvpnGuard')).toBe('AWSClientVPN-CvpnGuard');
  });

  it('Compliance 2: uses the prefix the sandbox enforces as Client VPN does', () => {
    expect(CONNECT_HANDLER_PREFIX).toBe(CLIENT_CONNECT_HANDLER_PREFIX);
  });

  it('Compliance 3: takes a stack name up to the 64-character limit of function names', () => {
    const longest = 'S'.repeat(MAX_FUNCTION_NAME_LENGTH - CONNECT_HANDLER_PREFIX.length);

    expect(connectHandlerName(longest)).toHaveLength(MAX_FUNCTION_NAME_LENGTH);
  });

  it('Noncompliance 1: refuses a stack name one longer, naming it and the limit', () => {
    const tooLong = 'S'.repeat(MAX_FUNCTION_NAME_LENGTH - CONNECT_HANDLER_PREFIX.length + 1);

    expect(() => connectHandlerName(tooLong)).toThrow(ConnectHandlerNameError);
    expect(() => connectHandlerName(tooLong)).toThrow(
      `stackName="${tooLong}": the client connect handler is named AWSClientVPN-<stackName>, 65 characters for stack name "${tooLong}"; Lambda allows 64: use a stack name of at most 51 characters`,
    );
  });
});
