import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../../../../lambda/domain/index.js';
import type { DecisionRecord } from '../../../../lambda/ports/index.js';
import { decisionRecord } from '../../../../lambda/run/audit-records.js';
import { decisionJson, recordDecisionJson } from '../../../../cli/run/decision-json.js';

const AT = new Date('2026-11-26T10:00:00Z');

const decision = (verdict: Decision['verdict']): Decision => ({
  connection: {
    endpointId: 'cvpn-endpoint-0e2e00000000000a1',
    connectionId: 'cvpn-connection-0e2e000000000a002',
    username: 'grace',
    clientIp: '203.0.113.7',
    ingressBytes: 10,
    egressBytes: 20,
    establishedAt: new Date('2026-11-26T01:00:00Z'),
    status: 'active',
  },
  verdict,
  decidingPolicyId: 'max-session-8h',
  decidingKind: 'max-session',
  mode: verdict === 'would-terminate' ? 'observe' : 'enforce',
  fired: [
    { policyId: 'max-session-8h', kind: 'max-session', mode: 'enforce', reason: 'session 9 h old' },
    { policyId: 'idle-30m', kind: 'idle', mode: 'observe', reason: 'idle 40 min' },
  ],
  reason: 'session 9 h old, limit 8 h (policy max-session-8h)',
});

describe('recordDecisionJson', () => {
  it.each([
    ['terminate', 'terminated'],
    ['terminate', 'failed'],
    ['terminate', 'deferred'],
    ['terminate', 'pending'],
    ['would-terminate', 'would-terminate'],
    ['capped', 'capped'],
    ['exempted', 'exempted'],
  ] as const)('reads the verdict %s from the outcome %s, as plan prints it', (verdict, outcome) => {
    // Arrange
    const record = { ...decisionRecord('manual-1', AT, decision(verdict)), outcome } as DecisionRecord;

    // Act
    const json = recordDecisionJson(record);

    // Assert
    expect(json.verdict).toBe(verdict);
    expect(json.outcome).toBe(outcome);
  });

  it("prints a run's record with the fields of the plan's decision it came from (but its establishment time and each rule's sentence)", () => {
    // Arrange
    const planned = decision('terminate');
    const record = { ...decisionRecord('manual-1', AT, planned), outcome: 'terminated' } as DecisionRecord;

    // Act
    const fromRun = recordDecisionJson(record);
    const fromPlan = decisionJson(planned);

    // Assert
    const { establishedAt, fired, ...rest } = fromPlan;
    expect(establishedAt).toBe('2026-11-26T01:00:00.000Z');
    expect(fromRun).toEqual({
      ...rest,
      fired: fired.map(({ policyId, kind, mode }) => ({ policyId, kind, mode })),
      outcome: 'terminated',
      runId: 'manual-1',
    });
  });
});
