import type { SimulatedClock } from '../clock.js';
import { SandboxControlError } from '../errors.js';
import { LambdaErrorCode, lambdaErrors } from '../lambda/errors.js';
import { type InvocationOutcome, TIMED_OUT_ERROR_TYPE } from '../lambda/model.js';
import {
  CLIENT_CONNECT_TIMEOUT_MS,
  type ClientConnectFunctions,
  ConnectFailureReason,
  DEFAULT_REFUSAL_MESSAGE,
} from './client-connect.js';
import {
  type ClientConnectRequest,
  type ConnectAttemptInput,
  checkConnectAttempt,
  clientConnectRequest,
} from './client-connect-request.js';
import { readHandlerAnswer } from './handler-response.js';
import { type ConnectionSpec, type ConnectionView, EndpointStatus } from './model.js';
import type { EndpointRecord } from './records.js';

/** How an attempt ended, as the client sees it. */
export interface ConnectAttemptResult {
  readonly admitted: boolean;
  /** The new connection's id, when admitted. */
  readonly connectionId?: string;
  /** What the client is told when refused. */
  readonly message?: string;
  readonly failureReason?: ConnectFailureReason;
}

/** One attempt, recorded: who connected, what the handler was asked and answered, how it ended. */
export interface ConnectAttempt {
  readonly at: Date;
  readonly endpointId: string;
  /** The id Client VPN gave the attempt, as its connection log does (the connection's, when admitted). */
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly admitted: boolean;
  readonly failureReason?: ConnectFailureReason;
  /** What the client was told, when refused. */
  readonly message?: string;
  /** The client connect handler's invocation, when one is attached. */
  readonly handler?: {
    readonly functionArn: string;
    readonly request: ClientConnectRequest;
    /** Simulated ms Client VPN waited. */
    readonly waitedMs: number;
    /** The function's answer, or Lambda's error document. */
    readonly answer?: string;
    /** Why the answer or the invocation was refused. */
    readonly problem?: string;
  };
}

/** What the attempts need of the emulator. */
export interface ConnectAttemptsState {
  readonly clock: SimulatedClock;
  readonly endpoints: ReadonlyMap<string, EndpointRecord>;
  readonly functions?: ClientConnectFunctions;
  /** A fresh connection id on the endpoint. */
  newConnectionId(endpointId: string): string;
  /** Throws a control error naming the defined profiles when `name` is not one. */
  checkProfile(name: string): void;
  addConnection(spec: ConnectionSpec): ConnectionView;
}

/**
 * Clients connecting, as Client VPN admits them: with no client connect handler, at once; with one, after invoking
 * it synchronously (the v2 request, 30 s at most) and reading its answer strictly. Every attempt is recorded.
 */
export class ConnectAttempts {
  private attempts: ConnectAttempt[] = [];

  constructor(private readonly state: ConnectAttemptsState) {}

  /** A client connects; refused attempts answer `admitted: false` with the reason, never throw. */
  public async connect(input: ConnectAttemptInput): Promise<ConnectAttemptResult> {
    checkConnectAttempt(input);
    const endpoint = this.state.endpoints.get(input.endpoint);
    if (!endpoint) throw new SandboxControlError(`connect to ${input.endpoint}: no such endpoint`, 404);
    if (endpoint.status !== EndpointStatus.AVAILABLE) {
      throw new SandboxControlError(
        `connect to ${endpoint.id}: the endpoint is ${endpoint.status}, not available`,
        409,
      );
    }
    if (input.profile !== undefined) this.state.checkProfile(input.profile);
    const connectionId = this.state.newConnectionId(endpoint.id);
    const at = this.state.clock.now();
    const arn = endpoint.clientConnect.enabled ? endpoint.clientConnect.lambdaFunctionArn : undefined;
    const handler =
      arn === undefined ? undefined : await this.askHandler(arn, clientConnectRequest(input, connectionId));
    const decision = handler?.decision ?? { admitted: true, postureComplianceStatuses: [] };
    if (decision.admitted) {
      this.state.addConnection({
        endpointId: endpoint.id,
        connectionId,
        username: input.username,
        commonName: input.commonName,
        establishedAt: this.state.clock.now(),
        profile: input.profile,
        postureComplianceStatuses: decision.postureComplianceStatuses,
      });
    }
    const result: ConnectAttemptResult = decision.admitted
      ? { admitted: true, connectionId }
      : { admitted: false, message: decision.message, failureReason: decision.failureReason };
    this.attempts.push({
      at,
      endpointId: endpoint.id,
      connectionId,
      username: input.username,
      commonName: input.commonName,
      admitted: result.admitted,
      failureReason: result.failureReason,
      message: result.message,
      handler: handler?.record,
    });
    return result;
  }

