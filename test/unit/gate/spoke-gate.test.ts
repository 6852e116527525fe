import { describe, expect, it } from '@jest/globals';
import { FailMode, Outcome } from '../../../lambda/domain/index.js';
import { ConnectGate, type ConnectGateOptions, GateMetric } from '../../../lambda/gate/index.js';
import { REFRESH_SHARE_OF_DEADLINE } from '../../../lambda/gate/PolicyCache.js';
import { SILENT_LOGGER } from '../../../lambda/ports/index.js';
import { placedRunId } from '../../../lambda/run/run-id.js';
import { MemoryAuditLog } from '../../support/MemoryAuditLog.js';
import { MemoryConnectionCounter, MemoryConnectionFacts, MemoryPolicies } from '../../support/MemoryPorts.js';
import { row } from '../domain/fixtures.js';
import { connectRequest, HeldClock, MemoryMetrics, ScriptedPolicies, settle } from './support.js';

const DEADLINE_MS = 3000;
const OPTIONS: ConnectGateOptions = { failMode: FailMode.ADMIT, deadlineMs: DEADLINE_MS, policyCacheMs: 30_000 };
const SPOKE = { accountId: '222233334444', region: 'eu-central-1' };
const hanging = () => new Promise<never>(() => undefined);

function gateWith(policies: MemoryPolicies | ScriptedPolicies, options: Partial<ConnectGateOptions> = {}) {
  const audit = new MemoryAuditLog();
  const metrics = new MemoryMetrics();
  const clock = new HeldClock();
  const gate = new ConnectGate(
    {
      policies,
      audit,
      facts: new MemoryConnectionFacts(),
      counter: new MemoryConnectionCounter(),
      clock,
      logger: SILENT_LOGGER,
      metrics,
    },
    { ...OPTIONS, ...options },
  );
  return { gate, audit, metrics, clock };
}

describe('ConnectGate in a spoke', () => {
  it("records each attempt in the spoke's placed day bucket", async () => {
    const { gate, clock } = gateWith(new MemoryPolicies([row.revokedUser()]), {
      placeRunId: (runId) => placedRunId(SPOKE, runId),
    });
    const answer = await gate.answer(connectRequest());
    const day = clock.now().toISOString().slice(0, 10);
    expect(answer.record?.runId).toBe(`222233334444.eu-central-1/gate-${day}`);
  });

  it("keeps a single deployment's day bucket as it was", async () => {
    const { gate, clock } = gateWith(new MemoryPolicies([row.revokedUser()]));
    const answer = await gate.answer(connectRequest());
    expect(answer.record?.runId).toBe(`gate-${clock.now().toISOString().slice(0, 10)}`);
  });

  it("decides with the rows in memory once a refresh from the hub's Region outlasts its share of the deadline", async () => {
    // Arrange: rows read once; the next read (due) hangs, as a cross-Region call that does not answer.
    const spy = new ScriptedPolicies(() => new MemoryPolicies([row.revokedUser()]).loadAll());
    const { gate, metrics, clock } = gateWith(spy);
    await gate.answer(connectRequest());
    spy.next = hanging;
    clock.advance(60_000);

    // Act: only the refresh's share of the deadline passes.
    const pending = gate.answer(connectRequest());
    await settle();
    clock.advance(DEADLINE_MS * REFRESH_SHARE_OF_DEADLINE);
    const answer = await pending;

    // Assert: refused with the cached rows, recorded, well within the deadline.
    expect(answer).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false }, recorded: true });
    expect(metrics.counts[GateMetric.DEADLINE_EXCEEDED]).toBeUndefined();
    expect(spy.loads).toBe(2);
  });

  it('decides with the rows in memory at once when a refresh fails, within the deadline', async () => {
    const spy = new ScriptedPolicies(() => new MemoryPolicies([row.revokedUser()]).loadAll());
    const { gate, metrics, clock } = gateWith(spy, { failMode: FailMode.ADMIT });
    await gate.answer(connectRequest());
    spy.next = () => Promise.reject(new Error('AccessDeniedException from the hub table'));
    clock.advance(60_000);

    const answer = await gate.answer(connectRequest());

    expect(answer).toMatchObject({ outcome: Outcome.REFUSED, response: { allow: false } });
    expect(metrics.counts[GateMetric.DEADLINE_EXCEEDED]).toBeUndefined();
  });

  it('waits for a refresh that answers within its share: a row changed at the hub applies at once', async () => {
    // Arrange
    const policies = new MemoryPolicies([]);
    const spy = new ScriptedPolicies(() => policies.loadAll());
    const { gate, clock } = gateWith(spy);
    await gate.answer(connectRequest());
    policies.items = [row.revokedUser()];
    clock.advance(60_000);

    // Act
    const answer = await gate.answer(connectRequest());

    // Assert
    expect(answer.response.allow).toBe(false);
  });
});
