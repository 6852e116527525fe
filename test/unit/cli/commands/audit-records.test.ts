import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_TABLE_WIDTH,
  orderRecords,
  RECORD_COLUMNS,
  WIDE_RECORD_COLUMNS,
} from '../../../../cli/commands/audit-records.js';
import { renderTable } from '../../../../cli/output/index.js';
import type { AdmissionRecord, DecisionRecord, ListedRecord } from '../../../../lambda/ports/index.js';

const AT = '2026-11-26T10:00:00.000Z';
const ENDPOINT_A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const ENDPOINT_B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';

function decision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    recordType: 'decision',
    runId: 'run-2026-11-26T10:00:00Z',
    at: AT,
    firstSeenAt: AT,
    outcome: 'terminated',
    policyId: 'offboarded-contractors-2026',
    policyKind: 'revoked-user',
    mode: 'enforce',
    firedPolicies: ['offboarded-contractors-2026 (revoked-user, enforce)'],
    reason: 'user jonathan.appleseed@example.com is revoked (policy offboarded-contractors-2026)',
    policyReason: 'contract ended, ticket HR-20431',
    endpointId: ENDPOINT_A,
    connectionId: 'cvpn-connection-0123456789abcdef0',
    username: 'jonathan.appleseed@example.com',
    calledBy: 'username',
    previousStatus: 'active',
    currentStatus: 'failed-to-terminate',
    requestId: '3f2b8c1e-7d4a-4f0e-9b6a-2c1d0e9f8a7b',
    completedAt: '2026-11-26T10:00:01.000Z',
    confirmedAt: '2026-11-26T10:05:00.000Z',
    ...overrides,
  };
}

const admission: AdmissionRecord = {
  recordType: 'admission',
  outcome: 'refused-fail-closed',
  runId: 'gate-2026-11-26',
  at: AT,
  endpointId: ENDPOINT_B,
  connectionId: 'cvpn-connection-0fedcba9876543210',
  username: 'a-really-long-user-name@corp.example.com',
  firedPolicies: [],
  reason: 'the decision was not ready in time: refused, as the fail mode says',
};

describe('audit list table', () => {
  it('fits 120 columns for realistic rows of the longest kind', () => {
    // Act
    const text = renderTable(RECORD_COLUMNS, [decision(), admission, decision({ currentStatus: 'terminating' })]);

    // Assert
    const widths = text
      .trimEnd()
      .split('\n')
      .map((line) => [...line].length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(text).toContain('active→terminating');
    expect(text).toContain('…9abcdef0');
    expect(text.split('\n')[0]).toMatch(/^TIME +OUTCOME +POLICY +ENDPOINT +CONNECTION +IDENTITY +STATUS +REQUEST$/);
  });

  it('shows with --wide the full ids, the reasons, the row reason, first-seen and confirmation times', () => {
    // Act
    const text = renderTable(WIDE_RECORD_COLUMNS, [decision({ firstSeenAt: '2026-11-26T08:00:00.000Z' })]);

    // Assert
    for (const shown of [
      ENDPOINT_A,
      'cvpn-connection-0123456789abcdef0',
      '3f2b8c1e-7d4a-4f0e-9b6a-2c1d0e9f8a7b',
      'user jonathan.appleseed@example.com is revoked (policy offboarded-contractors-2026)',
      'contract ended, ticket HR-20431',
      '2026-11-26T08:00:00Z',
      '2026-11-26T10:05:00Z',
      'active→failed-to-terminate',
    ])
      expect(text).toContain(shown);
  });
});

describe('orderRecords', () => {
  it('orders newest first, then by endpoint, then by connection id, whatever order they came in', () => {
    // Arrange
    const records: ListedRecord[] = [
      decision({ endpointId: ENDPOINT_B, connectionId: 'c1' }),
      decision({ at: '2026-11-26T09:00:00.000Z', connectionId: 'c0' }),
      decision({ connectionId: 'c2' }),
      decision({ connectionId: 'c1' }),
    ];

    // Act
    const ordered = orderRecords(records);

    // Assert
    expect(
      ordered.map((record) => `${record.at.slice(11, 13)} ${record.endpointId?.slice(-1)} ${record.connectionId}`),
    ).toEqual(['10 1 c1', '10 1 c2', '10 2 c1', '09 1 c0']);
  });
});
