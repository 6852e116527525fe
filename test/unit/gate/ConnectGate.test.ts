import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { DEFAULT_REFUSAL_MESSAGE, FailMode, Outcome } from '../../../lambda/domain/index.js';
import { ConnectGate, type ConnectGateOptions, GateMetric } from '../../../lambda/gate/index.js';
import { SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';
import { MemoryPolicies } from '../../support/MemoryPorts.js';
import { ENDPOINT_A, row } from '../domain/fixtures.js';
import { connectRequest, HeldClock, MemoryMetrics, ScriptedPolicies, settle } from './support.js';

type Attributes = Record<string, unknown>;

const OPTIONS: ConnectGateOptions = { failMode: FailMode.ADMIT, deadlineMs: 3000, policyCacheMs: 30_000 };

function gateWith(
  policies: MemoryPolicies | ScriptedPolicies,
  options: Partial<ConnectGateOptions> = {},
  clock = new HeldClock(),
) {
  const audit = new MemoryAuditLog();
  const metrics = new MemoryMetrics();
  const gate = new ConnectGate({ policies, audit, clock, logger: SILENT_LOGGER, metrics }, { ...OPTIONS, ...options });
  return { gate, audit, metrics, clock };
}

const rows = (...items: Attributes[]) => new MemoryPolicies(items);
const hanging = () => new Promise<never>(() => undefined);

describe('ConnectGate', () => {
  it('refuses a revoked user with the row message and records it', async () => {
    // Arrange
    const { gate, audit, metrics } = gateWith(rows(row.revokedUser({ message: 'Your access ended.' })));

    // Act
    const answer = await gate.answer(connectRequest());

    // Assert
    expect(answer.response).toEqual({
      allow: false,
      'error-msg-on-denied-connection': 'Your access ended.',
      'posture-compliance-statuses': [],
      'schema-version': 'v2',
    });
    expect(answer.outcome).toBe(Outcome.REFUSED);
    expect(answer.recorded).toBe(true);
    expect([...audit.admissions.values()]).toEqual([
      expect.objectContaining({
        recordType: 'admission',
        outcome: 'refused',
        runId: 'gate-2026-11-26',
        endpointId: ENDPOINT_A,
        connectionId: 'cvpn-connection-0123456789abcdef0',
        username: 'alice',
        clientIp: '198.51.100.7',
        policyId: 'offboarded-2026-11',
        policyKind: 'revoked-user',
        mode: 'enforce',
        firedPolicies: ['offboarded-2026-11 (revoked-user, enforce)'],
        message: 'Your access ended.',
      }),
    ]);
    expect(metrics.counts).toMatchObject({ [GateMetric.ATTEMPTS]: 1, [GateMetric.REFUSED]: 1 });
  });

  it('admits a user no row is about, with no record, counted only', async () => {
    const { gate, audit, metrics } = gateWith(rows(row.revokedUser({ usernames: ['mallory'] })));

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: 'admit', response: { allow: true } });
    expect(audit.admissions.size).toBe(0);
    expect(metrics.counts[GateMetric.ADMITTED]).toBe(1);
  });

  it.each([
    ['an observe row', { mode: 'observe' }, {}],
    ['the dry run', {}, { dryRun: true }],
  ])('admits under %s and records would-refuse', async (_, overrides, options) => {
    const { gate, audit, metrics } = gateWith(rows(row.revokedUser(overrides)), options);

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: Outcome.WOULD_REFUSE, response: { allow: true } });
    expect([...audit.admissions.values()][0]).toMatchObject({
      outcome: 'would-refuse',
      policyId: 'offboarded-2026-11',
    });
    expect(metrics.counts[GateMetric.WOULD_REFUSE]).toBe(1);
  });

  it('admits an exempted user and records admitted, naming the exemption', async () => {
    const { gate, audit } = gateWith(rows(row.revokedUser(), row.exempt()));

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: Outcome.ADMITTED, response: { allow: true } });
    expect([...audit.admissions.values()][0]).toMatchObject({ outcome: 'admitted', exemptedBy: 'on-call' });
  });

  it('admits under max-connections with a note, the count being unknown at connect time', async () => {
    const { gate, audit } = gateWith(rows(row.maxConnections({ maxConnections: 1 })));

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: Outcome.ADMITTED, response: { allow: true } });
    expect([...audit.admissions.values()][0]).toMatchObject({
      policyId: 'two-sessions',
      notes: [expect.stringContaining('count unknown')],
    });
  });

  it('reads the rows again only once policyCacheSeconds have passed', async () => {
    // Arrange
    const policies = rows();
    const spy = new ScriptedPolicies(() => policies.loadAll());
    const { gate, clock } = gateWith(spy, { policyCacheMs: 30_000 });

    // Act
    await gate.answer(connectRequest());
    policies.items = [row.revokedUser()];
    clock.advance(29_999);
    const cached = await gate.answer(connectRequest());
    clock.advance(1);
    const refreshed = await gate.answer(connectRequest());

    // Assert
    expect(spy.loads).toBe(2);
    expect(cached.response.allow).toBe(true);
    expect(refreshed.response.allow).toBe(false);
  });

  it('keeps refusing a revoked user with the last good rows when a refresh fails', async () => {
    // Arrange
    const policies = rows(row.revokedUser());
    const spy = new ScriptedPolicies(() => policies.loadAll());
    const { gate, clock } = gateWith(spy, { failMode: FailMode.ADMIT });
    await gate.answer(connectRequest());
    spy.next = () => Promise.reject(new Error('DynamoDB unreachable'));
    clock.advance(60_000);

    // Act
    const answer = await gate.answer(connectRequest());

    // Assert
    expect(spy.loads).toBe(2);
    expect(answer).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false } });
  });

  it.each([
    [FailMode.ADMIT, true, Outcome.ADMITTED_FAIL_OPEN, GateMetric.FAIL_OPEN],
    [FailMode.REFUSE, false, Outcome.REFUSED_FAIL_CLOSED, GateMetric.FAIL_CLOSED],
  ])(
    'answers by the fail mode %s when the first read hangs past the deadline',
    async (failMode, allow, outcome, metric) => {
      // Arrange
      const { gate, audit, metrics, clock } = gateWith(new ScriptedPolicies(hanging), { failMode, deadlineMs: 3000 });

      // Act
      const pending = gate.answer(connectRequest());
      await settle();
      clock.advance(3000);
      const answer = await pending;

      // Assert
      expect(answer).toMatchObject({ outcome, response: { allow } });
      if (!allow) expect(answer.response['error-msg-on-denied-connection']).toBe(DEFAULT_REFUSAL_MESSAGE);
      expect([...audit.admissions.values()][0]).toMatchObject({ outcome, failMode: 'deadline' });
      expect(metrics.counts).toMatchObject({ [GateMetric.DEADLINE_EXCEEDED]: 1, [metric]: 1 });
    },
  );

  it('answers by the fail mode, naming no-policies, when the first read fails', async () => {
    const { gate, audit } = gateWith(new ScriptedPolicies(() => Promise.reject(new Error('down'))), {
      failMode: FailMode.REFUSE,
    });

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: Outcome.REFUSED_FAIL_CLOSED, response: { allow: false } });
    expect([...audit.admissions.values()][0]).toMatchObject({ failMode: 'no-policies' });
  });

  it('decides with the last good rows when a refresh hangs past the deadline', async () => {
    // Arrange
    const policies = rows(row.revokedUser());
    const spy = new ScriptedPolicies(() => policies.loadAll());
    const { gate, clock } = gateWith(spy);
    await gate.answer(connectRequest());
    spy.next = hanging;
    clock.advance(60_000);

    // Act
    const pending = gate.answer(connectRequest());
    await settle();
    clock.advance(3000);

    // Assert
    expect(await pending).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false } });
  });

  it('answers on time when the audit write hangs, and counts the write failed', async () => {
    // Arrange
    const { gate, audit, metrics, clock } = gateWith(rows(row.revokedUser()));
    audit.record = hanging;

    // Act
    const pending = gate.answer(connectRequest());
    await settle();
    clock.advance(3000);
    const answer = await pending;

    // Assert
    expect(answer).toMatchObject({ response: { allow: false }, recorded: false });
    expect(metrics.counts[GateMetric.AUDIT_WRITE_FAILED]).toBe(1);
  });

  it('admits every attempt without deciding when disabled', async () => {
    const { gate, audit } = gateWith(rows(row.revokedUser()), { disabled: true });

    expect((await gate.answer(connectRequest())).response.allow).toBe(true);
    expect(audit.admissions.size).toBe(0);
  });

  it('answers a malformed request by the fail mode, unless the rows refuse the identity it names', async () => {
    // Arrange
    const { gate } = gateWith(rows(row.revokedUser()), { failMode: FailMode.ADMIT });

    // Act
    const refused = await gate.answer({ username: 'alice', 'endpoint-id': 7 });
    const other = await gate.answer({ username: 'bob', platform: 'x'.repeat(5000) });
    const notAnObject = await gate.answer('hello');

    // Assert
    expect(refused).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false } });
    expect(other).toMatchObject({ outcome: Outcome.ADMITTED_FAIL_OPEN, record: { failMode: 'malformed-request' } });
    expect(notAnObject.response.allow).toBe(true);
  });

  it('records the fields of a hostile request escaped and truncated', async () => {
    const { gate, audit } = gateWith(rows(row.revokedUser({ usernames: ['x'] })), { failMode: FailMode.REFUSE });

    await gate.answer({ 'connection-id': 'c\u001b[2J', username: 'u'.repeat(5000) });

    const record = [...audit.admissions.values()][0]!;
    expect(record.connectionId).toBe('c\\u001b[2J');
    expect(record.username!.length).toBeLessThanOrEqual(256);
  });

  it('answers any JSON value well formed, and never admits an identity an enforcing row refuses', async () => {
    // Arrange
    const isWellFormed = (response: Record<string, unknown>) =>
      typeof response.allow === 'boolean' &&
      typeof response['error-msg-on-denied-connection'] === 'string' &&
      (response['error-msg-on-denied-connection'] as string).length <= 255 &&
      Array.isArray(response['posture-compliance-statuses']) &&
      response['schema-version'] === 'v2';
    const revokedAlice = new MemoryPolicies([row.revokedUser({ message: 'm'.repeat(255) })]);

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc
            .record({ username: fc.constant('alice') }, { requiredKeys: [] })
            .chain((base) => fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...extra, ...base }))),
        ),
        fc.constantFrom(FailMode.ADMIT, FailMode.REFUSE),
        async (event, failMode) => {
          // Act
          const { gate } = gateWith(revokedAlice, { failMode });
          await gate.answer(connectRequest({ username: 'bob' })); // rows loaded
          const answer = await gate.answer(event);

          // Assert
          expect(isWellFormed(answer.response as unknown as Record<string, unknown>)).toBe(true);
          const names =
            typeof event === 'object' && event !== null && !Array.isArray(event)
              ? (event as Record<string, unknown>).username
              : undefined;
          if (names === 'alice') expect(answer.response.allow).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
