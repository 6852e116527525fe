/**
 * Hostile connect requests at the client connect handler, through `createGateHandler` with memory ports: fields
 * missing, of the wrong type, huge, with control characters and odd unicode, prototype-pollution keys, arrays where
 * text is expected, deeply nested objects, `groups` in odd shapes, events that are not objects at all. Each event
 * is parsed from JSON text, as the Lambda runtime hands it over. Whatever comes in: a well-formed answer, never a
 * throw; an attempt naming a revoked identity is refused in either fail mode; every refusal is recorded; what the
 * handler logs is escaped.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { loadGateConfig } from '../../lambda/config.js';
import { normalizeIdentity, Outcome } from '../../lambda/domain/index.js';
import { EnvVar } from '../../lambda/environment.js';
import { createGateHandler } from '../../lambda/gate-handler.js';
import { MemoryAuditLog } from '../support/MemoryAuditLog.js';
import { MemoryConnectionCounter, MemoryConnectionFacts, MemoryPolicies } from '../support/MemoryPorts.js';
import { row } from '../unit/domain/fixtures.js';
import { connectRequest, HeldClock } from '../unit/gate/support.js';
import { arbOddText, FUZZ_SEED, fuzzParameters } from './support/fuzz.js';

const CONTEXT = { functionName: 'AWSClientVPN-gate', awsRequestId: 'fuzz' } as unknown as Context;
const TABLES = { [EnvVar.POLICIES_TABLE]: 'p', [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.STATE_TABLE]: 's' };
/** The revoked identities: a user name and a certificate. */
const REVOKED_USER = 'alice';
const REVOKED_CERTIFICATE = 'stolen-laptop';
const RESPONSE_KEYS = ['allow', 'error-msg-on-denied-connection', 'posture-compliance-statuses', 'schema-version'];
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A fresh handler (a new container) with memory ports, in one fail mode. */
function gate(failMode: 'admit' | 'refuse', logger = new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' })) {
  const metrics = new Metrics({ namespace: 'Fuzz', serviceName: 'fuzz' });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const audit = new MemoryAuditLog();
  const handler = createGateHandler(
    () => ({
      config: loadGateConfig({ ...TABLES, [EnvVar.CONNECT_FAIL_MODE]: failMode }),
      policies: new MemoryPolicies([
        row.revokedUser({ usernames: [REVOKED_USER], commonNames: [REVOKED_CERTIFICATE] }),
        row.lockdown({ policyId: 'lockdown-b', endpoints: ['cvpn-endpoint-0fedcba9876543210'], groups: ['vendors'] }),
      ]),
      audit,
      facts: new MemoryConnectionFacts(),
      counter: new MemoryConnectionCounter(),
      clock: new HeldClock(),
    }),
    { logger, metrics },
  );
  return { handler, audit };
}

/** Nested objects `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = { [level % 2 === 0 ? 'a' : 'groups']: value };
  return value;
}

/** A value no field should hold. */
const arbJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 8 }).map((text) => text.repeat(2000)),
  arbOddText('alice'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.constantFrom([REVOKED_USER], { username: REVOKED_USER }, [[REVOKED_USER]]),
  fc.nat({ max: 300 }).map(nested),
  fc.jsonValue({ maxDepth: 3 }),
);

/** `groups` in the shapes a request should not have, and the one it should. */
const arbGroups: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(['staff']),
  fc.constant('staff,vendors'),
  fc.constant(''),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), fc.constant(['vendors']))),
  fc.constant(Array.from({ length: 1500 }, (_, index) => `group-${index}`)),
  fc.constant({ 0: 'vendors', length: 1 }),
  fc.constant(['__proto__', 'constructor', 'vendors']),
  arbJunk,
);

