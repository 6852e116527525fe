/**
 * The client connect handler when its policy rows are broken or its ports are out of reach, through
 * `createGateHandler` with memory ports. Broken rows (anything at all, or valid rows broken as a hand edit would:
 * the arbitraries of the policy-row fuzzing) match nothing: beside valid rows, the answers are those of the valid
 * rows alone, so an invalid row never refuses anyone and never admits anyone a valid row refuses. A handler that
 * reaches nothing (policies that throw or hang, an audit log that throws or hangs, the deadline passing) answers
 * well formed, by its fail mode, and counts it, every time.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { loadGateConfig } from '../../lambda/config.js';
import { type ConnectionAttempt, DEFAULT_REFUSAL_MESSAGE, parsePolicyRow } from '../../lambda/domain/index.js';
import { EnvVar } from '../../lambda/environment.js';
import { createGateHandler } from '../../lambda/gate-handler.js';
import { GateMetric } from '../../lambda/gate/index.js';
import type { AuditLog, PolicyRepository } from '../../lambda/ports/index.js';
import { MemoryAuditLog } from '../support/MemoryAuditLog.js';
import { MemoryConnectionCounter, MemoryConnectionFacts, MemoryPolicies } from '../support/MemoryPorts.js';
import { arbAttempt, arbInstant, arbMalformedRow, arbValidRow, arbValidRows } from '../unit/domain/arbitraries.js';
import { row } from '../unit/domain/fixtures.js';
import { connectRequest, HeldClock, settle } from '../unit/gate/support.js';
import { FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { editsOf } from './support/hand-edits.js';

const CONTEXT = { functionName: 'AWSClientVPN-gate', awsRequestId: 'fuzz' } as unknown as Context;
const TABLES = { [EnvVar.POLICIES_TABLE]: 'p', [EnvVar.AUDIT_TABLE]: 'a', [EnvVar.STATE_TABLE]: 's' };
const DEADLINE_MS = 3000;
type FailModeName = 'admit' | 'refuse';

/** A fresh handler (a new container) over these ports; `added` lists the metrics it counted. */
function gate(
  failMode: FailModeName,
  policies: PolicyRepository,
  audit: AuditLog,
  clock: HeldClock,
  facts = new MemoryConnectionFacts(),
) {
  const metrics = new Metrics({ namespace: 'Fuzz', serviceName: 'fuzz' });
  const added: string[] = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name) => {
    added.push(name);
    return metrics;
  });
  jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const handler = createGateHandler(
    () => ({
      config: loadGateConfig({
        ...TABLES,
        [EnvVar.CONNECT_FAIL_MODE]: failMode,
        [EnvVar.CONNECT_DEADLINE_MS]: String(DEADLINE_MS),
      }),
      policies,
      audit,
      facts,
      counter: new MemoryConnectionCounter(),
      clock,
    }),
    { logger: new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' }), metrics },
  );
  return { handler, added };
}

/** Whether `event` is one of the well-formed requests the cases send. */
function isRequest(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'connection-id' in event && 'schema-version' in event;
}

/** The request Client VPN would send for an attempt, well formed. */
function requestOf(attempt: ConnectionAttempt): Record<string, unknown> {
  return connectRequest({
    'endpoint-id': attempt.endpointId,
    'connection-id': 'cvpn-connection-0123456789abcdef0',
    username: attempt.username ?? '',
    'common-name': attempt.commonName ?? '',
    groups: [...(attempt.groups ?? [])],
  });
}

/** What the client sees. */
async function answerOf(items: unknown[], attempt: ConnectionAttempt, at: Date, failMode: FailModeName) {
  const { handler } = gate(
    failMode,
    new MemoryPolicies(items as Record<string, unknown>[]),
    new MemoryAuditLog(),
    new HeldClock(at.toISOString()),
  );
  const response = await handler(requestOf(attempt), CONTEXT);
  return { allow: response.allow, message: response['error-msg-on-denied-connection'] };
}

/** A row that fails validation: anything, or a valid row broken by one to three hand edits. */
const arbInvalidRow: fc.Arbitrary<unknown> = fc.oneof(
  arbMalformedRow,
  arbValidRow
    .chain((valid) => fc.tuple(fc.constant(valid), fc.array(editsOf(valid), { minLength: 1, maxLength: 3 })))
    .map(([valid, edits]) => edits.reduce((edited, edit) => edit.apply(edited), valid))
    .filter((edited) => !parsePolicyRow(edited).ok),
);

/** Gives a broken row a policy id of its own, so that it never stands in for a valid row of the same key. */
function apart(item: unknown, index: number): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const record = item as Record<string, unknown>;
  return typeof record.policyId === 'string' ? { ...record, policyId: `broken-${index}-${record.policyId}` } : item;
}

/** How an unreachable port fails. */
const Failure = { THROWS: 'throws', HANGS: 'hangs' } as const;
type Failure = (typeof Failure)[keyof typeof Failure];

