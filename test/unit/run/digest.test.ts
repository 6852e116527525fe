import { describe, expect, it } from '@jest/globals';
import { PolicyValidationError } from '../../../lambda/domain/index.js';
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
});
