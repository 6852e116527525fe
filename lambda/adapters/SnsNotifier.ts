import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, RunDigest } from '../ports/index.js';

/** SNS takes a subject of fewer than 100 characters and a message of at most 256 KiB. */
const MAX_SUBJECT = 99;
const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

/** Run digests to one SNS topic. */
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
        Message: truncateUtf8(digest.message, MAX_MESSAGE_BYTES),
      }),
    );
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = '\n… (truncated: the audit table has every record)';
  let cut = text.slice(0, maxBytes - marker.length);
  while (Buffer.byteLength(cut) > maxBytes - Buffer.byteLength(marker)) cut = cut.slice(0, -64);
  // Half of a surrogate pair is not text: the SDK refuses to encode it.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + marker;
}
