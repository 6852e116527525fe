import { type Hash, type Hmac, createHash, createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../../local/index.js';

/** The instant every test sandbox starts at, frozen: tests never depend on the wall clock. */
export const T0 = '2026-11-26T10:00:00.000Z';

export const ENDPOINT_A = 'cvpn-endpoint-0a0a0a0a0a0a0a0a1';
export const ENDPOINT_B = 'cvpn-endpoint-0b0b0b0b0b0b0b0b2';

/** A small scenario: two endpoints, a few users. */
export const BASIC_SCENARIO = {
  region: 'us-east-1',
  endpoints: [
    {
      id: ENDPOINT_A,
      description: 'corp',
      tags: { Name: 'corp-vpn', team: 'it' },
      transportProtocol: 'udp',
      authentication: ['directory'],
    },
    {
      id: ENDPOINT_B,
      description: 'eng',
      tags: { Name: 'eng-vpn' },
      transportProtocol: 'tcp',
      vpnPort: 1194,
      clientCidrBlock: '10.200.0.0/22',
    },
  ],
  connections: [
    {
      endpoint: ENDPOINT_A,
      id: 'cvpn-connection-00000000000000001',
      username: 'alice',
      commonName: 'alice.example.com',
      clientIp: '10.100.0.10',
      established: '-95m',
      profile: 'active',
      ingressBytes: 1000,
      egressBytes: 500,
    },
    {
      endpoint: ENDPOINT_A,
      id: 'cvpn-connection-00000000000000002',
      username: 'bob',
      established: '-9h',
      profile: 'idle',
      ingressBytes: 7000,
      egressBytes: 3000,
    },
    { endpoint: ENDPOINT_B, username: 'carol', count: 7, established: '-70m', spacing: '5m' },
    { endpoint: ENDPOINT_B, username: 'dave', count: 3, established: '-30m' },
    {
      endpoint: ENDPOINT_A,
      commonName: 'agent-01.example.com',
      established: '-5m',
      postureComplianceStatuses: ['compliant'],
    },
    {
      endpoint: ENDPOINT_A,
      id: 'cvpn-connection-00000000000000009',
      username: 'ivan',
      established: '-2h',
      status: 'terminated',
      ended: '-30m',
      statusMessage: 'Client disconnected',
    },
    {
      endpoint: ENDPOINT_A,
      id: 'cvpn-connection-0000000000000000a',
      username: 'judy',
      established: '-3h',
      status: 'terminated',
      ended: '-61m',
    },
  ],
  policies: [{ policyId: 'p-idle', kind: 'idle', mode: 'observe', endpoints: ['*'], idleMinutes: 30, reason: 'test' }],
};

/** Starts an in-process sandbox on a free port with the clock frozen at T0. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ scenario: BASIC_SCENARIO, clock: { start: T0 }, ...options });
}

/** SDK clients on the sandbox that never retry, so errors reach the test as EC2 answered them. */
export function clients(sandbox: Sandbox) {
  const config = { ...sandbox.clientConfig(), maxAttempts: 1 };
  return { ec2: new EC2Client(config), dynamodb: new DynamoDBClient(config), sns: new SNSClient(config) };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A raw HTTP call to the edge (a body is form-encoded unless the headers say otherwise). */
export async function raw(
  sandbox: Sandbox,
  init: { path?: string; method?: string; headers?: Record<string, string>; body?: string },
) {
  const response = await fetch(`${sandbox.endpoint}${init.path ?? '/'}`, {
    method: init.method ?? 'POST',
    headers:
      init.body === undefined ? init.headers : { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body: init.body,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A SigV4-looking Authorization header naming `service` (the edge reads only the credential scope). */
export function signedFor(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=test/20261126/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`;
}

/** A form-encoded EC2 Query body. */
export function ec2Form(params: Record<string, string>): string {
  return new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
}

/** SHA-256 (and its HMAC) for SigV4 signing, from node:crypto. */
class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  public update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }

  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * Lambda Invoke as @aws-sdk/client-lambda sends it (`POST /2015-03-31/functions/{name}/invocations`), signed with
 * SigV4 for the service `lambda`, over raw HTTP: the project does not depend on the Lambda client.
 */
export async function invokeLambda(
  sandbox: Sandbox,
  functionName: string,
  payload?: string,
  options: { headers?: Record<string, string>; query?: Record<string, string> } = {},
) {
  const url = new URL(sandbox.endpoint);
  const signer = new SignatureV4({
    credentials: sandbox.credentials,
    region: sandbox.region,
    service: 'lambda',
    sha256: Sha256,
  });
  const path = `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: options.query ?? {},
    headers: { host: url.host, 'content-type': 'application/json', ...options.headers },
    body: payload,
  });
  const query = new URLSearchParams(options.query ?? {}).toString();
  const response = await fetch(`${sandbox.endpoint}${path}${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: signed.headers,
    body: payload,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
