/**
 * Event-driven runs through the real handler over memory ports: a batch of the policies table's stream
 * that holds a change able to end sessions notes the change signal and starts a change run; a batch
 * that holds none starts nothing; a redelivered batch does nothing again; records of other tables and
 * malformed records are named and the rest handled; and a change that lands at any step of a run is
 * ended by a run that starts after it.
 */
import { describe, expect, it } from '@jest/globals';
import { EnvVar } from '../../../lambda/environment.js';
import { RunMetric, RUNS_STARTED_METRIC } from '../../../lambda/metrics.js';
import { aConnection } from '../../support/fixtures.js';
import { asRun, memoryEnforcer } from '../../support/memory-enforcer.js';
import { type PortCallPhase, withPortHooks } from '../../support/MemoryPorts.js';
import { POLICIES_STREAM_ARN, streamBatch, streamRecord } from '../../support/stream-records.js';

const TICK = { scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' };
const revoking = (policyId: string, usernames: string[], extra: Record<string, unknown> = {}) => ({
  policyId,
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames,
  reason: 'left the company',
  ...extra,
});
const MALLORY = aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory' });
const NEWBIE = aConnection({ connectionId: 'cvpn-connection-2', username: 'newbie' });

/** The connection ids the memory gateway was asked to end, in order. */
const ended = (calls: { decisions: readonly { connection: { connectionId: string } }[] }[]) =>
  calls.flatMap((call) => call.decisions.map((decision) => decision.connection.connectionId));

describe('event-driven runs', () => {
  it('starts a change run for a batch that revokes a user: the signal noted, the connection ended at once', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY] });
    const row = revoking('offboarded', ['mallory']);
    enforcer.ports.policies.items.push(row);

    // Act
    const report = asRun(await enforcer.invoke(streamBatch(streamRecord({ after: row }))));

    // Assert
    expect(report).toMatchObject({ status: 'completed', trigger: 'change', changes: 1, ignored: [] });
    expect(report.runId).toMatch(/^change-[0-9a-f]{16}$/);
    expect(ended(enforcer.ports.gateway.calls)).toEqual(['cvpn-connection-1']);
    expect(enforcer.ports.changes.count).toBe(1);
    expect(enforcer.ports.audit.summaries.get(report.runId)).toMatchObject({ trigger: 'change', status: 'completed' });
    expect(enforcer.data).toContainEqual([RUNS_STARTED_METRIC, 1, { trigger: 'change' }]);
    expect(report).not.toHaveProperty('decisions');
  });

  it.each([
    ['an observe row', { after: revoking('watch', ['mallory'], { mode: 'observe' }) }],
    [
      'a disabled row',
      { before: revoking('offboarded', ['mallory']), after: revoking('offboarded', ['mallory'], { enabled: false }) },
    ],
    ['a removal', { before: revoking('offboarded', ['mallory']) }],
    [
      'an exemption added',
      { after: { policyId: 'on-call', kind: 'exempt', usernames: ['mallory'], reason: 'on call' } },
    ],
    [
      'a reason reworded',
      { before: revoking('offboarded', ['x']), after: revoking('offboarded', ['x'], { reason: 'gone' }) },
    ],
  ])('answers a batch of %s "ignored" and starts no run', async (_name, change) => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY] });

    // Act
    const result = await enforcer.invoke(streamBatch(streamRecord(change)));

    // Assert
    expect(result).toEqual({ status: 'ignored', trigger: 'change', changes: 1, ignored: [expect.any(String)] });
    expect(enforcer.ports.gateway.calls).toEqual([]);
    expect(enforcer.ports.audit.summaries.size).toBe(0);
    expect(enforcer.ports.changes.count).toBe(0);
    expect(enforcer.data.map(([name]) => name)).not.toContain(RUNS_STARTED_METRIC);
  });

  it('does nothing again for a batch Lambda delivers twice: the second finds its summary (already done)', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY] });
    const row = revoking('offboarded', ['mallory']);
    enforcer.ports.policies.items.push(row);
    const batch = streamBatch(streamRecord({ after: row }), streamRecord({ after: revoking('other', ['nobody']) }));

    // Act
    const first = asRun(await enforcer.invoke(batch));
    const again = asRun(await enforcer.invoke(batch));

    // Assert
    expect(again.runId).toBe(first.runId);
    expect(again.status).toBe('already-done');
    expect(enforcer.ports.gateway.calls).toHaveLength(1);
    expect(enforcer.ports.continuations.started).toEqual([]);
  });

  it('names records of other tables and malformed records, counts them, and handles the rest', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY] });
    const row = revoking('offboarded', ['mallory']);
    enforcer.ports.policies.items.push(row);
    const foreign = streamRecord({ after: row, eventSourceARN: POLICIES_STREAM_ARN.replace('/p/', '/audit/') });
    const plain = streamRecord({ after: row });
    (plain.dynamodb as Record<string, unknown>).NewImage = { policyId: 'offboarded', kind: 'revoked-user' };

    // Act
    const report = asRun(await enforcer.invoke(streamBatch(foreign, plain, 'garbage', streamRecord({ after: row }))));

    // Assert
    expect(report).toMatchObject({ status: 'completed', trigger: 'change', changes: 4 });
    expect(report.ignored).toEqual([
      expect.stringMatching(/^record 0 .*is not the stream of the policies table p/),
      expect.stringMatching(/^record 1 .*dynamodb\.NewImage: policyId is not DynamoDB AttributeValue JSON/),
      expect.stringMatching(/^record 2: not a DynamoDB Streams record/),
    ]);
    expect(enforcer.data).toContainEqual([RunMetric.CHANGE_RECORDS_REJECTED, 3]);
    expect(ended(enforcer.ports.gateway.calls)).toEqual(['cvpn-connection-1']);
  });

  it('answers a batch of only foreign records "ignored", naming each', async () => {
    const enforcer = memoryEnforcer({ connections: [MALLORY] });
    const foreign = streamRecord({
      after: revoking('offboarded', ['mallory']),
      eventSourceARN: POLICIES_STREAM_ARN.replace('/p/', '/audit/'),
    });

    const result = await enforcer.invoke(streamBatch(foreign));

    expect(result).toMatchObject({ status: 'ignored', changes: 1, ignored: [expect.stringMatching(/^record 0/)] });
    expect(enforcer.data).toContainEqual([RunMetric.CHANGE_RECORDS_REJECTED, 1]);
  });

  it('writes a disabled summary and notes nothing when the kill switch is on', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY], env: { [EnvVar.DISABLED]: 'true' } });
    const row = revoking('offboarded', ['mallory']);
    enforcer.ports.policies.items.push(row);

    // Act
    const report = asRun(await enforcer.invoke(streamBatch(streamRecord({ after: row }))));

    // Assert
    expect(report).toMatchObject({ status: 'disabled', trigger: 'change' });
    expect(enforcer.ports.audit.summaries.get(report.runId)).toMatchObject({ status: 'disabled', trigger: 'change' });
    expect(enforcer.ports.changes.count).toBe(0);
    expect(enforcer.ports.gateway.calls).toEqual([]);
  });

  it('ends a connection an exemption spared once the exemption is removed', async () => {
    // Arrange
    const lockdown = { policyId: 'incident', kind: 'lockdown', mode: 'enforce', endpoints: ['*'], reason: 'leak' };
    const exemption = { policyId: 'on-call', kind: 'exempt', usernames: ['newbie'], reason: 'on call' };
    const enforcer = memoryEnforcer({ connections: [NEWBIE], policies: [lockdown] });

    // Act
    const report = asRun(await enforcer.invoke(streamBatch(streamRecord({ before: exemption }))));

    // Assert
    expect(report.status).toBe('completed');
    expect(ended(enforcer.ports.gateway.calls)).toEqual(['cvpn-connection-2']);
  });

  it('reports skipped with the change noted when another run holds the lease', async () => {
    // Arrange
    const enforcer = memoryEnforcer({ connections: [MALLORY] });
    const row = revoking('offboarded', ['mallory']);
    await enforcer.ports.lease.acquire('run-other', enforcer.ports.clock.now(), new Date('2026-11-26T11:00:00Z'), 'x');

    // Act
    const report = asRun(await enforcer.invoke(streamBatch(streamRecord({ after: row }))));

    // Assert
    expect(report).toMatchObject({ status: 'skipped', trigger: 'change' });
    expect(enforcer.ports.changes.count).toBe(1);
  });
});

