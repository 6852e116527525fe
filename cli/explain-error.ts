import { errorCode } from '../lambda/adapters/aws-errors.js';
import { AuditPageTokenError, PortError } from '../lambda/ports/index.js';
import { CliError, CliOperationError, CliUsageError } from './errors.js';
import type { AwsSettings } from './target.js';

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'InvalidSignatureException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'TimeoutError',
]);

/** What the CLI knows about where it was talking, to make an error's fix concrete. */
export interface ErrorScene {
  readonly settings?: AwsSettings;
  /** The stack given with --stack, if any. */
  readonly stack?: string;
}

/**
 * Any error a command let through, as the error a person reads: what failed, with which value, and the
 * fix. Errors the CLI raised itself pass unchanged; AWS SDK and network errors are named by their code.
 * Never prints credentials: only codes and the services' own messages, which carry none.
 */
export function explainError(error: unknown, scene: ErrorScene = {}): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof AuditPageTokenError)
    return new CliUsageError(`--next-token: ${error.message}`, { cause: error });
  const code = networkCode(error) ?? errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const region = scene.settings?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const where = region ? ` in region ${region}` : '';

  if (UNREACHABLE.has(code)) {
    const endpoint = scene.settings?.endpoint;
    if (scene.settings?.sandbox) {
      return new CliOperationError(
        `nothing answers at ${endpoint} (${code}): start the sandbox with \`cvpn-guard sandbox\`, or pass --sandbox=URL with the port it listens on`,
        { cause: error },
      );
    }
    return new CliOperationError(
      `could not reach AWS${endpoint ? ` at ${endpoint}` : where} (${code}): check the network, --endpoint-url and --region`,
      { cause: error },
    );
  }
  if (/region is missing/i.test(message)) {
    return new CliUsageError(
      'no AWS region: pass --region REGION, set AWS_REGION, or set a region in your AWS profile',
      { cause: error },
    );
  }
  if (CREDENTIAL_ERRORS.has(code) || /could not load credentials/i.test(message)) {
    return new CliOperationError(
      `no AWS credentials: pass --profile NAME or set AWS_PROFILE, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --sandbox for the local sandbox (${message})`,
      { cause: error },
    );
  }
  if (EXPIRED_CREDENTIALS.has(code)) {
    return new CliOperationError(
      `the AWS credentials have expired (${code}): refresh them (for SSO: aws sso login${scene.settings?.profile ? ` --profile ${scene.settings.profile}` : ''}) and run the command again`,
      { cause: error },
    );
  }
  if (BAD_CREDENTIALS.has(code)) {
    return new CliOperationError(
      `AWS refused the credentials (${code}): check --profile / AWS_PROFILE and the keys in your environment`,
      { cause: error },
    );
  }
  if (DENIED.has(code) || code === 'UnauthorizedOperation') {
    return new CliOperationError(
      `not allowed (${code}): ${message}. Use credentials whose IAM policy allows it (--profile NAME)`,
      { cause: error },
    );
  }
  if (code === 'ResourceNotFoundException') {
    return new CliOperationError(
      `${message}${where}: check the table names (--stack, --policies-table, --audit-table, --state-table) and --region`,
      { cause: error },
    );
  }
  if (code === 'ValidationError' && /stack .* does not exist/i.test(message)) {
    return new CliUsageError(
      `stack ${scene.stack ?? ''} does not exist${where}: check --stack (the CloudFormation stack name, such as CvpnGuard) and --region (a hub: its Region is --hub-region, and --region selects spokes)`,
      { cause: error },
    );
  }
  if (error instanceof PortError) return new CliOperationError(error.message, { cause: error });
  return new CliOperationError(code && code !== 'Error' && !message.includes(code) ? `${code}: ${message}` : message, {
    cause: error,
  });
}

/** The system error code of a network failure, wherever the SDK wrapped it. */
function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = (current as { code?: unknown }).code;
    if (typeof candidate === 'string' && UNREACHABLE.has(candidate)) return candidate;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const inner = errors
        .map((entry) => (entry as { code?: unknown }).code)
        .find((entry) => typeof entry === 'string' && UNREACHABLE.has(entry));
      if (typeof inner === 'string') return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