/** Who the request says connects, as text: the revoked user or certificate in odd spellings, or someone else. */
const arbIdentityText = fc.oneof(
  fc.constantFrom(REVOKED_USER, ' ALICE ', 'Alice\u00a0', REVOKED_CERTIFICATE, 'STOLEN-LAPTOP', 'bob', ''),
  arbOddText(REVOKED_USER),
);

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** A hostile event, as JSON text: the fields of a good request, each kept, dropped or spoiled, and extra keys. */
const arbEventText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null') },
  {
    weight: 6,
    arbitrary: fc
      .record({
        username: arbIdentityText,
        commonName: arbIdentityText,
        groups: arbGroups,
        spoiled: fc.dictionary(
          fc.constantFrom(...Object.keys(connectRequest())),
          fc.oneof(fc.constant(undefined), arbJunk),
          { maxKeys: 4 },
        ),
        extra: fc.dictionary(
          fc.oneof(
            fc.constantFrom(...PROTOTYPE_KEYS),
            fc.string({ maxLength: 12 }).map((key) => `x-${key}`),
          ),
          arbJunk,
          { maxKeys: 3 },
        ),
      })
      .map(({ username, commonName, groups, spoiled, extra }) => {
        const fields: Record<string, unknown> = {
          ...connectRequest({ username, 'common-name': commonName, groups }),
        };
        for (const [key, value] of Object.entries(spoiled)) fields[key] = value;
        const entries = [...Object.entries(fields), ...Object.entries(extra)].filter(
          ([, value]) => value !== undefined,
        );
        // Written out by hand, so that `__proto__` is a key of the text, as a client could send it.
        return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
      }),
  },
);

/** Whether the event names a revoked identity in a text field (the only way a request can name one). */
function namesRevoked(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const fields = event as Record<string, unknown>;
  const is = (name: string, revoked: string) =>
    Object.hasOwn(fields, name) &&
    typeof fields[name] === 'string' &&
    normalizeIdentity(fields[name]) === normalizeIdentity(revoked);
  return is('username', REVOKED_USER) || is('common-name', REVOKED_CERTIFICATE);
}

function expectWellFormed(response: unknown): void {
  expect(Object.keys(response as object).sort()).toEqual([...RESPONSE_KEYS].sort());
  const answer = response as Record<string, unknown>;
  expect(typeof answer.allow).toBe('boolean');
  const message = answer['error-msg-on-denied-connection'];
  expect(typeof message).toBe('string');
  expect((message as string).length).toBeLessThanOrEqual(255);
  if (answer.allow) expect(message).toBe('');
  else expect(message).not.toBe('');
  const statuses = answer['posture-compliance-statuses'];
  expect(Array.isArray(statuses)).toBe(true);
  expect((statuses as unknown[]).length).toBeLessThanOrEqual(10);
  for (const status of statuses as unknown[]) expect(typeof status === 'string' && status.length <= 255).toBe(true);
  expect(answer['schema-version']).toBe('v2');
}

/** Every text in a parsed log entry, its keys included. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, entry]) => [key, ...textsOf(entry)]);
  return [];
}

describe(`fuzzing the client connect handler's requests (seed ${FUZZ_SEED})`, () => {
  it('answers well formed, never throws, never admits a revoked identity, and records every refusal (1000 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(arbEventText, fc.constantFrom('admit' as const, 'refuse' as const), async (text, failMode) => {
        // Arrange
        const event: unknown = JSON.parse(text);
        const { handler, audit } = gate(failMode);

        // Act
        const response = await handler(event, CONTEXT);

        // Assert
        expectWellFormed(response);
        if (namesRevoked(event)) expect(response.allow).toBe(false);
        if (!response.allow) {
          const outcomes = [...audit.admissions.values()].map((record) => record.outcome);
          expect(outcomes).toHaveLength(1);
          expect([Outcome.REFUSED, Outcome.REFUSED_FAIL_CLOSED]).toContain(outcomes[0]);
        }
        // Nothing the request held reached a prototype.
        expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => name.startsWith('x-'))).toEqual([]);
        expect(({} as Record<string, unknown>).username).toBeUndefined();
      }),
      fuzzParameters(1000),
    );
  });

  it('logs each request as escaped, bounded text, one JSON line per entry (300 cases)', async () => {
    // Arrange: the real Powertools logger at debug level, printing as in Lambda (its own Console on stdout and stderr).
    const printed: string[] = [];
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      await fc.assert(
        fc.asyncProperty(arbEventText, async (text) => {
          printed.length = 0;
          const { handler } = gate('admit', new Logger({ serviceName: 'fuzz', logLevel: 'DEBUG' }));

          // Act
          await handler(JSON.parse(text), CONTEXT);

          // Assert
          const lines = printed
            .join('')
            .split('\n')
            .filter((line) => line !== '');
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) {
            const entry = JSON.parse(line) as Record<string, unknown>;
            for (const field of textsOf(entry)) expect(field).not.toMatch(UNPRINTABLE);
            for (const field of textsOf(entry.fields ?? {})) expect(field.length).toBeLessThanOrEqual(256);
          }
        }),
        fuzzParameters(300),
      );
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
