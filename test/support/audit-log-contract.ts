/**
 * The audit log's contract: what every implementation of the AuditLog port keeps (the DynamoDB one in
 * lambda/adapters, the in-memory one the unit tests run on), so the two cannot drift apart. Call
 * `describeAuditLogContract` from a test file with a factory that gives a fresh, empty log.
 */
import { describe, expect, it } from '@jest/globals';
import {
  type AdmissionRecord,
  type AuditLog,
  AuditTransition,
  type DecisionRecord,
  type InvalidPolicyRecord,
  type RunSummary,
} from '../../lambda/ports/index.js';

/** Gives a fresh, empty audit log for one case. */
export type AuditLogFactory = () => Promise<AuditLog>;

const RUN = 'run-2026-11-26T10:00:00Z';
const LATER_RUN = 'run-2026-11-26T10:05:00Z';
const ENDPOINT_A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const ENDPOINT_B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';

/** A decision record of `runId` about one connection, as the run writes it. */
function aDecisionRecord(overrides: Partial<DecisionRecord> & { connectionId: string }): DecisionRecord {
  return {
    recordType: 'decision',
    runId: RUN,
    at: '2026-11-26T10:00:00.000Z',
    outcome: 'would-terminate',
    policyId: 'max-8h',
    policyKind: 'max-session',
    firedPolicies: ['max-8h (max-session, observe)'],
    mode: 'observe',
    reason: 'session 9 h old, limit 8 h',
    endpointId: ENDPOINT_A,
    username: 'grace',
    clientIp: '10.0.0.7',
    previousStatus: 'active',
    ...overrides,
  };
}

function anInvalidPolicyRecord(policyId: string, runId = RUN): InvalidPolicyRecord {
  return {
    recordType: 'invalid-policy',
    runId,
    at: '2026-11-26T10:00:00.000Z',
    outcome: 'invalid-policy',
    policyId,
    firedPolicies: [],
    reason: `policy row ${policyId}: idleMinute is not an attribute of an idle row`,
    errorCode: 'PolicyValidation',
    errorMessage: 'idleMinute: expected a known attribute',
  };
}

/** An admission record of the client connect handler, in its day's bucket. */
function anAdmissionRecord(connectionId: string): AdmissionRecord {
  return {
    recordType: 'admission',
    outcome: 'refused',
    runId: 'gate-2026-11-26',
    at: '2026-11-26T10:00:00.000Z',
    endpointId: ENDPOINT_A,
    connectionId,
    username: 'grace',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['offboarded (revoked-user, enforce)'],
    reason: 'grace is revoked',
    message: 'Your access ended.',
  };
}

function aSummary(runId: string, terminated: number): RunSummary {
  return {
    recordType: 'summary',
    runId,
    at: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:00:02.000Z',
    durationMs: 2000,
    status: 'completed',
    dryRun: false,
    endpoints: 2,
    endpointErrors: [],
    connectionsSeen: 12,
    counts: { terminated },
    invalidPolicies: 0,
    terminateCalls: terminated,
    throttledCalls: 0,
    reconciled: 0,
    lateFailures: 0,
  };
}

const keyOf = (record: DecisionRecord) => ({
  runId: record.runId,
  endpointId: record.endpointId,
  connectionId: record.connectionId,
});

/** An intent of a revoked user's connection, before its terminate call. */
const anIntent = (connectionId: string, runId = RUN) =>
  aDecisionRecord({
    runId,
    connectionId,
    outcome: 'pending',
    policyId: 'offboarded',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['offboarded (revoked-user, enforce)'],
    reason: 'user mallory is revoked',
    username: 'mallory',
  });

const TERMINATING = {
  outcome: 'terminated',
  calledBy: 'connection-id',
  requestId: 'req-1',
  previousStatus: 'active',
  currentStatus: 'terminating',
  completedAt: '2026-11-26T10:00:01.000Z',
  awaitingConfirmation: true,
} as const;

