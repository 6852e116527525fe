import { randomUUID } from 'node:crypto';
import type { SimulatedClock } from '../clock.js';
import {
  type Caller,
  type ServiceHandler,
  type ServiceRequest,
  type ServiceResponse,
  NO_ACTION,
  queryParameters,
} from '../edge/types.js';
import type { SandboxPlacement } from '../org/placement.js';
import { type ResourcePolicy, allowsCaller } from '../org/resource-policy.js';
import { QueryApiError, queryError, queryResult } from '../query-protocol.js';
import { Service } from '../services.js';
import { node, text } from '../xml.js';

const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS's limit on a message body. */
const MAX_MESSAGE_BYTES = 262_144;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** The protocols a `MessageStructure: 'json'` message may give a body of its own; other keys are ignored. */
const PROTOCOLS = [
  'default',
  'email',
  'email-json',
  'http',
  'https',
  'sqs',
  'lambda',
  'sms',
  'application',
  'firehose',
];

/** A message attribute as published. */
export interface PublishedAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

/** One message published to the sandbox. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Readonly<Record<string, PublishedAttribute>>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  /** Simulated time of publication. */
  readonly publishedAt: Date;
  /** The request id of the Publish call. */
  readonly requestId: string;
  /**
   * For `MessageStructure: 'json'`: the body of each protocol the message named (`default` always), as SNS
   * keeps them. @default absent: every subscriber gets `message`
   */
  readonly bodies?: Readonly<Record<string, string>>;
}

/** What a subscriber of `protocol` (`email`, `https`, `sqs`, …) receives of a published message, as SNS delivers it. */
export function bodyFor(message: PublishedMessage, protocol: string): string {
  if (!message.bodies) return message.message;
  return message.bodies[protocol] ?? message.bodies.default ?? message.message;
}

/** What Publish takes. */
export interface PublishInput {
  readonly topicArn?: string;
  readonly targetArn?: string;
  readonly message?: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes?: Readonly<Record<string, PublishedAttribute>>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

/** How a topic is created. */
export interface TopicOptions {
  /** The account and Region the topic lives in. @default the sandbox's default placement */
  readonly placement?: SandboxPlacement;
  /** Who from another account may publish to it (its topic policy). @default nobody: AuthorizationError */
  readonly publishers?: ResourcePolicy;
}

const TOPIC_ARN = /^arn:aws[a-zA-Z-]*:sns:([^:]+):(\d{12}):[^:]+$/;

/**
 * SNS, as far as the product uses it: topics to publish to (in each account and Region, each with who else may
 * publish), and every published message kept for inspection.
 */
export class SnsEmulator {
  private readonly topicPolicies = new Map<string, ResourcePolicy | undefined>();
  private published: PublishedMessage[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly clock: SimulatedClock,
    /** The account and Region a caller acts in. @default this emulator's own, for every caller */
    private readonly placementOf: (caller: Caller | undefined) => SandboxPlacement = () => ({
      accountId,
      region,
    }),
  ) {}

  /** Every message published so far, oldest first. */
  public get messages(): readonly PublishedMessage[] {
    return [...this.published];
  }

  /** The ARN a topic of this name has in `placement`. @default the default placement */
  public topicArn(name: string, placement: SandboxPlacement = this.placementOf(undefined)): string {
    return `arn:aws:sns:${placement.region}:${placement.accountId}:${name}`;
  }

  /** Creates a topic (idempotent, as SNS; a new `publishers` replaces the old) and returns its ARN. */
  public createTopic(name: string, options: TopicOptions = {}): string {
    if (!TOPIC_NAME.test(name)) {
      throw new QueryApiError('InvalidParameter', 'Invalid parameter: Topic Name');
    }
    const arn = this.topicArn(name, options.placement);
    this.topicPolicies.set(arn, options.publishers ?? this.topicPolicies.get(arn));
    return arn;
  }

  /** Every topic ARN; with `placement`, only that account's in that Region. */
  public topics(placement?: SandboxPlacement): string[] {
    const arns = [...this.topicPolicies.keys()];
    return placement
      ? arns.filter((arn) => arn.startsWith(`arn:aws:sns:${placement.region}:${placement.accountId}:`))
      : arns;
  }

