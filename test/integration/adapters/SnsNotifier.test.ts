import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SnsNotifier } from '../../../lambda/adapters/SnsNotifier.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { bodyFor, type Sandbox, startSandbox } from '../../../local/index.js';
import { digestOf } from '../../../lambda/run/digest.js';
import type { RunReport } from '../../../lambda/run/RunReport.js';

const MARKER = '\n… (truncated: the audit table has every record)';

describe('SnsNotifier', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let notifier: SnsNotifier;
  const sent = () => sandbox.sns.messages.map(({ topicArn, subject, message }) => ({ topicArn, subject, message }));

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: '2026-11-26T10:00:00Z', frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    notifier = new SnsNotifier(clients.sns, sandbox.topicArn);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.sns.destroy();
    await sandbox?.stop();
  });

  it('publishes a digest to the topic', async () => {
    // Act
    await notifier.publish({ subject: 'cvpn-guard: 2 terminated', message: 'cvpn-guard run r-1: 2 terminated.' });

    // Assert
    expect(sent()).toEqual([
      { topicArn: sandbox.topicArn, subject: 'cvpn-guard: 2 terminated', message: 'cvpn-guard run r-1: 2 terminated.' },
    ]);
  });

  it('gets a subject SNS would refuse accepted: too long, with a line break, not ASCII', async () => {
    // Arrange
    const long = `cvpn-guard: ${Array.from({ length: 12 }, (_, i) => `${i + 1000} capped`).join(', ')}`;

    // Act
    await notifier.publish({ subject: long, message: 'm1' });
    await notifier.publish({ subject: 'cvpn-guard: 1 terminated\n(Zoë 😀)', message: 'm2' });

    // Assert
    expect(sent().map((message) => message.subject)).toEqual([long.slice(0, 99), 'cvpn-guard: 1 terminated?(Zo? ??)']);
  });

  it('gets a message over 256 KiB accepted, cut, with word of where the rest is', async () => {
    // Arrange
    const message = `cvpn-guard run r-1: 5000 terminated.\n${'- terminated: cvpn-connection-0 (alice)\n'.repeat(8000)}`;

    // Act
    await notifier.publish({ subject: 's', message });

    // Assert
    const [published] = sent();
    expect(published?.message.endsWith(MARKER)).toBe(true);
    expect(message.startsWith(published?.message.slice(0, -MARKER.length) ?? '?')).toBe(true);
    expect(Buffer.byteLength(published?.message ?? '')).toBeLessThanOrEqual(256 * 1024);
  });

  it('gets a long message of characters outside the Basic Multilingual Plane accepted', async () => {
    // Arrange: an odd offset puts a cut at 64-character steps inside an emoji.
    const message = `x${'😀'.repeat(131_072)}`;

    // Act
    await notifier.publish({ subject: 's', message });

    // Assert
    const [published] = sent();
    expect(published?.message.endsWith(MARKER)).toBe(true);
    expect(message.startsWith(published?.message.slice(0, -MARKER.length) ?? '?')).toBe(true);
  });

  it('fails with the SNS error when the topic does not exist', async () => {
    // Arrange
    const elsewhere = new SnsNotifier(clients.sns, 'arn:aws:sns:us-east-1:000000000000:gone');

    // Act
    const publishing = elsewhere.publish({ subject: 's', message: 'm' });

    // Assert
    await expect(publishing).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    expect(sent()).toEqual([]);
  });

  it('fails with the SNS error when SNS answers an internal error', async () => {
    // Arrange
    sandbox.faults.set([{ service: 'sns', actions: ['Publish'], kind: 'error' }]);

    // Act
    const publishing = notifier.publish({ subject: 's', message: 'm' });

    // Assert
    await expect(publishing).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(sent()).toEqual([]);
  });

  it('gives email subscribers the plain text and chat (https) subscribers the custom notification', async () => {
    // Arrange: a run's digest, as the run publishes it.
    const at = new Date('2026-11-26T10:00:00Z');
    const report: RunReport = {
      runId: 'run-2026-11-26T10:00:00Z',
      status: 'completed',
      trigger: 'schedule',
      dryRun: false,
      startedAt: at,
      finishedAt: at,
      durationMs: 0,
      endpoints: 1,
      endpointErrors: [],
      connectionsSeen: 4,
      decisions: [],
      records: [
        {
          recordType: 'decision',
          runId: 'run-2026-11-26T10:00:00Z',
          at: at.toISOString(),
          firstSeenAt: at.toISOString(),
          outcome: 'terminated',
          policyId: 'offboarded',
          policyKind: 'revoked-user',
          mode: 'enforce',
          firedPolicies: [],
          reason: 'user mallory is revoked (policy offboarded)',
          policyReason: 'left the company',
          endpointId: 'cvpn-endpoint-0aaaaaaaaaaaaaaa1',
          connectionId: 'cvpn-connection-1',
          username: 'mallory',
        },
      ],
      counts: { terminated: 1 },
      findings: [],
      terminateCalls: 1,
      throttledCalls: 0,
      reconciled: 0,
      lateFailures: [],
      auditFailures: 0,
      groups: { unknown: 0, mismatched: 0, selectingRows: [] },
    };
    const digest = digestOf(report)!;

    // Act
    await notifier.publish(digest);

    // Assert
    const [published] = sandbox.sns.messages;
    expect(published?.messageStructure).toBe('json');
    expect(bodyFor(published!, 'email')).toBe(digest.message);
    expect(bodyFor(published!, 'email')).toContain(
      '- terminated: cvpn-connection-1 on cvpn-endpoint-0aaaaaaaaaaaaaaa1 (mallory): user mallory is revoked',
    );
    const chat = JSON.parse(bodyFor(published!, 'https')) as Record<string, Record<string, unknown>>;
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: expect.stringContaining('1 terminated') },
    });
    expect(chat.content?.description).toContain("row's reason: left the company");
    expect(chat.content?.nextSteps).toEqual(['cvpn-guard audit show run-2026-11-26T10:00:00Z']);
  });
});
