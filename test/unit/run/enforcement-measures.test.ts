import { describe, expect, it } from '@jest/globals';
import { Outcome } from '../../../lambda/domain/index.js';
import type { Decision } from '../../../lambda/domain/types.js';
import type { DecisionRecord, RunRecord } from '../../../lambda/ports/index.js';
import { decisionRecord } from '../../../lambda/run/audit-records.js';
import { enforcementMeasures } from '../../../lambda/run/enforcement-measures.js';
import { aConnection, aDecision, ENDPOINT_A, ENDPOINT_B } from '../../support/fixtures.js';

const RUN = 'run-2026-11-26T10:00:00Z';
const DECIDED_AT = new Date('2026-11-26T10:00:00Z');

/** The record of `decision` as the run finished it: `outcome`, completed at `completedAt`. */
function finished(decision: Decision, outcome: DecisionRecord['outcome'], completedAt: string): DecisionRecord {
  return { ...decisionRecord(RUN, DECIDED_AT, decision), outcome, completedAt };
}

/** An idle decision on a connection established at 08:00 whose idle limit was passed at `conditionAt`. */
function idleDecision(connectionId: string, conditionAt: string | undefined, endpointId = ENDPOINT_A): Decision {
  return aDecision(aConnection({ connectionId, endpointId, establishedAt: new Date('2026-11-26T08:00:00Z') }), {
    decidingPolicyId: 'idle-30m',
    decidingKind: 'idle',
    ...(conditionAt === undefined ? {} : { conditionAt: new Date(conditionAt) }),
  });
}

describe('enforcementMeasures', () => {
  it('measures a termination from its condition to its completion, and the hours it ended early', () => {
    // Arrange: idle past the limit at 09:58, ended at 10:00:30; it would have run until 08:00 the next day.
    const decision = idleDecision('cvpn-connection-1', '2026-11-26T09:58:00Z');
    const records = [finished(decision, Outcome.TERMINATED, '2026-11-26T10:00:30Z')];

    // Act
    const measures = enforcementMeasures([decision], records);

    // Assert
    expect(measures.secondsToEnforce).toEqual([150]);
    expect(measures.connectionHoursSaved).toBeCloseTo(21 + 59.5 / 60, 10);
  });

  it('times a revoked user ended, and saves no hours by it (the session was not meant to go on)', () => {
    // Arrange
    const decision = aDecision(aConnection({ connectionId: 'cvpn-connection-1', username: 'mallory' }), {
      conditionAt: new Date('2026-11-26T09:59:00Z'),
    });

    // Act
    const measures = enforcementMeasures([decision], [finished(decision, Outcome.TERMINATED, '2026-11-26T10:00:00Z')]);

    // Assert
    expect(measures).toEqual({ secondsToEnforce: [60], connectionHoursSaved: 0 });
  });

  it('counts the hours of a decision that does not know when its condition became true, and times it not', () => {
    const decision = idleDecision('cvpn-connection-1', undefined);

    const measures = enforcementMeasures([decision], [finished(decision, Outcome.TERMINATED, '2026-11-26T20:00:00Z')]);

    expect(measures).toEqual({ secondsToEnforce: [], connectionHoursSaved: 12 });
  });

  it('measures only terminations, each against the decision on its own endpoint and connection', () => {
    // Arrange: the same connection id on two endpoints; other outcomes; a connection no decision planned.
    const onA = idleDecision('cvpn-connection-1', '2026-11-26T09:00:00Z', ENDPOINT_A);
    const onB = idleDecision('cvpn-connection-1', '2026-11-26T09:30:00Z', ENDPOINT_B);
    const failed = idleDecision('cvpn-connection-2', '2026-11-26T09:00:00Z');
    const observed = idleDecision('cvpn-connection-3', '2026-11-26T09:00:00Z');
    const endedByUsername: RunRecord = {
      ...finished(onA, Outcome.TERMINATED, '2026-11-26T10:00:00Z'),
      connectionId: 'cvpn-connection-9',
    };
    const records: RunRecord[] = [
      finished(onB, Outcome.TERMINATED, '2026-11-26T10:00:00Z'),
      finished(failed, Outcome.FAILED, '2026-11-26T10:00:00Z'),
      finished(observed, Outcome.WOULD_TERMINATE, '2026-11-26T10:00:00Z'),
      endedByUsername,
    ];

    // Act
    const measures = enforcementMeasures([onA, onB, failed, observed], records);

    // Assert: only the termination on endpoint B, 30 minutes after its condition, 22 hours early.
    expect(measures).toEqual({ secondsToEnforce: [1800], connectionHoursSaved: 22 });
  });

  it('measures nothing for a run that ended nothing', () => {
    expect(enforcementMeasures([], [])).toEqual({ secondsToEnforce: [], connectionHoursSaved: 0 });
  });
});