  /**
   * Publishes a message with SNS's validation; throws QueryApiError as SNS would answer. With `caller` (a request
   * through the edge), the topic must be in the Region the caller signed for, and another account's topic must allow
   * the caller (else AuthorizationError).
   */
  public publish(input: PublishInput, requestId: string = randomUUID(), caller?: Caller): PublishedMessage {
    const topicArn = input.topicArn ?? input.targetArn;
    if (!topicArn) {
      throw new QueryApiError(
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    }
    if (input.topicArn && input.targetArn) {
      throw new QueryApiError(
        'InvalidParameter',
        'Invalid parameter: TopicArn Reason: Only one of TopicArn or TargetArn may be set',
      );
    }
    if (caller) this.authorize(topicArn, caller);
    if (!this.topicPolicies.has(topicArn)) throw new QueryApiError('NotFound', 'Topic does not exist', 404);
    if (input.message === undefined || input.message === '') {
      throw new QueryApiError('InvalidParameter', 'Invalid parameter: Empty message');
    }
    if (Buffer.byteLength(input.message, 'utf8') > MAX_MESSAGE_BYTES) {
      throw new QueryApiError('InvalidParameter', 'Invalid parameter: Message too long');
    }
    if (input.subject !== undefined && !isValidSubject(input.subject)) {
      throw new QueryApiError(
        'InvalidParameter',
        'Invalid parameter: Subject Reason: must be ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or control characters; and must be less than 100 characters long',
      );
    }
    const bodies = input.messageStructure === undefined ? undefined : bodiesOf(input.messageStructure, input.message);
    if (topicArn.endsWith('.fifo') && !input.messageGroupId) {
      throw new QueryApiError(
        'InvalidParameter',
        'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
      );
    }
    const message: PublishedMessage = {
      messageId: randomUUID(),
      topicArn,
      message: input.message,
      subject: input.subject,
      messageStructure: input.messageStructure,
      messageAttributes: { ...input.messageAttributes },
      messageGroupId: input.messageGroupId,
      messageDeduplicationId: input.messageDeduplicationId,
      publishedAt: this.clock.now(),
      requestId,
      ...(bodies ? { bodies } : {}),
    };
    this.published.push(message);
    return message;
  }

  /** The account and Region a caller acts in. */
  public placementFor(caller: Caller | undefined): SandboxPlacement {
    return this.placementOf(caller);
  }

  /** Forgets every message. */
  public clearMessages(): void {
    this.published = [];
  }

  /** Forgets every message and topic. */
  public reset(): void {
    this.published = [];
    this.topicPolicies.clear();
  }

  /** SNS's refusals of a Publish by `caller`: a topic of another Region, or of another account that does not allow it. */
  private authorize(topicArn: string, caller: Caller): void {
    const match = TOPIC_ARN.exec(topicArn);
    if (!match) throw new QueryApiError('InvalidParameter', 'Invalid parameter: TopicArn');
    const [, region, owner] = match;
    const home = this.placementOf(caller);
    if (region !== home.region) throw new QueryApiError('InvalidParameter', 'Invalid parameter: TopicArn');
    if (owner === home.accountId) return;
    if (!this.topicPolicies.has(topicArn) || !allowsCaller(this.topicPolicies.get(topicArn), caller, owner ?? '')) {
      throw new QueryApiError(
        'AuthorizationError',
        `User: ${caller.principalArn} is not authorized to perform: SNS:Publish on resource: ${topicArn} ` +
          'because no resource-based policy allows the SNS:Publish action',
        403,
      );
    }
  }
}

/** SNS's Query protocol (the protocol @aws-sdk/client-sns speaks: awsQuery, version 2010-03-31). */
export class SnsQueryHandler implements ServiceHandler {
  public readonly service = Service.SNS;

  constructor(private readonly sns: SnsEmulator) {}

  public actionOf(request: ServiceRequest): string {
    return queryParameters(request).get('Action') || NO_ACTION;
  }