function failing<T>(failure: Failure): () => Promise<T> {
  return failure === Failure.THROWS
    ? () => Promise.reject(new Error('connect ETIMEDOUT dynamodb.us-east-1.amazonaws.com'))
    : () => new Promise<T>(() => undefined);
}

describe(`fuzzing the client connect handler's policy rows and ports (seed ${FUZZ_SEED})`, () => {
  it('answers beside broken rows exactly as with the valid rows alone, in either fail mode (700 cases)', async () => {
    const arbCase = fc.tuple(
      fc.oneof(fc.constant<Record<string, unknown>[]>([]), arbValidRows),
      fc.array(arbInvalidRow, { minLength: 1, maxLength: 4 }),
      arbAttempt,
      arbInstant,
      fc.constantFrom<FailModeName>('admit', 'refuse'),
    );
    await fc.assert(
      fc.asyncProperty(arbCase, async ([valid, broken, attempt, at, failMode]) => {
        // Arrange
        const invalid = broken.map(apart);
        fc.pre(invalid.every((item) => !parsePolicyRow(item).ok));

        // Act
        const alone = await answerOf(valid, attempt, at, failMode);
        const beside = await answerOf([...invalid, ...valid], attempt, at, failMode);

        // Assert
        expect(beside).toEqual(alone);
        if (valid.length === 0) expect(beside.allow).toBe(true);
      }),
      fuzzParameters(700),
    );
  });

  it('answers well formed and by the fail mode when it reaches nothing, and counts it (600 cases)', async () => {
    const arbCase = fc.record({
      failMode: fc.constantFrom<FailModeName>('admit', 'refuse'),
      policies: fc.constantFrom(Failure.THROWS, Failure.HANGS),
      audit: fc.constantFrom<Failure | 'works'>(Failure.THROWS, Failure.HANGS, 'works'),
      facts: fc.constantFrom<Failure | 'works'>(Failure.THROWS, Failure.HANGS, 'works'),
      event: fc.oneof(
        fc.constantFrom(connectRequest(), connectRequest({ username: 'bob' })),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ failMode, policies, audit, facts, event }) => {
        // Arrange
        const clock = new HeldClock();
        const auditLog = new MemoryAuditLog();
        if (audit !== 'works') auditLog.record = failing<boolean>(audit);
        const connectionFacts = new MemoryConnectionFacts();
        if (facts !== 'works') connectionFacts.put = failing<void>(facts);
        const { handler, added } = gate(failMode, { loadAll: failing(policies) }, auditLog, clock, connectionFacts);

        // Act: the deadline passes while the handler waits.
        const answering = handler(event, CONTEXT);
        await settle();
        clock.advance(DEADLINE_MS);
        const response = await answering;

        // Assert
        expect(Object.keys(response).sort()).toEqual([
          'allow',
          'error-msg-on-denied-connection',
          'posture-compliance-statuses',
          'schema-version',
        ]);
        expect(response.allow).toBe(failMode === 'admit');
        expect(response['error-msg-on-denied-connection']).toBe(failMode === 'admit' ? '' : DEFAULT_REFUSAL_MESSAGE);
        const counted = failMode === 'admit' ? GateMetric.FAIL_OPEN : GateMetric.FAIL_CLOSED;
        expect(added.filter((name) => name === counted)).toHaveLength(1);
        expect(added.filter((name) => name === GateMetric.ATTEMPTS)).toHaveLength(1);
        if (audit !== 'works') expect(added).toContain(GateMetric.AUDIT_WRITE_FAILED);
        // A well-formed request let in by the fail mode has its facts kept; when they cannot be, it is counted.
        if (failMode === 'admit' && facts !== 'works' && connectionFacts.all().length === 0 && isRequest(event))
          expect(added).toContain(GateMetric.FACTS_WRITE_FAILED);
      }),
      fuzzParameters(600),
    );
  });

  it('keeps refusing a revoked user from the rows last read while the policies cannot be read (300 cases)', async () => {
    const arbCase = fc.tuple(
      fc.constantFrom<FailModeName>('admit', 'refuse'),
      fc.constantFrom(Failure.THROWS, Failure.HANGS),
      fc.integer({ min: 30_000, max: 24 * 3_600_000 }),
    );
    await fc.assert(
      fc.asyncProperty(arbCase, async ([failMode, failure, laterMs]) => {
        // Arrange: one good read, then the table out of reach, the cache long stale.
        const clock = new HeldClock();
        const policies = new MemoryPolicies([row.revokedUser({ message: 'Your access ended.' })]);
        const { handler } = gate(failMode, policies, new MemoryAuditLog(), clock);
        expect((await handler(connectRequest({ username: 'bob' }), CONTEXT)).allow).toBe(true);
        policies.loadAll = failing(failure);
        clock.advance(laterMs);

        // Act
        const answering = handler(connectRequest(), CONTEXT);
        await settle();
        clock.advance(DEADLINE_MS);
        const response = await answering;

        // Assert
        expect(response).toMatchObject({ allow: false, 'error-msg-on-denied-connection': 'Your access ended.' });
      }),
      fuzzParameters(300),
    );
  });
});
