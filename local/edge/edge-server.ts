import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedClock } from '../clock.js';
import { ADMIN_PREFIX } from '../constants.js';
import type { CallCounters } from '../counters.js';
import { SandboxPortError } from '../errors.js';
import { FaultKind, type FaultInjector } from '../faults.js';
import type { LatencyInjector } from '../latency.js';
import type { SandboxAccounts } from '../org/accounts.js';
import { invalidTokenResponse, unknownRegionResponse } from '../org/refusals.js';
import { SERVICES } from '../services.js';
import { XML_DECLARATION, text } from '../xml.js';
import { routeRequest } from './route.js';
import type { ServiceHandler, ServiceRequest, ServiceResponse } from './types.js';

/** DynamoDB's own request limit; anything larger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What the edge needs. */
export interface EdgeServerOptions {
  readonly host: string;
  readonly port: number;
  readonly handlers: readonly ServiceHandler[];
  /** Answers the admin API (paths under /_sandbox). */
  readonly admin: (request: ServiceRequest) => Promise<ServiceResponse>;
  readonly clock: SimulatedClock;
  readonly counters: CallCounters;
  readonly faults: FaultInjector;
  readonly latency: LatencyInjector;
  /** Who sends each request (`request.caller`), and which Regions exist or are down. @default no caller set */
  readonly accounts?: SandboxAccounts;
}

/**
 * The one HTTP port of the sandbox. Each request is routed by the service in its SigV4 credential
 * scope to an emulated service, after the counters, injected latency and injected faults; paths
 * under /_sandbox go to the admin API; anything else gets an AWS-style error, never a hang.
 */
export class EdgeServer {
  private stopping: Promise<void> | undefined;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly handlers: Map<string, ServiceHandler>;

  private constructor(
    private readonly server: Server,
    private readonly options: EdgeServerOptions,
  ) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.service, handler]));
  }

  /** Opens the port; fails with SandboxPortError when it cannot. */
  public static async start(options: EdgeServerOptions): Promise<EdgeServer> {
    const server = createServer();
    const edge = new EdgeServer(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      edge.serve(req, res).catch((error: unknown) => edge.answerInternalError(res, error));
    });
    // Keep-alive sockets from SDK clients must not hold stop() open.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const reason =
          error.code === 'EADDRINUSE'
            ? 'the port is already in use (another sandbox, or LocalStack?); stop it, or choose another port (0 picks a free one)'
            : error.code === 'EACCES'
              ? 'permission denied; choose a port above 1023'
              : error.message;
        reject(new SandboxPortError(options.host, options.port, reason, { cause: error }));
      });
      server.listen(options.port, options.host, () => resolve());
    });
    return edge;
  }

  /** The port the edge listens on (the real one when 0 was asked). */
  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Closes the port and every connection; idempotent. */
  public stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const wait of this.waits) {
        clearTimeout(wait.timer);
        wait.resolve();
      }
      this.waits.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    const body = await readBody(req);
    if (body === undefined) {
      this.write(res, {
        status: 413,
        headers: { 'content-type': 'text/plain' },
        body: `request body over ${MAX_BODY_BYTES} bytes`,
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const request: ServiceRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      requestId,
    };
    if (request.path === ADMIN_PREFIX || request.path.startsWith(`${ADMIN_PREFIX}/`)) {
      this.write(res, await this.options.admin(request));
      return;
    }
    const route = routeRequest(request);
    const handler = route.service ? this.handlers.get(route.service) : undefined;
    if (!handler) {
      this.write(res, unknownService(request, route.service));
      return;
    }
    const resolution = this.options.accounts?.resolve(request);
    if (resolution?.kind === 'region-down') {
      // A Region that is down answers nothing: the client sees its connection dropped, as a network error.
      req.socket.destroy();
      return;
    }
    if (resolution?.kind === 'revoked') {
      this.write(res, invalidTokenResponse(handler.service, request));
      return;
    }
    if (resolution?.kind === 'unknown-region') {
      this.write(res, unknownRegionResponse(handler.service, request, resolution.region, resolution.regions));
      return;
    }
    return this.dispatch(req, res, handler, resolution ? { ...request, caller: resolution.caller } : request);
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    handler: ServiceHandler,
    request: ServiceRequest,
  ): Promise<void> {
    const { counters, faults, latency, clock } = this.options;
    const action = handler.actionOf(request);
    counters.recordCall(handler.service, action);
    const delay = latency.delayFor(handler.service, action);
    if (delay > 0) await this.wait(clock.toRealMs(delay));
    if (this.stopping) return;
    const fault = faults.pick(handler.service, action);
    if (fault?.kind === FaultKind.DROP) {
      counters.recordOutcome(handler.service, action, { status: 0, injected: true, dropped: true });
      req.socket.destroy();
      return;
    }
    const response = fault ? handler.faultResponse(request, action, fault.kind) : await handler.handle(request, action);
    counters.recordOutcome(handler.service, action, {
      status: response.status,
      code: response.errorCode,
      injected: fault !== undefined,
    });
    this.write(res, response);
  }

  private write(res: ServerResponse, response: ServiceResponse): void {
    if (res.headersSent || res.destroyed) return;
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
    res.setHeader('content-length', Buffer.byteLength(response.body));
    res.end(response.body);
  }

  private wait(realMs: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, realMs),
        resolve,
      };
      this.waits.add(entry);
    });
  }

  private answerInternalError(res: ServerResponse, error: unknown): void {
    const message = `The sandbox failed to answer: ${error instanceof Error ? error.message : String(error)}`;
    this.write(res, {
      status: 500,
      headers: { 'content-type': 'text/xml' },
      body: `${XML_DECLARATION}\n<Response><Errors><Error>${text('Code', 'InternalError')}${text('Message', message)}</Error></Errors></Response>`,
    });
  }
}

