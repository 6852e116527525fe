/** A digest as a chat application shows it (AWS Chatbot / Amazon Q Developer custom notification content). */
export interface ChatDigest {
  /** One line, markdown. */
  readonly title: string;
  /** The body, markdown. */
  readonly description: string;
  /** What a person may do next, one line each. @default none */
  readonly nextSteps?: readonly string[];
  /** Short labels the chat shows with the message. @default none */
  readonly keywords?: readonly string[];
}

/** One digest of a run that terminated, failed, capped or found something. */
export interface RunDigest {
  readonly subject: string;
  /** Plain text, for email and every protocol without a body of its own. */
  readonly message: string;
  /** The same digest for chat. @default none: chat subscribers get the plain text */
  readonly chat?: ChatDigest;
}

/** Where run digests go (the SNS topic). */
export interface Notifier {
  publish(digest: RunDigest): Promise<void>;
}
