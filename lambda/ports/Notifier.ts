/** One digest of a run that terminated, failed, capped or found something. */
export interface RunDigest {
  readonly subject: string;
  readonly message: string;
}

/** Where run digests go (the SNS topic). */
export interface Notifier {
  publish(digest: RunDigest): Promise<void>;
}