  public async handle(request: ServiceRequest, action: string): Promise<ServiceResponse> {
    const params = queryParameters(request);
    try {
      switch (action) {
        case 'Publish': {
          const published = this.sns.publish(
            {
              topicArn: params.get('TopicArn') ?? undefined,
              targetArn: params.get('TargetArn') ?? undefined,
              message: params.get('Message') ?? undefined,
              subject: params.get('Subject') ?? undefined,
              messageStructure: params.get('MessageStructure') ?? undefined,
              messageAttributes: attributes(params),
              messageGroupId: params.get('MessageGroupId') ?? undefined,
              messageDeduplicationId: params.get('MessageDeduplicationId') ?? undefined,
            },
            request.requestId,
            request.caller,
          );
          return queryResult(action, SNS_XMLNS, text('MessageId', published.messageId), request.requestId);
        }
        case 'CreateTopic': {
          const name = params.get('Name');
          if (!name)
            throw new QueryApiError(
              'InvalidParameter',
              'Invalid parameter: Name Reason: no value for required parameter',
            );
          return queryResult(
            action,
            SNS_XMLNS,
            text('TopicArn', this.sns.createTopic(name, { placement: this.sns.placementFor(request.caller) })),
            request.requestId,
          );
        }
        case 'ListTopics': {
          const members = this.sns.topics(this.sns.placementFor(request.caller)).map((arn) => text('TopicArn', arn));
          return queryResult(
            action,
            SNS_XMLNS,
            node(
              'Topics',
              members.map((m) => `<member>${m}</member>`),
            ),
            request.requestId,
          );
        }
        case NO_ACTION:
          throw new QueryApiError('MissingAction', 'The request must contain the parameter Action.');
        default:
          throw new QueryApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
      }
    } catch (error) {
      if (error instanceof QueryApiError) return queryError(error, SNS_XMLNS, request.requestId);
      throw error;
    }
  }

  public faultResponse(request: ServiceRequest, _action: string, kind: 'error' | 'throttle'): ServiceResponse {
    const error =
      kind === 'error'
        ? new QueryApiError('InternalError', 'Internal Error', 500)
        : new QueryApiError('Throttled', 'Rate exceeded', 429);
    return queryError(error, SNS_XMLNS, request.requestId);
  }
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
function attributes(params: URLSearchParams): Record<string, PublishedAttribute> {
  const result: Record<string, PublishedAttribute> = {};
  for (const [key, name] of params) {
    const match = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (!match) continue;
    const prefix = `MessageAttributes.entry.${match[1]}.Value`;
    const dataType = params.get(`${prefix}.DataType`);
    if (!dataType) {
      throw new QueryApiError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    const stringValue = params.get(`${prefix}.StringValue`) ?? undefined;
    const binaryValue = params.get(`${prefix}.BinaryValue`) ?? undefined;
    result[name] = {
      dataType,
      ...(stringValue !== undefined ? { stringValue } : {}),
      ...(binaryValue !== undefined ? { binaryValue } : {}),
    };
  }
  return result;
}

function isValidSubject(subject: string): boolean {
  // ASCII printable, no line breaks, fewer than 100 characters, starting with a letter, digit or punctuation.
  return subject.length > 0 && subject.length < 100 && /^[\x21-\x7e][\x20-\x7e]*$/.test(subject);
}

/**
 * The per-protocol bodies of a `MessageStructure: 'json'` message, as SNS reads them: a JSON object with a
 * string `default`; keys of other protocols with string values give those a body of their own, other keys and
 * non-string values are ignored. Anything else is refused with SNS's words.
 */
function bodiesOf(structure: string, message: string): Record<string, string> {
  if (structure !== 'json') {
    throw new QueryApiError('InvalidParameter', 'Invalid parameter: MessageStructure Reason: must be json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new QueryApiError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new QueryApiError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  const entries = Object.entries(parsed as Record<string, unknown>).filter(
    (entry): entry is [string, string] => PROTOCOLS.includes(entry[0]) && typeof entry[1] === 'string',
  );
  const bodies = Object.fromEntries(entries);
  if (bodies.default === undefined) {
    throw new QueryApiError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
  return bodies;
}