  /** Every attempt, oldest first, optionally of one endpoint. */
  public list(endpointId?: string): ConnectAttempt[] {
    return this.attempts.filter((attempt) => endpointId === undefined || attempt.endpointId === endpointId);
  }

  /** Forgets every attempt. */
  public clear(): void {
    this.attempts = [];
  }

  private async askHandler(functionArn: string, sent: ClientConnectRequest) {
    const { clock, functions } = this.state;
    const start = clock.nowMs();
    const outcome: InvocationOutcome = functions
      ? await functions.invokeAsService(functionArn, sent, { waitMs: CLIENT_CONNECT_TIMEOUT_MS })
      : { kind: 'refused', error: lambdaErrors.service() };
    const elapsedMs = clock.nowMs() - start;
    const decision = decide(outcome, elapsedMs);
    // Client VPN stops waiting at 30 s, even when the function (and the simulated clock) goes on.
    const waitedMs = Math.min(elapsedMs, CLIENT_CONNECT_TIMEOUT_MS);
    const answer =
      outcome.kind === 'refused'
        ? `${outcome.error.code}: ${outcome.error.message}`
        : outcome.kind === 'caller-timed-out'
          ? undefined
          : outcome.payload;
    return {
      decision,
      record: {
        functionArn,
        request: sent,
        waitedMs,
        answer,
        problem: decision.admitted ? undefined : decision.problem,
      },
    };
  }
}

type Decision =
  | { readonly admitted: true; readonly postureComplianceStatuses: readonly string[] }
  | {
      readonly admitted: false;
      readonly failureReason: ConnectFailureReason;
      readonly message: string;
      readonly problem?: string;
    };

/** How Client VPN reads an invocation of its handler. */
function decide(outcome: InvocationOutcome, elapsedMs: number): Decision {
  const refuse = (failureReason: ConnectFailureReason, problem: string): Decision => ({
    admitted: false,
    failureReason,
    message: DEFAULT_REFUSAL_MESSAGE,
    problem,
  });
  switch (outcome.kind) {
    case 'refused':
      return outcome.error.code === LambdaErrorCode.TOO_MANY_REQUESTS
        ? refuse(ConnectFailureReason.THROTTLED, outcome.error.message)
        : refuse(ConnectFailureReason.SERVICE_ERROR, outcome.error.message);
    case 'caller-timed-out':
      return refuse(ConnectFailureReason.TIMED_OUT, `no answer within ${CLIENT_CONNECT_TIMEOUT_MS / 1000} s`);
    case 'function-error':
      return outcome.errorType === TIMED_OUT_ERROR_TYPE
        ? refuse(ConnectFailureReason.TIMED_OUT, outcome.errorMessage)
        : refuse(ConnectFailureReason.EXECUTION_ERROR, `${outcome.errorType}: ${outcome.errorMessage}`);
    case 'returned': {
      if (elapsedMs > CLIENT_CONNECT_TIMEOUT_MS) {
        return refuse(ConnectFailureReason.TIMED_OUT, `answered after ${elapsedMs} ms, past the 30 s Client VPN waits`);
      }
      const answer = readHandlerAnswer(outcome.payload);
      if (!answer.valid) return refuse(ConnectFailureReason.INVALID_RESPONSE, answer.problems.join('; '));
      if (!answer.response.allow) {
        return {
          admitted: false,
          failureReason: ConnectFailureReason.DENIED,
          message: answer.response['error-msg-on-denied-connection'],
        };
      }
      return { admitted: true, postureComplianceStatuses: answer.response['posture-compliance-statuses'] };
    }
  }
}