describe('a change landing at any step of a run', () => {
  const row = revoking('newbie-out', ['newbie']);

  /** A schedule run over mallory (revoked) and newbie; `land` is called at every port call of it. */
  const scenario = (land: (step: string, phase: PortCallPhase) => Promise<void> | void) =>
    memoryEnforcer({
      connections: [MALLORY, NEWBIE],
      policies: [revoking('offboarded', ['mallory'])],
      wrap: (ports) => withPortHooks(ports, land),
    });

  /** Every port call a schedule run makes, in order, with its phase. */
  const stepsOfARun = async (): Promise<string[]> => {
    const steps: string[] = [];
    const enforcer = scenario((step, phase) => void steps.push(`${step}:${phase}`));
    await enforcer.invoke(TICK);
    return steps;
  };

  it('is ended by a run that starts after it, whichever step it lands at', async () => {
    const steps = await stepsOfARun();
    // The run's every step: the lease, the change signal, the audit reads and writes, the policy read, the
    // listing, each terminate call, the summary and the release.
    for (const step of ['lease.acquire', 'changes.version', 'audit.getRun', 'policies.loadAll', 'gateway.terminate']) {
      expect(steps).toContain(`${step}:after`);
    }
    expect(steps).toContain('audit.putSummary:after');
    expect(steps[steps.length - 1]).toMatch(/^(lease\.release|changes\.version):after$/);

    for (let landing = 0; landing < steps.length; landing += 1) {
      // Arrange
      let seen = 0;
      let landed = false;
      let policiesRead = false;
      const enforcer = scenario(async (step, phase) => {
        if (landed) return;
        if (step === 'policies.loadAll' && phase === 'after') policiesRead = true;
        if (seen++ !== landing) return;
        landed = true;
        enforcer.ports.policies.items.push(row);
        // The stream delivers the change at once: its run notes the change and finds the lease held (or takes it).
        await enforcer.invoke(streamBatch(streamRecord({ after: row })));
      });

      // Act
      const first = asRun(await enforcer.invoke(TICK));
      const later = await enforcer.drain();

      // Assert
      const where = `landing at ${steps[landing]}`;
      const newbieEnded = [...enforcer.ports.audit.records.values()].filter(
        (record) => record.recordType === 'decision' && record.connectionId === NEWBIE.connectionId,
      );
      expect({ where, records: newbieEnded.map((record) => record.outcome) }).toEqual({
        where,
        records: ['terminated'],
      });
      expect({ where, calls: ended(enforcer.ports.gateway.calls).filter((id) => id === NEWBIE.connectionId) }).toEqual({
        where,
        calls: [NEWBIE.connectionId],
      });
      // A change the first run could not have read was ended by a run that started after it.
      if (policiesRead) expect({ where, by: newbieEnded[0]?.runId }).not.toEqual({ where, by: first.runId });
      expect(later.length).toBeLessThanOrEqual(2);
    }
  });
});

