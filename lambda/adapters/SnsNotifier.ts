import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ChatDigest, Notifier, RunDigest } from '../ports/index.js';

/** SNS takes a subject of fewer than 100 characters and a message of at most 256 KiB. */
const MAX_SUBJECT = 99;
const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;
const TRUNCATED = '\n… (truncated: the audit table has every record)';
/**
 * Limits of a custom notification kept well inside what AWS Chatbot (Amazon Q Developer in chat
 * applications) renders: a one-line title, a description a chat shows on a screen or two, a few next steps.
 */
export const CHAT_LIMITS = {
  title: 250,
  description: 8000,
  nextSteps: 5,
  nextStep: 200,
  keywords: 10,
  keyword: 50,
} as const;

/**
 * Run digests to one SNS topic, with `MessageStructure: 'json'` when the digest has a chat body: `default`
 * and `email` get the plain text, `https` (how AWS Chatbot subscribes) the custom notification JSON.
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  public async publish(digest: RunDigest): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects must be ASCII without line breaks.
        Subject: digest.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SUBJECT),
        ...(digest.chat
          ? { MessageStructure: 'json', Message: structuredMessage(digest.message, digest.chat) }
          : { Message: truncateUtf8(digest.message, MAX_MESSAGE_BYTES) }),
      }),
    );
  }
}

/** The custom notification AWS Chatbot renders: version 1.0, source custom, markdown content within its limits. */
export function chatNotification(chat: ChatDigest): string {
  const nextSteps = (chat.nextSteps ?? [])
    .slice(0, CHAT_LIMITS.nextSteps)
    .map((step) => cut(step, CHAT_LIMITS.nextStep));
  const keywords = (chat.keywords ?? []).slice(0, CHAT_LIMITS.keywords).map((word) => cut(word, CHAT_LIMITS.keyword));
  return JSON.stringify({
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: cut(chat.title.replace(/\s*\n\s*/g, ' '), CHAT_LIMITS.title),
      description: byLines(chat.description, CHAT_LIMITS.description),
      ...(nextSteps.length ? { nextSteps } : {}),
      ...(keywords.length ? { keywords } : {}),
    },
  });
}

/** The `MessageStructure: 'json'` message: the plain text twice and the chat body, cut to fit SNS's limit. */
function structuredMessage(plain: string, chat: ChatDigest): string {
  const https = chatNotification(chat);
  let budget = MAX_MESSAGE_BYTES - Buffer.byteLength(JSON.stringify(https));
  for (;;) {
    const text = truncateUtf8(plain, Math.max(0, Math.floor(budget / 2) - 64));
    const message = JSON.stringify({ default: text, email: text, https });
    if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES) return message;
    // JSON escapes (line breaks, quotes, control characters) made the text longer than its bytes.
    budget = Math.floor(budget * 0.9);
  }
}

/** The first lines of `text` that fit `max` characters, then how many lines were left out. */
function byLines(text: string, max: number): string {
  if ([...text].length <= max) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const length = [...line].length + 1;
    if (used + length > max - 80) break;
    kept.push(line);
    used += length;
  }
  const left = lines.length - kept.length;
  if (kept.length === 0) return `${cut(text, max - 80)}\n… and more in the audit table`;
  return [...kept, `… and ${left} more ${left === 1 ? 'line' : 'lines'} in the audit table`].join('\n');
}

/** At most `max` characters (code points), with an ellipsis when cut. */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cutText = text.slice(0, Math.max(0, maxBytes - TRUNCATED.length));
  while (cutText.length > 0 && Buffer.byteLength(cutText) > maxBytes - Buffer.byteLength(TRUNCATED))
    cutText = cutText.slice(0, -64);
  // Half of a surrogate pair is not text: the SDK refuses to encode it.
  if (/[\uD800-\uDBFF]$/.test(cutText)) cutText = cutText.slice(0, -1);
  return cutText + TRUNCATED;
}