/** An AWS-style error for a service the sandbox does not emulate (or a request it cannot place): JSON or XML as the client speaks. */
function unknownService(request: ServiceRequest, service: string | undefined): ServiceResponse {
  const emulated = SERVICES.join(', ');
  const message = service
    ? `The sandbox does not emulate the service '${service}'. Emulated services: ${emulated}.`
    : `The sandbox could not tell which AWS service this request is for. Sign it with SigV4 (any credentials, e.g. test/test) so its credential scope names the service; emulated services: ${emulated}.`;
  const code = 'NotImplemented';
  const contentType = String(request.headers['content-type'] ?? '');
  if (!speaksXml(request, service)) {
    return {
      status: 501,
      headers: {
        'content-type': contentType.startsWith('application/x-amz-json') ? contentType : 'application/json',
        'x-amzn-errortype': code,
      },
      body: JSON.stringify({ __type: code, message }),
      errorCode: code,
    };
  }
  return {
    status: 501,
    headers: { 'content-type': 'text/xml' },
    body: `${XML_DECLARATION}\n<ErrorResponse><Error>${text('Type', 'Sender')}${text('Code', code)}${text('Message', message)}</Error>${text('RequestId', request.requestId)}</ErrorResponse>`,
    errorCode: code,
  };
}

/** Services whose REST protocol answers errors in XML; Query-protocol requests are recognised by their form or Action. */
const REST_XML_SERVICES = new Set(['s3', 'cloudfront', 'route53']);

/** True when the client expects an XML error (Query and REST-XML protocols); JSON otherwise. */
function speaksXml(request: ServiceRequest, service: string | undefined): boolean {
  const contentType = String(request.headers['content-type'] ?? '');
  if (contentType.includes('json')) return false;
  if (contentType.startsWith('application/x-www-form-urlencoded') || contentType.includes('xml')) return true;
  if (request.query.has('Action')) return true;
  return service === undefined || REST_XML_SERVICES.has(service);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