describe('1,000 changes in bursts', () => {
  it('coalesce into few runs: at most two per burst (the burst’s run and one continuation), every user ended', async () => {
    // Arrange: 10 bursts of 100 revoked users; each burst's first change starts a run, and the other 99 land
    // while that run makes its terminate calls, each delivered as a batch of its own.
    const BURSTS = 10;
    const PER_BURST = 100;
    const users = Array.from({ length: BURSTS * PER_BURST }, (_, index) => `user-${index}`);
    const connections = users.map((username, index) =>
      aConnection({ connectionId: `cvpn-connection-${1000 + index}`, username }),
    );
    let pending: (() => Promise<unknown>) | undefined;
    const enforcer = memoryEnforcer({
      connections,
      wrap: (ports) =>
        withPortHooks(ports, async (step, phase) => {
          if (step !== 'gateway.terminate' || phase !== 'before' || pending === undefined) return;
          const deliver = pending;
          pending = undefined;
          await deliver();
        }),
    });
    const deliverChange = (username: string) => {
      const row = revoking(`out-${username}`, [username]);
      enforcer.ports.policies.items.push(row);
      return enforcer.invoke(streamBatch(streamRecord({ after: row })));
    };
    const statuses: string[] = [];

    // Act
    for (let burst = 0; burst < BURSTS; burst += 1) {
      const [head, ...rest] = users.slice(burst * PER_BURST, (burst + 1) * PER_BURST);
      pending = async () => {
        for (const answer of await Promise.all(rest.map(deliverChange))) statuses.push(asRun(answer).status);
      };
      statuses.push(asRun(await deliverChange(head ?? '')).status);
      for (const answer of await enforcer.drain()) statuses.push(answer.status);
    }

    // Assert
    const runs = statuses.filter((status) => status === 'completed' || status === 'partial');
    expect(statuses.filter((status) => status === 'skipped')).toHaveLength(BURSTS * (PER_BURST - 1));
    expect(runs.length).toBeLessThanOrEqual(2 * BURSTS);
    expect(new Set(ended(enforcer.ports.gateway.calls))).toEqual(new Set(connections.map((c) => c.connectionId)));
    expect(enforcer.ports.changes.count).toBe(BURSTS * PER_BURST);
  });
});
