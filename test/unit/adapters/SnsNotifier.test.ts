import { beforeEach, describe, expect, it } from '@jest/globals';
import { AuthorizationErrorException, PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { CHAT_LIMITS, SnsNotifier } from '../../../lambda/adapters/SnsNotifier.js';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:cvpn-guard-digest';
/** SNS takes 256 KiB; the notifier keeps 1 KiB of it spare. */
const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;
const MARKER = '\n… (truncated: the audit table has every record)';
const snsMock = mockClient(SNSClient);

/** True when `text` holds no half of a surrogate pair (such text survives UTF-8 unchanged). */
function isWellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

describe('SnsNotifier', () => {
  const notifier = () => new SnsNotifier(new SNSClient({ region: 'us-east-1' }), TOPIC);
  const published = (): PublishCommandInput => {
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    return calls[0]?.args[0].input as PublishCommandInput;
  };

  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('publishes the subject and message of a digest to its topic as they are', async () => {
    // Act
    await notifier().publish({ subject: 'cvpn-guard: 3 terminated', message: 'cvpn-guard run r-1: 3 terminated.' });

    // Assert
    expect(published()).toEqual({
      TopicArn: TOPIC,
      Subject: 'cvpn-guard: 3 terminated',
      Message: 'cvpn-guard run r-1: 3 terminated.',
    });
  });

  it('replaces what an SNS subject may not hold (line breaks, control and non-ASCII characters) with "?"', async () => {
    // Act
    await notifier().publish({ subject: 'cvpn-guard: 1 terminated\n(José\t😀)', message: 'm' });

    // Assert
    expect(published().Subject).toBe('cvpn-guard: 1 terminated?(Jos????)');
  });

  it('cuts a long subject to 99 characters (SNS takes fewer than 100)', async () => {
    // Arrange
    const subject = `cvpn-guard: ${'9'.repeat(200)}`;

    // Act
    await notifier().publish({ subject, message: 'm' });

    // Assert
    expect(published().Subject).toBe(subject.slice(0, 99));
  });

  it('keeps a subject of 99 characters whole', async () => {
    // Arrange
    const subject = 's'.repeat(99);

    // Act
    await notifier().publish({ subject, message: 'm' });

    // Assert
    expect(published().Subject).toBe(subject);
  });

  it('keeps a message that fits whole, up to the last byte', async () => {
    // Arrange: three-byte characters, to count bytes and not characters.
    const message = 'x'.repeat(MAX_MESSAGE_BYTES - 3 * 1000) + '€'.repeat(1000);

    // Act
    await notifier().publish({ subject: 's', message });

    // Assert
    expect(published().Message).toBe(message);
  });

  it('cuts a message one byte too long, and says where the rest is', async () => {
    // Arrange
    const message = 'x'.repeat(MAX_MESSAGE_BYTES + 1);

    // Act
    await notifier().publish({ subject: 's', message });

    // Assert
    const sent = published().Message ?? '';
    expect(sent.endsWith(MARKER)).toBe(true);
    expect(message.startsWith(sent.slice(0, -MARKER.length))).toBe(true);
    // Cut in steps of 64 characters: at most one step short of the limit.
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(Buffer.byteLength(sent)).toBeGreaterThan(MAX_MESSAGE_BYTES - 64);
  });

  it('cuts a message of multi-byte characters by bytes, keeping its start', async () => {
    // Arrange
    const message = '€'.repeat(MAX_MESSAGE_BYTES);

    // Act
    await notifier().publish({ subject: 's', message });

    // Assert
    const sent = published().Message ?? '';
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    // Cut in steps of 64 characters: at most one step short of the limit.
    expect(Buffer.byteLength(sent)).toBeGreaterThan(MAX_MESSAGE_BYTES - 64 * 3);
    expect(sent.endsWith(MARKER)).toBe(true);
    expect(message.startsWith(sent.slice(0, -MARKER.length))).toBe(true);
  });

  it.each([
    ['an even', ''],
    ['an odd', 'x'],
  ])('never cuts a character outside the Basic Multilingual Plane in two (at %s offset)', async (_case, prefix) => {
    // Arrange: emoji are two UTF-16 code units; half of one is not text (the SDK refuses to send it).
    const message = prefix + '😀'.repeat(MAX_MESSAGE_BYTES / 2);

    // Act
    await notifier().publish({ subject: 's', message });

    // Assert
    const sent = published().Message ?? '';
    expect(isWellFormed(sent)).toBe(true);
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message.startsWith(sent.slice(0, -MARKER.length))).toBe(true);
  });

  it('passes an SNS error on, for the run to log', async () => {
    // Arrange
    const error = new AuthorizationErrorException({ message: 'not allowed to publish', $metadata: {} });
    snsMock.on(PublishCommand).rejects(error);

    // Act
    const publishing = notifier().publish({ subject: 's', message: 'm' });

    // Assert
    await expect(publishing).rejects.toBe(error);
  });

  describe('with a chat body', () => {
    const chat = {
      title: ':shield: cvpn-guard: 3 terminated',
      description: 'Run `r-1`: 3 connection(s) seen.\n- terminated: c1',
      nextSteps: ['cvpn-guard audit show r-1'],
      keywords: ['cvpn-guard'],
    };
    const structure = () => JSON.parse(published().Message ?? '') as Record<string, string>;

    it('publishes a JSON structure: plain text for default and email, the custom notification for https', async () => {
      // Act
      await notifier().publish({ subject: 's', message: 'cvpn-guard run r-1: 3 terminated.', chat });

      // Assert
      expect(published().MessageStructure).toBe('json');
      expect(Object.keys(structure()).sort()).toEqual(['default', 'email', 'https']);
      expect(structure().default).toBe('cvpn-guard run r-1: 3 terminated.');
      expect(structure().email).toBe('cvpn-guard run r-1: 3 terminated.');
      expect(JSON.parse(structure().https ?? '')).toEqual({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown', ...chat },
      });
    });

    it('keeps the chat body within its limits, saying how many lines were left out', async () => {
      // Arrange
      const lines = Array.from({ length: 2000 }, (_, i) => `- terminated: cvpn-connection-${i} (alice)`);
      const long = { title: `cvpn-guard: ${'x'.repeat(400)}\nsecond line`, description: lines.join('\n') };

      // Act
      await notifier().publish({ subject: 's', message: 'm', chat: long });

      // Assert
      const content = (JSON.parse(structure().https ?? '') as { content: Record<string, string> }).content;
      expect([...(content.title ?? '')].length).toBeLessThanOrEqual(CHAT_LIMITS.title);
      expect(content.title).not.toContain('\n');
      expect([...(content.description ?? '')].length).toBeLessThanOrEqual(CHAT_LIMITS.description);
      expect(content.description).toMatch(/\n… and \d+ more lines in the audit table$/);
    });

    it('cuts the plain text so that the whole structure stays under SNS limit', async () => {
      // Arrange: line breaks and quotes grow when escaped as JSON.
      const message = `cvpn-guard run r-1.\n${'- "terminated": c\n'.repeat(40_000)}`;

      // Act
      await notifier().publish({ subject: 's', message, chat });

      // Assert
      const sent = published().Message ?? '';
      expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(structure().email?.endsWith(MARKER)).toBe(true);
      expect(structure().email).toBe(structure().default);
    });
  });
});
