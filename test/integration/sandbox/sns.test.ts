import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { bodyFor, type Sandbox } from '../../../local/index.js';
import { T0, clients, rejection, startTestSandbox } from './helpers.js';

describe('SNS in the sandbox, driven by @aws-sdk/client-sns (awsQuery)', () => {
  let sandbox: Sandbox;
  let sns: SNSClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sns = clients(sandbox).sns;
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    sns.destroy();
    await sandbox.stop();
  });

  it('publishes to the digest topic and keeps the message, attributes and request id', async () => {
    const output = await sns.send(
      new PublishCommand({
        TopicArn: sandbox.topicArn,
        Subject: 'cvpn-guard: 3 terminated',
        Message: '{"terminated":3}',
        MessageAttributes: {
          runId: { DataType: 'String', StringValue: 'run-1' },
          count: { DataType: 'Number', StringValue: '3' },
        },
      }),
    );

    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.sns.messages).toEqual([
      {
        messageId: output.MessageId,
        topicArn: 'arn:aws:sns:us-east-1:000000000000:cvpn-guard-digest',
        subject: 'cvpn-guard: 3 terminated',
        message: '{"terminated":3}',
        messageAttributes: {
          runId: { dataType: 'String', stringValue: 'run-1' },
          count: { dataType: 'Number', stringValue: '3' },
        },
        messageStructure: undefined,
        messageGroupId: undefined,
        messageDeduplicationId: undefined,
        publishedAt: new Date(T0),
        requestId: output.$metadata.requestId,
      },
    ]);
  });

  it('shows published messages in the admin API and forgets them on request', async () => {
    await sns.send(new PublishCommand({ TopicArn: sandbox.topicArn, Message: 'hello' }));

    const listed = (await (await fetch(`${sandbox.endpoint}/_sandbox/sns/messages`)).json()) as {
      messages: { message: string; publishedAt: string }[];
    };
    await fetch(`${sandbox.endpoint}/_sandbox/sns/messages`, { method: 'DELETE' });

    expect(listed.messages).toEqual([expect.objectContaining({ message: 'hello', publishedAt: T0 })]);
    expect(sandbox.sns.messages).toEqual([]);
  });

  it('creates and lists topics', async () => {
    const created = await sns.send(new CreateTopicCommand({ Name: 'alarms' }));
    const listed = await sns.send(new ListTopicsCommand({}));

    expect(created.TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:alarms');
    expect(listed.Topics?.map((topic) => topic.TopicArn)).toEqual([sandbox.topicArn, created.TopicArn]);
  });

  it('answers NotFound (404) for a topic that does not exist', async () => {
    const error = await rejection(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'm' })),
    );

    expect(error.name).toBe('NotFoundException');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(404);
  });

  it.each([
    ['an empty message', { Message: '' }, 'Empty message'],
    ['a subject with a line break', { Message: 'm', Subject: 'two\nlines' }, 'Subject'],
    ['a subject of 100 characters', { Message: 'm', Subject: 'x'.repeat(100) }, 'Subject'],
    [
      'a JSON structure without a default',
      { Message: '{"email":"x"}', MessageStructure: 'json' },
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    ],
    [
      'a JSON structure whose default is not a string',
      { Message: '{"default":{"text":"x"}}', MessageStructure: 'json' },
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    ],
    [
      'a JSON structure that is not JSON',
      { Message: 'cvpn-guard: 1 terminated', MessageStructure: 'json' },
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    ],
    [
      'a JSON structure that is an array',
      { Message: '[{"default":"x"}]', MessageStructure: 'json' },
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    ],
    ['a message over 256 KiB', { Message: 'x'.repeat(262_145) }, 'Message too long'],
  ])('refuses %s with InvalidParameter', async (_case, input, message) => {
    const error = await rejection(sns.send(new PublishCommand({ TopicArn: sandbox.topicArn, ...input })));

    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toContain(message);
  });

  it('keeps the body of each protocol of a JSON structure: default for those it does not name', async () => {
    // Act
    await sns.send(
      new PublishCommand({
        TopicArn: sandbox.topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: 'plain',
          email: 'for email',
          https: '{"version":"1.0"}',
          sqs: 7,
          note: 'x',
        }),
      }),
    );

    // Assert
    const [published] = sandbox.sns.messages;
    expect(published?.bodies).toEqual({ default: 'plain', email: 'for email', https: '{"version":"1.0"}' });
    expect(['email', 'https', 'sqs', 'lambda'].map((protocol) => bodyFor(published!, protocol))).toEqual([
      'for email',
      '{"version":"1.0"}',
      'plain',
      'plain',
    ]);
  });
});
