import { describe, expect, it } from '@jest/globals';
import { PolicyValidationError } from '../../../lambda/domain/index.js';
import type { DecisionRecord } from '../../../lambda/ports/index.js';
import { digestOf } from '../../../lambda/run/digest.js';
import type { RunReport } from '../../../lambda/run/RunReport.js';

function report(overrides: Partial<RunReport>): RunReport {
  const at = new Date('2026-11-26T10:00:00Z');
  return {
    runId: 'run-2026-11-26T10:00:00Z',
    trigger: 'schedule',
    status: 'completed',
    dryRun: false,
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    endpoints: 1,
    endpointErrors: [],
    connectionsSeen: 10,
    decisions: [],
    records: [],
    counts: {},
    findings: [],
    terminateCalls: 0,
    throttledCalls: 0,
    reconciled: 0,
    lateFailures: [],
    auditFailures: 0,
    groups: { unknown: 0, mismatched: 0, selectingRows: [] },
    ...overrides,
  };
}

describe('digestOf', () => {
  it('sends nothing when nothing was terminated, failed, capped or invalid', () => {
    expect(digestOf(report({ counts: { 'would-terminate': 3, exempted: 1 } }))).toBeUndefined();
  });

  it('sums up what happened in the subject and lists each decision', () => {
    const digest = digestOf(
      report({
        counts: { terminated: 1, failed: 1 },
        records: [
          {
            recordType: 'decision',
            runId: 'r',
            at: '',
            outcome: 'terminated',
            policyId: 'p',
            policyKind: 'revoked-user',
            mode: 'enforce',
            firedPolicies: [],
            reason: 'user mallory is revoked',
            endpointId: 'e',
            connectionId: 'c1',
            username: 'mallory',
          },
          {
            recordType: 'decision',
            runId: 'r',
            at: '',
            outcome: 'failed',
            policyId: 'p',
            policyKind: 'revoked-user',
            mode: 'enforce',
            firedPolicies: [],
            reason: 'user eve is revoked',
            endpointId: 'e',
            connectionId: 'c2',
            username: 'eve',
            errorCode: 'UnauthorizedOperation',
          },
        ],
      }),
    );
    expect(digest?.subject).toBe('cvpn-guard: 1 terminated, 1 failed');
    expect(digest?.message).toContain('- terminated: c1 on e (mallory): user mallory is revoked');
    expect(digest?.message).toContain('[UnauthorizedOperation]');
  });

  it('reports earlier terminations that did not take effect', () => {
    const late = {
      recordType: 'decision' as const,
      runId: 'run-earlier',
      at: '',
      outcome: 'failed' as const,
      policyId: 'p',
      policyKind: 'revoked-user' as const,
      mode: 'enforce' as const,
      firedPolicies: [],
      reason: 'user mallory is revoked',
      endpointId: 'e',
      connectionId: 'c9',
      username: 'mallory',
      errorCode: 'failed-to-terminate',
    };
    const digest = digestOf(report({ lateFailures: [late] }));
    expect(digest?.subject).toBe('cvpn-guard: 1 earlier termination failed');
    expect(digest?.message).toContain(
      '- failed: c9 on e (mallory): user mallory is revoked [failed-to-terminate] (run run-earlier)',
    );
  });

  it('names invalid policy rows', () => {
    const finding = new PolicyValidationError('typo', [
      { field: 'idleMinute', value: 30, expected: 'a known attribute' },
    ]);
    const digest = digestOf(report({ findings: [finding] }));
    expect(digest?.subject).toBe('cvpn-guard: 1 invalid policy');
    expect(digest?.message).toContain('typo');
  });

  describe('first seen', () => {
    const AT = '2026-11-26T10:00:00.000Z';
    const EARLIER = '2026-11-26T08:00:00.000Z';
    const decision = (
      connectionId: string,
      outcome: DecisionRecord['outcome'],
      firstSeenAt: string,
    ): DecisionRecord => ({
      recordType: 'decision',
      runId: 'run-2026-11-26T10:00:00Z',
      at: AT,
      firstSeenAt,
      outcome,
      policyId: 'max-8h',
      policyKind: 'max-session',
      mode: 'observe',
      firedPolicies: [],
      reason: 'session 9 h old, limit 8 h (policy max-8h)',
      policyReason: 'contractors: 8 h a day',
      endpointId: 'e',
      connectionId,
      username: 'grace',
    });

    it('sums up decisions held since an earlier run and lists only the new ones', () => {
      // Arrange
      const records = [
        decision('c1', 'capped', EARLIER),
        decision('c2', 'capped', '2026-11-26T09:00:00.000Z'),
        decision('c3', 'capped', AT),
        decision('c4', 'would-terminate', EARLIER),
        decision('c5', 'would-terminate', AT),
      ];

      // Act
      const digest = digestOf(report({ counts: { capped: 3, 'would-terminate': 2 }, records }));

      // Assert
      expect(digest?.message).toContain(`still capped since ${EARLIER}: 2 connections`);
      expect(digest?.message).toContain(`still would-terminate since ${EARLIER}: 1 connection`);
      expect(digest?.message).toContain('- capped: c3 on e (grace)');
      expect(digest?.message).toContain('- would-terminate: c5 on e (grace)');
      expect(digest?.message).not.toContain('c1 on e');
      expect(digest?.message).not.toContain('c4 on e');
      expect(digest?.subject).toBe('cvpn-guard: 3 capped, 1 new would-terminate');
    });

    it("lists the row's own reason beside the generated one", () => {
      const digest = digestOf(report({ counts: { capped: 1 }, records: [decision('c1', 'capped', AT)] }));

      expect(digest?.message).toContain(
        "- capped: c1 on e (grace): session 9 h old, limit 8 h (policy max-8h) (row's reason: contractors: 8 h a day)",
      );
    });

    it('sends a digest for new would-terminate decisions, and none when they all held before', () => {
      const fresh = digestOf(
        report({ counts: { 'would-terminate': 1 }, records: [decision('c5', 'would-terminate', AT)] }),
      );
      const held = digestOf(
        report({ counts: { 'would-terminate': 1 }, records: [decision('c4', 'would-terminate', EARLIER)] }),
      );

      expect(fresh?.subject).toBe('cvpn-guard: 1 new would-terminate');
      expect(held).toBeUndefined();
    });
  });

  it('gives chat a title, a markdown description and where to look next', () => {
    const digest = digestOf(report({ counts: { terminated: 1 }, findings: [] }));

    expect(digest?.chat).toEqual({
      title: ':shield: cvpn-guard: 1 terminated',
      description: 'Run `run-2026-11-26T10:00:00Z`: 10 connection(s) seen on 1 endpoint(s).',
      nextSteps: ['cvpn-guard audit show run-2026-11-26T10:00:00Z'],
      keywords: ['cvpn-guard'],
    });
  });
});
