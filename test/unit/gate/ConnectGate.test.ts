import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { CANARY_CONNECTION_PREFIX, DEFAULT_REFUSAL_MESSAGE, FailMode, Outcome } from '../../../lambda/domain/index.js';
import {
  ConnectGate,
  type ConnectGateOptions,
  COUNT_BURST,
  COUNT_RATE_PER_SECOND,
  COUNT_SHARE_OF_DEADLINE,
  GateMetric,
} from '../../../lambda/gate/index.js';
import { SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';
import { MemoryConnectionCounter, MemoryConnectionFacts, MemoryPolicies } from '../../support/MemoryPorts.js';
import { connection, ENDPOINT_A, row } from '../domain/fixtures.js';
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
  const facts = new MemoryConnectionFacts();
  const counter = new MemoryConnectionCounter();
  const gate = new ConnectGate(
    { policies, audit, facts, counter, clock, logger: SILENT_LOGGER, metrics },
    { ...OPTIONS, ...options },
  );
  return { gate, audit, facts, counter, metrics, clock };
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

  describe('the facts of the connections it lets in', () => {
    it.each([
      ['a plain admission', [], {}, 'admit'],
      ['an admission a row was about', [row.revokedUser(), row.exempt()], {}, Outcome.ADMITTED],
      ['a would-refuse', [row.revokedUser({ mode: 'observe' })], {}, Outcome.WOULD_REFUSE],
    ])('keeps them for %s, with every field of the request', async (_, items, options, outcome) => {
      // Arrange
      const { gate, facts, clock } = gateWith(rows(...items), options);

      // Act
      const answer = await gate.answer(connectRequest());

      // Assert
      expect(answer).toMatchObject({ outcome, factKept: true });
      expect(facts.all()).toEqual([
        {
          endpointId: ENDPOINT_A,
          connectionId: 'cvpn-connection-0123456789abcdef0',
          username: 'alice',
          commonName: 'alice-laptop',
          groups: ['staff'],
          platform: 'macos',
          platformVersion: '15.1',
          publicIp: '198.51.100.7',
          clientOpenVpnVersion: '2.6.12',
          admittedAt: clock.now(),
        },
      ]);
    });

    it('keeps them for an attempt admitted by the fail mode', async () => {
      const { gate, facts } = gateWith(new ScriptedPolicies(() => Promise.reject(new Error('down'))));

      const answer = await gate.answer(connectRequest());

      expect(answer.outcome).toBe(Outcome.ADMITTED_FAIL_OPEN);
      expect(facts.all().map((fact) => fact.groups)).toEqual([['staff']]);
    });

    it.each([
      ['a refusal', rows(row.revokedUser()), {}],
      [
        'a refusal by the fail mode',
        new ScriptedPolicies(() => Promise.reject(new Error('down'))),
        { failMode: FailMode.REFUSE },
      ],
    ])('keeps none for %s', async (_, policies, options) => {
      const { gate, facts } = gateWith(policies, options);

      const answer = await gate.answer(connectRequest());

      expect(answer.response.allow).toBe(false);
      expect(answer.fact).toBeUndefined();
      expect(facts.all()).toEqual([]);
    });

    it('keeps none for a malformed request it admits by the fail mode', async () => {
      const { gate, facts } = gateWith(rows(), { failMode: FailMode.ADMIT });

      const answer = await gate.answer(connectRequest({ platform: 'x'.repeat(5000) }));

      expect(answer.outcome).toBe(Outcome.ADMITTED_FAIL_OPEN);
      expect(facts.all()).toEqual([]);
    });

    it('answers as the rows say when keeping the facts fails, and counts the failure', async () => {
      // Arrange
      const { gate, audit, facts, metrics } = gateWith(rows(row.revokedUser({ mode: 'observe' })));
      facts.put = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));

      // Act
      const answer = await gate.answer(connectRequest());

      // Assert
      expect(answer).toMatchObject({
        outcome: Outcome.WOULD_REFUSE,
        response: { allow: true },
        recorded: true,
        factKept: false,
      });
      expect(audit.admissions.size).toBe(1);
      expect(metrics.counts[GateMetric.FACTS_WRITE_FAILED]).toBe(1);
      expect(metrics.counts[GateMetric.AUDIT_WRITE_FAILED]).toBeUndefined();
    });

    it('answers on time when keeping the facts hangs, the audit record written beside it', async () => {
      // Arrange
      const { gate, audit, facts, metrics, clock } = gateWith(rows(row.exempt(), row.revokedUser()));
      facts.put = hanging;

      // Act
      const pending = gate.answer(connectRequest());
      await settle();
      clock.advance(3000);
      const answer = await pending;

      // Assert
      expect(answer).toMatchObject({ response: { allow: true }, recorded: true, factKept: false });
      expect([...audit.admissions.values()][0]).toMatchObject({ outcome: 'admitted', exemptedBy: 'on-call' });
      expect(metrics.counts[GateMetric.FACTS_WRITE_FAILED]).toBe(1);
    });
  });

  describe('the canary', () => {
    const canary = { 'connection-id': `${CANARY_CONNECTION_PREFIX}run-2026-11-26T10:49` };

    it.each([
      ['admits', rows(), true],
      ['refuses', rows(row.revokedUser()), false],
    ])('answers a canary as any attempt (here it %s), and records nothing of it', async (_, policies, allow) => {
      // Arrange
      const { gate, audit, facts, metrics } = gateWith(policies);

      // Act
      const answer = await gate.answer(connectRequest(canary));

      // Assert
      expect(answer.response.allow).toBe(allow);
      expect(audit.admissions.size).toBe(0);
      expect(facts.all()).toEqual([]);
      expect(metrics.counts).toEqual({ [GateMetric.CANARY_ATTEMPTS]: 1 });
    });
  });

  describe('the count of the connections a user holds, for max-connections', () => {
    const held = (count: number, username = 'alice') =>
      Array.from({ length: count }, (_, index) =>
        connection({ connectionId: `cvpn-connection-held${index}`, username }),
      );

    it('asks nothing when no max-connections row is about the attempt', async () => {
      const { gate, counter } = gateWith(
        rows(row.revokedUser({ usernames: ['bob'] }), row.maxConnections({ usernames: ['bob'] })),
      );

      await gate.answer(connectRequest());

      expect(counter.calls).toEqual([]);
    });

    it('refuses an attempt that would take the user over the limit, with the count as evidence', async () => {
      // Arrange
      const { gate, counter, audit } = gateWith(rows(row.maxConnections({ maxConnections: 2 })));
      counter.connections = [...held(2), ...held(3, 'bob')];

      // Act
      const answer = await gate.answer(connectRequest());

      // Assert
      expect(counter.calls).toEqual([
        { endpointId: ENDPOINT_A, username: 'alice', exceptConnectionId: 'cvpn-connection-0123456789abcdef0' },
      ]);
      expect(answer).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false } });
      expect([...audit.admissions.values()][0]).toMatchObject({
        policyId: 'two-sessions',
        policyKind: 'max-connections',
      });
    });

    it('admits an attempt under the limit, recording the count it judged by', async () => {
      const { gate, counter, audit } = gateWith(rows(row.maxConnections({ maxConnections: 2 })));
      counter.connections = held(1);

      const answer = await gate.answer(connectRequest());

      expect(answer).toMatchObject({ outcome: Outcome.ADMITTED, response: { allow: true } });
      expect([...audit.admissions.values()][0]?.notes).toBeUndefined();
    });

    it('admits with a note, counted, once the pacing has no token left', async () => {
      // Arrange
      const { gate, counter, audit, metrics } = gateWith(rows(row.maxConnections({ maxConnections: 1 })));
      counter.connections = held(1);

      // Act
      const answers = [];
      for (let attempt = 0; attempt <= COUNT_BURST; attempt += 1)
        answers.push(await gate.answer(connectRequest({ 'connection-id': `cvpn-connection-new${attempt}` })));

      // Assert
      expect(counter.calls).toHaveLength(COUNT_BURST);
      expect(answers.slice(0, COUNT_BURST).map((answer) => answer.outcome)).toEqual(
        Array.from({ length: COUNT_BURST }, () => Outcome.REFUSED),
      );
      expect(answers[COUNT_BURST]).toMatchObject({ outcome: Outcome.ADMITTED, response: { allow: true } });
      expect(audit.admissions.get(`gate-2026-11-26|${ENDPOINT_A}|cvpn-connection-new${COUNT_BURST}`)).toMatchObject({
        notes: [expect.stringContaining('count unknown')],
      });
      expect(metrics.counts[GateMetric.COUNT_UNAVAILABLE]).toBe(1);
    });

    it('counts again once the pacing has refilled', async () => {
      const { gate, counter, clock } = gateWith(rows(row.maxConnections()));
      for (let attempt = 0; attempt <= COUNT_BURST; attempt += 1) await gate.answer(connectRequest());

      clock.advance(1000 / COUNT_RATE_PER_SECOND);
      await gate.answer(connectRequest());

      expect(counter.calls).toHaveLength(COUNT_BURST + 1);
    });

    it('admits with a note when EC2 fails the count', async () => {
      const { gate, counter, metrics } = gateWith(rows(row.maxConnections({ maxConnections: 1 })));
      counter.countActive = () => Promise.reject(new Error('RequestLimitExceeded'));

      const answer = await gate.answer(connectRequest());

      expect(answer).toMatchObject({
        outcome: Outcome.ADMITTED,
        record: { notes: [expect.stringContaining('count unknown')] },
      });
      expect(metrics.counts[GateMetric.COUNT_UNAVAILABLE]).toBe(1);
    });

    it('admits with a note, on time, when EC2 answers later than its share of the deadline', async () => {
      // Arrange
      const { gate, counter, clock } = gateWith(rows(row.maxConnections({ maxConnections: 1 })), { deadlineMs: 3000 });
      counter.countActive = hanging;

      // Act
      const pending = gate.answer(connectRequest());
      await settle();
      clock.advance(3000 * COUNT_SHARE_OF_DEADLINE);
      const answer = await pending;

      // Assert
      expect(answer).toMatchObject({ outcome: Outcome.ADMITTED, recorded: true, factKept: true });
      expect(answer.record?.notes).toEqual([expect.stringContaining('count unknown')]);
    });

    it('asks nothing once the deadline has passed while the rows were read', async () => {
      // Arrange
      const policies = rows(row.maxConnections({ maxConnections: 1 }));
      const spy = new ScriptedPolicies(() => policies.loadAll());
      const { gate, counter, clock } = gateWith(spy);
      await gate.answer(connectRequest());
      spy.next = hanging;
      clock.advance(60_000);

      // Act
      const pending = gate.answer(connectRequest());
      await settle();
      clock.advance(3000);
      const answer = await pending;

      // Assert
      expect(counter.calls).toHaveLength(1);
      expect(answer.record?.notes).toEqual([expect.stringContaining('count unknown')]);
    });

    it('asks nothing for a certificate-only identity: EC2 filters by user name only', async () => {
      const { gate, counter, metrics } = gateWith(rows(row.maxConnections({ maxConnections: 1 })));

      const answer = await gate.answer(connectRequest({ username: '' }));

      expect(counter.calls).toEqual([]);
      expect(answer).toMatchObject({
        outcome: Outcome.ADMITTED,
        record: { notes: [expect.stringContaining('count unknown')] },
      });
      expect(metrics.counts[GateMetric.COUNT_UNAVAILABLE]).toBe(1);
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
    const { gate, audit, facts, counter } = gateWith(rows(row.revokedUser(), row.maxConnections()), {
      disabled: true,
    });

    expect((await gate.answer(connectRequest())).response.allow).toBe(true);
    expect(audit.admissions.size).toBe(0);
    expect(facts.all()).toEqual([]);
    expect(counter.calls).toEqual([]);
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
