import { describe, expect, it } from '@jest/globals';
import { HUB_ONLY_OUTPUTS, StackOutput } from '../../lib/outputs.js';
import { buildApp, logicalId, synthTemplate } from './stack-factory.js';

describe('Outputs', () => {
  it('Compliance 1: has the stable names the CLI reads, each pointing at its resource', () => {
    const template = synthTemplate();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(Object.keys(outputs).sort()).toEqual(
      Object.values(StackOutput)
        .filter((output) => !HUB_ONLY_OUTPUTS.includes(output))
        .sort(),
    );
    expect(outputs[StackOutput.POLICIES_TABLE_NAME]?.Value).toEqual({ Ref: 'PoliciesTable' });
    expect(outputs[StackOutput.AUDIT_TABLE_NAME]?.Value).toEqual({ Ref: 'AuditTable' });
    expect(outputs[StackOutput.STATE_TABLE_NAME]?.Value).toEqual({ Ref: 'StateTable' });
    expect(outputs[StackOutput.FUNCTION_NAME]?.Value).toEqual({
      Ref: logicalId(template, 'AWS::Lambda::Function', 'EnforcerFunction'),
    });
    expect(outputs[StackOutput.TOPIC_ARN]?.Value).toEqual({
      Ref: logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic'),
    });
    expect(outputs[StackOutput.CONNECT_HANDLER_FUNCTION_NAME]?.Value).toEqual({
      Ref: logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction'),
    });
    expect(outputs[StackOutput.CONNECT_HANDLER_ARN]?.Value).toEqual({
      'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'ConnectHandlerFunction'), 'Arn'],
    });
    const failureQueue = logicalId(template, 'AWS::SQS::Queue', 'PolicyChangesFailureQueue');
    expect(outputs[StackOutput.CHANGE_FAILURE_QUEUE_URL]?.Value).toEqual({ Ref: failureQueue });
    expect(outputs[StackOutput.CHANGE_FAILURE_QUEUE_ARN]?.Value).toEqual({ 'Fn::GetAtt': [failureQueue, 'Arn'] });
    expect(outputs[StackOutput.DASHBOARD_URL]?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'AWS::Region' },
          '.console.aws.amazon.com/cloudwatch/home?region=',
          { Ref: 'AWS::Region' },
          '#dashboards:name=',
          { Ref: logicalId(template, 'AWS::CloudWatch::Dashboard', 'Dashboard') },
        ],
      ],
    });
  });

  it('Compliance 2: the stack is named CvpnGuard unless stackName says otherwise', () => {
    expect(buildApp().stack.stackName).toBe('CvpnGuard');
    expect(buildApp({ stackName: 'CvpnGuard-Staging' }).stack.stackName).toBe('CvpnGuard-Staging');
  });
});
