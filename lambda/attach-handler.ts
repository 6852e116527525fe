/**
 * The onEvent handler of the stack's attachment custom resource (aws-cdk-lib custom-resources `Provider`): it
 * attaches the client connect handler to the endpoints the stack lists, and detaches it, only where it is still
 * ours, from those it no longer lists and when the stack is deleted.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { attach, detachIfOurs, type DetachOutcome } from './adapters/ConnectHandlerAttachment.js';
import { sdkClientSettings } from './client-settings.js';
import { SERVICE_NAME } from './metrics.js';

/** The custom resource's properties, as the stack writes them (CloudFormation passes every value as text). */
export interface AttachmentProperties {
  /** The handler's ARN: the alias `live` with provisioned concurrency, else the function. */
  readonly FunctionArn: string;
  /** The endpoints to attach it to. */
  readonly EndpointIds: readonly string[];
}

/** What the Provider framework takes back. */
export interface AttachmentResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly AttachedEndpoints: string };
}

/** The attachment's properties as CloudFormation hands them over, checked. */
function propertiesOf(raw: unknown, which: string): AttachmentProperties {
  const properties = (raw ?? {}) as Partial<Record<keyof AttachmentProperties, unknown>>;
  const { FunctionArn, EndpointIds } = properties;
  if (typeof FunctionArn !== 'string' || FunctionArn === '') {
    throw new Error(
      `the attachment's ${which} FunctionArn must be a Lambda function ARN, got ${JSON.stringify(FunctionArn)}`,
    );
  }
  if (!Array.isArray(EndpointIds) || !EndpointIds.every((id) => typeof id === 'string')) {
    throw new Error(
      `the attachment's ${which} EndpointIds must be a list of Client VPN endpoint ids, got ${JSON.stringify(EndpointIds)}`,
    );
  }
  return { FunctionArn, EndpointIds };
}

/**
 * Attaches `arn` to every endpoint, all or none: when one attach fails, the endpoints attached by this call are
 * detached again (where still ours) before the error goes back to CloudFormation.
 */
async function attachAll(ec2: EC2Client, endpointIds: readonly string[], arn: string, logger: Logger): Promise<void> {
  const attached: string[] = [];
  try {
    for (const endpointId of endpointIds) {
      await attach(ec2, endpointId, arn);
      attached.push(endpointId);
      logger.info('client connect handler attached', { endpointId, arn });
    }
  } catch (error) {
    for (const endpointId of attached) {
      const outcome = await detachIfOurs(ec2, endpointId, arn).catch((undo: unknown) => String(undo));
      logger.warn('undoing an attachment after a failed one', { endpointId, outcome });
    }
    throw error;
  }
}

/** Detaches `arn` from each endpoint where it is still ours. */
async function detachAll(ec2: EC2Client, endpointIds: readonly string[], arn: string, logger: Logger): Promise<void> {
  for (const endpointId of endpointIds) {
    const outcome: DetachOutcome = await detachIfOurs(ec2, endpointId, arn);
    logger.info('client connect handler detached where ours', { endpointId, arn, outcome });
  }
}

/**
 * Handles one CloudFormation event. Create and Update attach to every listed endpoint; Update detaches (where
 * ours) from the endpoints no longer listed; Delete detaches (where ours) from every listed endpoint, an
 * endpoint already gone included. The physical id never changes, so CloudFormation never deletes an old copy
 * after an update.
 */
export async function onAttachmentEvent(
  event: CloudFormationCustomResourceEvent,
  ec2: EC2Client,
  logger: Logger = new Logger({ serviceName: SERVICE_NAME }),
): Promise<AttachmentResponse> {
  const properties = propertiesOf(event.ResourceProperties, 'new');
  const physicalId = event.RequestType === 'Create' ? event.LogicalResourceId : event.PhysicalResourceId;
  const attachedEndpoints = event.RequestType === 'Delete' ? '' : properties.EndpointIds.join(',');

  if (event.RequestType === 'Delete') {
    await detachAll(ec2, properties.EndpointIds, properties.FunctionArn, logger);
  } else {
    await attachAll(ec2, properties.EndpointIds, properties.FunctionArn, logger);
  }
  if (event.RequestType === 'Update') {
    const old = propertiesOf(event.OldResourceProperties, 'old');
    const dropped = old.EndpointIds.filter((endpointId) => !properties.EndpointIds.includes(endpointId));
    await detachAll(ec2, dropped, old.FunctionArn, logger);
  }
  return { PhysicalResourceId: physicalId, Data: { AttachedEndpoints: attachedEndpoints } };
}

let ec2: EC2Client | undefined;

/** The Lambda entry point of the attachment provider: one EC2 client per container. */
export const handler = (event: CloudFormationCustomResourceEvent): Promise<AttachmentResponse> =>
  onAttachmentEvent(event, (ec2 ??= new EC2Client(sdkClientSettings())));
