import { type SpokeEntry } from '../../lambda/ports/index.js';
import { SpokeRole, spokeRoleName } from '../../lambda/settings/index.js';
import { CliClients } from '../aws.js';
import type { CliContext } from '../context.js';
import { CliOperationError } from '../errors.js';
import { explainError } from '../explain-error.js';
import { placementText } from './selector.js';

/** The session name the CLI's assumed roles carry (the spoke's CloudTrail shows it). */
export const OPERATOR_SESSION_NAME = 'cvpn-guard-cli';

/** The ARN of a spoke's operator role: `arn:<partition>:iam::<account>:role/<stack>-operator-<region>`. */
export function operatorRoleArn(spokeStackName: string, spoke: SpokeEntry): string {
  const partition = spoke.functionArn.split(':')[1] || 'aws';
  return `arn:${partition}:iam::${spoke.accountId}:role/${spokeRoleName(spokeStackName, SpokeRole.OPERATOR, spoke.region)}`;
}

/** A spoke's role could not be assumed (exit 1): the spoke is named, and the fix. */
export class SpokeRoleError extends CliOperationError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpokeRoleError';
  }
}

/**
 * SDK clients that act on one spoke: its operator role assumed (STS AssumeRole, session `cvpn-guard-cli`) with the
 * CLI's own credentials, in the spoke's Region. The caller closes them.
 */
export async function spokeClients(
  context: CliContext,
  spokeStackName: string,
  spoke: SpokeEntry,
): Promise<CliClients> {
  const roleArn = operatorRoleArn(spokeStackName, spoke);
  const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  let output;
  try {
    output = await (
      await context.clients.sts()
    ).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: OPERATOR_SESSION_NAME }));
  } catch (error) {
    throw new SpokeRoleError(
      `spoke ${placementText(spoke)}: cannot assume ${roleArn} (${explainError(error, context.scene()).message}); the spoke's operator role trusts the hub account: check that the StackSet deployed the spoke there and that these credentials are the hub account's`,
      { cause: error },
    );
  }
  const credentials = output.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey)
    throw new SpokeRoleError(`spoke ${placementText(spoke)}: AssumeRole ${roleArn} answered without credentials`);
  return new CliClients({
    region: spoke.region,
    endpoint: context.settings.endpoint,
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
    },
    sandbox: context.settings.sandbox,
  });
}