const ids = (records: readonly { connectionId?: string }[]) => records.map((record) => record.connectionId).sort();

/** The contract, as one `describe` per transition and one for the reads. */
export function describeAuditLogContract(implementation: string, freshLog: AuditLogFactory): void {
  const one = async (log: AuditLog, connectionId: string, runId = RUN) =>
    (await log.getRun(runId)).records.find((record) => record.connectionId === connectionId);

  describe(`${implementation}: the audit log's contract`, () => {
    describe(AuditTransition.RECORD, () => {
      it('writes a final record once; a second one of the same run and connection changes nothing', async () => {
        // Arrange
        const log = await freshLog();
        const first = aDecisionRecord({ connectionId: 'cvpn-connection-1' });

        // Act
        const written = await log.record(first);
        const again = await log.record({ ...first, outcome: 'capped', reason: 'over the cap' });

        // Assert
        expect([written, again]).toEqual([true, false]);
        expect((await log.getRun(RUN)).records).toEqual([first]);
      });

      it("keeps the row's own reason and the first-seen time as they were written", async () => {
        // Arrange
        const log = await freshLog();
        const record = aDecisionRecord({
          connectionId: 'cvpn-connection-1',
          policyReason: 'contractors: 8 h a day (ticket SEC-12)',
          firstSeenAt: '2026-11-26T09:40:00.000Z',
        });

        // Act
        await log.record(record);

        // Assert
        expect((await log.getRun(RUN)).records).toEqual([record]);
      });

      it("keeps when the deciding rule's condition became true and when the connection was established", async () => {
        // Arrange
        const log = await freshLog();
        const record = aDecisionRecord({
          connectionId: 'cvpn-connection-1',
          conditionAt: '2026-11-26T09:41:00.000Z',
          connectedAt: '2026-11-26T01:41:00.000Z',
        });

        // Act
        await log.record(record);

        // Assert
        const [stored] = (await log.getRun(RUN)).records;
        expect(stored).toEqual(record);
        expect(stored).toMatchObject({ conditionAt: record.conditionAt, connectedAt: record.connectedAt });
      });

      it('keeps one record per run: the same connection in another run is another record', async () => {
        // Arrange
        const log = await freshLog();

        // Act
        const written = [
          await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1' })),
          await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1', runId: LATER_RUN })),
          await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1', endpointId: ENDPOINT_B })),
        ];

        // Assert
        expect(written).toEqual([true, true, true]);
        expect((await log.getRun(RUN)).records).toHaveLength(2);
        expect((await log.getRun(LATER_RUN)).records).toHaveLength(1);
      });

      it("keys an invalid row's record by its policy id, apart from the run's decisions", async () => {
        // Arrange
        const log = await freshLog();

        // Act
        const written = [
          await log.record(anInvalidPolicyRecord('typo')),
          await log.record(anInvalidPolicyRecord('typo')),
          await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1', policyId: 'typo' })),
        ];

        // Assert
        expect(written).toEqual([true, false, true]);
        expect((await log.getRun(RUN)).records.map((record) => record.recordType)).toEqual([
          'decision',
          'invalid-policy',
        ]);
      });

      it('stores no attribute that is undefined or empty', async () => {
        // Arrange
        const log = await freshLog();

        // Act
        await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1', clientIp: '', exemptedBy: undefined }));

        // Assert
        const read = await one(log, 'cvpn-connection-1');
        expect(read).not.toHaveProperty('clientIp');
        expect(read).not.toHaveProperty('exemptedBy');
      });

      it('is neither pending nor unconfirmed', async () => {
        // Arrange
        const log = await freshLog();

        // Act
        await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1', outcome: 'terminated' }));

        // Assert
        expect(await log.listPending()).toEqual([]);
        expect(await log.listUnconfirmed()).toEqual([]);
      });
    });

    describe(AuditTransition.INTEND, () => {
      it('writes a pending intent, whatever outcome the record held, and lists it as pending', async () => {
        // Arrange
        const log = await freshLog();
        const intent = { ...anIntent('cvpn-connection-1'), outcome: 'terminated' as const };

        // Act
        const written = await log.intend(intent);

        // Assert
        expect(written).toBe(true);
        expect(await log.listPending()).toEqual([{ ...intent, outcome: 'pending' }]);
        expect(await log.listUnconfirmed()).toEqual([]);
      });

      it('refuses an intent where the run already has a record of that connection, and keeps that record', async () => {
        // Arrange
        const log = await freshLog();
        const recorded = aDecisionRecord({ connectionId: 'cvpn-connection-1' });
        await log.record(recorded);
        await log.intend(anIntent('cvpn-connection-2'));

        // Act
        const refused = [
          await log.intend(anIntent('cvpn-connection-1')),
          await log.intend(anIntent('cvpn-connection-2')),
        ];

        // Assert
        expect(refused).toEqual([false, false]);
        expect(await one(log, 'cvpn-connection-1')).toEqual(recorded);
        expect(ids(await log.listPending())).toEqual(['cvpn-connection-2']);
      });
    });

    describe(AuditTransition.COMPLETE, () => {
      it('gives a pending intent its outcome; what the completion leaves undefined or empty is kept', async () => {
        // Arrange
        const log = await freshLog();
        const intent = anIntent('cvpn-connection-1');
        await log.intend(intent);

        // Act
        await log.complete(keyOf(intent), {
          outcome: 'failed',
          calledBy: 'connection-id',
          reason: undefined,
          requestId: '',
          errorCode: 'InternalError',
          errorMessage: 'EC2 failed',
          completedAt: '2026-11-26T10:00:01.000Z',
        });

        // Assert
        expect(await one(log, 'cvpn-connection-1')).toEqual({
          ...intent,
          outcome: 'failed',
          calledBy: 'connection-id',
          errorCode: 'InternalError',
          errorMessage: 'EC2 failed',
          completedAt: '2026-11-26T10:00:01.000Z',
        });
        expect(await log.listPending()).toEqual([]);
        expect(await log.listUnconfirmed()).toEqual([]);
      });

      it("keeps the intent's condition and connection times: a completion never writes them", async () => {
        // Arrange
        const log = await freshLog();
        const intent = {
          ...anIntent('cvpn-connection-1'),
          conditionAt: '2026-11-26T09:30:00.000Z',
          connectedAt: '2026-11-26T08:00:00.000Z',
        };
        await log.intend(intent);

        // Act
        await log.complete(keyOf(intent), { ...TERMINATING, awaitingConfirmation: false });

        // Assert
        expect((await log.getRun(RUN)).records[0]).toMatchObject({
          outcome: 'terminated',
          conditionAt: '2026-11-26T09:30:00.000Z',
          connectedAt: '2026-11-26T08:00:00.000Z',
        });
      });

      it('leaves a termination whose connection is still terminating unconfirmed, no longer pending', async () => {
        // Arrange
        const log = await freshLog();
        const intent = anIntent('cvpn-connection-1');
        await log.intend(intent);

        // Act
        await log.complete(keyOf(intent), TERMINATING);

        // Assert
        const { awaitingConfirmation: _notStored, ...stored } = TERMINATING;
        expect(await log.listUnconfirmed()).toEqual([{ ...intent, ...stored }]);
        expect(await log.listPending()).toEqual([]);
      });

      it('changes nothing unless the record is pending: a final one, a completed one, an absent one', async () => {
        // Arrange
        const log = await freshLog();
        const final = aDecisionRecord({ connectionId: 'cvpn-connection-1' });
        const intent = anIntent('cvpn-connection-2');
        await log.record(final);
        await log.intend(intent);
        await log.complete(keyOf(intent), TERMINATING);
        const before = await log.getRun(RUN);
        const failed = {
          outcome: 'failed',
          errorCode: 'RunInterrupted',
          completedAt: '2026-11-26T10:05:00.000Z',
        } as const;

        // Act
        await log.complete(keyOf(final), failed);
        await log.complete(keyOf(intent), failed);
        await log.complete({ runId: RUN, endpointId: ENDPOINT_A, connectionId: 'cvpn-connection-9' }, failed);

        // Assert
        expect(await log.getRun(RUN)).toEqual(before);
        expect(ids(await log.listUnconfirmed())).toEqual(['cvpn-connection-2']);
      });
    });

    describe(AuditTransition.CONFIRM, () => {
      it('confirms an unconfirmed termination as terminated, keeping completedAt: no longer unconfirmed', async () => {
        // Arrange
        const log = await freshLog();
        const intent = anIntent('cvpn-connection-1');
        await log.intend(intent);
        await log.complete(keyOf(intent), TERMINATING);

        // Act
        await log.confirm(keyOf(intent), {
          outcome: 'terminated',
          currentStatus: 'not-listed',
          confirmedAt: '2026-11-26T10:05:00.000Z',
        });

        // Assert
        expect(await log.listUnconfirmed()).toEqual([]);
        expect(await one(log, 'cvpn-connection-1')).toMatchObject({
          outcome: 'terminated',
          currentStatus: 'not-listed',
          requestId: 'req-1',
          completedAt: TERMINATING.completedAt,
          confirmedAt: '2026-11-26T10:05:00.000Z',
        });
      });

      it('confirms as failed a termination whose connection failed to terminate, with why', async () => {
        // Arrange
        const log = await freshLog();
        const intent = anIntent('cvpn-connection-1');
        await log.intend(intent);
        await log.complete(keyOf(intent), TERMINATING);

        // Act
        await log.confirm(keyOf(intent), {
          outcome: 'failed',
          currentStatus: 'failed-to-terminate',
          errorCode: 'failed-to-terminate',
          errorMessage: 'EC2 accepted the call but the connection failed to terminate',
          confirmedAt: '2026-11-26T10:05:00.000Z',
        });

        // Assert
        expect(await log.listUnconfirmed()).toEqual([]);
        expect(await one(log, 'cvpn-connection-1')).toMatchObject({
          outcome: 'failed',
          currentStatus: 'failed-to-terminate',
          errorCode: 'failed-to-terminate',
          reason: 'user mallory is revoked',
        });
      });

      it('changes nothing unless the record is unconfirmed: pending, final, confirmed already, absent', async () => {
        // Arrange
        const log = await freshLog();
        const pending = anIntent('cvpn-connection-1');
        const final = aDecisionRecord({ connectionId: 'cvpn-connection-2', outcome: 'terminated' });
        const confirmed = anIntent('cvpn-connection-3');
        await log.intend(pending);
        await log.record(final);
        await log.intend(confirmed);
        await log.complete(keyOf(confirmed), TERMINATING);
        const ended = {
          outcome: 'terminated',
          currentStatus: 'terminated',
          confirmedAt: '2026-11-26T10:05:00.000Z',
        } as const;
        await log.confirm(keyOf(confirmed), ended);
        const before = await log.getRun(RUN);
        const failed = {
          outcome: 'failed',
          currentStatus: 'failed-to-terminate',
          errorCode: 'failed-to-terminate',
          confirmedAt: '2026-11-26T10:10:00.000Z',
        } as const;

        // Act
        await log.confirm(keyOf(pending), failed);
        await log.confirm(keyOf(final), failed);
        await log.confirm(keyOf(confirmed), failed);
        await log.confirm({ runId: RUN, endpointId: ENDPOINT_A, connectionId: 'cvpn-connection-9' }, failed);

        // Assert
        expect(await log.getRun(RUN)).toEqual(before);
        expect(ids(await log.listPending())).toEqual(['cvpn-connection-1']);
      });
    });

    describe('reads', () => {
      it("gives a run's decisions, then its invalid rows, each in key order, and nothing of other runs", async () => {
        // Arrange
        const log = await freshLog();
        await log.record(anInvalidPolicyRecord('typo-b'));
        await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-2', endpointId: ENDPOINT_B }));
        await log.record(anInvalidPolicyRecord('typo-a'));
        await log.intend(anIntent('cvpn-connection-3'));
        await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-1' }));
        await log.record(aDecisionRecord({ connectionId: 'cvpn-connection-0', runId: LATER_RUN }));

        // Act
        const { records, summary } = await log.getRun(RUN);

        // Assert
        expect(
          records.map((record) => [record.recordType, record.endpointId, record.connectionId, record.policyId]),
        ).toEqual([
          ['decision', ENDPOINT_A, 'cvpn-connection-1', 'max-8h'],
          ['decision', ENDPOINT_A, 'cvpn-connection-3', 'offboarded'],
          ['decision', ENDPOINT_B, 'cvpn-connection-2', 'max-8h'],
          ['invalid-policy', undefined, undefined, 'typo-a'],
          ['invalid-policy', undefined, undefined, 'typo-b'],
        ]);
        expect(summary).toBeUndefined();
      });

      it("gives a run's summary; a second summary of the run replaces the first", async () => {
        // Arrange
        const log = await freshLog();

        // Act
        await log.putSummary(aSummary(RUN, 1));
        await log.putSummary(aSummary(RUN, 2));
        await log.putSummary(aSummary(LATER_RUN, 3));

        // Assert
        expect(await log.getRun(RUN)).toEqual({ records: [], summary: aSummary(RUN, 2) });
      });

      it("keeps a summary's connections per endpoint; a summary without them has none", async () => {
        // Arrange
        const log = await freshLog();
        const summary = { ...aSummary(RUN, 1), connectionsByEndpoint: { [ENDPOINT_A]: 11, [ENDPOINT_B]: 0 } };

        // Act
        await log.putSummary(summary);
        await log.putSummary(aSummary(LATER_RUN, 1));

        // Assert
        expect((await log.getRun(RUN)).summary).toEqual(summary);
        expect((await log.getRun(LATER_RUN)).summary?.connectionsByEndpoint).toBeUndefined();
      });

      it('records an admission once, leaves a second write of it as it was, and lists it in no run', async () => {
        // Arrange
        const log = await freshLog();

        // Act
        const first = await log.record(anAdmissionRecord('cvpn-connection-9'));
        const second = await log.record({ ...anAdmissionRecord('cvpn-connection-9'), outcome: 'would-refuse' });

        // Assert
        expect([first, second]).toEqual([true, false]);
        expect(await log.getRun('gate-2026-11-26')).toEqual({ records: [], summary: undefined });
        expect(await log.listPending()).toEqual([]);
      });

      it('lists pending intents and unconfirmed terminations of every run', async () => {
        // Arrange
        const log = await freshLog();
        for (const [connectionId, runId] of [
          ['cvpn-connection-1', RUN],
          ['cvpn-connection-2', LATER_RUN],
          ['cvpn-connection-3', RUN],
          ['cvpn-connection-4', LATER_RUN],
        ] as const) {
          await log.intend(anIntent(connectionId, runId));
        }

        // Act
        await log.complete(keyOf(anIntent('cvpn-connection-3')), TERMINATING);
        await log.complete(keyOf(anIntent('cvpn-connection-4', LATER_RUN)), TERMINATING);

        // Assert
        expect(ids(await log.listPending())).toEqual(['cvpn-connection-1', 'cvpn-connection-2']);
        expect(ids(await log.listUnconfirmed())).toEqual(['cvpn-connection-3', 'cvpn-connection-4']);
      });
    });
  });
}
