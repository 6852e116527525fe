/** Settings shared by every SDK client of the enforcer and the CLI. Imports no SDK package, so it costs nothing to load. */

/** Where and as whom a client talks. */
export interface AwsClientOptions {
  /** @default the SDK's own resolution (AWS_REGION) */
  readonly region?: string;
  /** Overrides every client's endpoint (the sandbox). @default the SDK's own resolution (incl. `AWS_ENDPOINT_URL*`) */
  readonly endpoint?: string;
  /** @default the SDK's credential chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default 3 */
  readonly maxAttempts?: number;
}

/** The client configuration: the SDK's adaptive retry mode, plus the options given. */
export function sdkClientSettings(options: AwsClientOptions = {}) {
  return {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
}

/** Document client translation: undefined attributes are left out. */
export const DOCUMENT_CLIENT_OPTIONS = { marshallOptions: { removeUndefinedValues: true } } as const;
