import { describe, expect, it } from '@jest/globals';
import { isAdmissionItem, itemToAdmission, recordToItem } from '../../../lambda/adapters/audit-item.js';
import type { AdmissionRecord } from '../../../lambda/ports/index.js';

const ADMISSION: AdmissionRecord = {
  recordType: 'admission',
  outcome: 'refused',
  runId: 'gate-2026-11-26',
  at: '2026-11-26T10:49:00.000Z',
  endpointId: 'cvpn-endpoint-0123456789abcdef0',
  connectionId: 'cvpn-connection-0123456789abcdef0',
  username: 'Alice',
  policyId: 'offboarded',
  policyKind: 'revoked-user',
  mode: 'enforce',
  firedPolicies: ['offboarded (revoked-user, enforce)'],
  reason: 'alice is revoked',
  message: 'Your access ended.',
  notes: ['a note'],
};

describe('recordToItem', () => {
  it('keys an admission in its day bucket, on the time, identity, endpoint and policy indexes, never pending', () => {
    // Act
    const item = recordToItem(ADMISSION, 30);

    // Assert
    expect(item).toMatchObject({
      pk: 'RUN#gate-2026-11-26',
      sk: 'ADMISSION#cvpn-endpoint-0123456789abcdef0#cvpn-connection-0123456789abcdef0',
      timeKey: 'DAY#2026-11-26',
      identityKey: 'alice',
      endpointId: ADMISSION.endpointId,
      policyId: 'offboarded',
      ttl: Math.floor(Date.parse(ADMISSION.at) / 1000) + 30 * 86_400,
    });
    expect(item.pendingKey).toBeUndefined();
    expect(isAdmissionItem(item)).toBe(true);
    expect(itemToAdmission(item)).toEqual(ADMISSION);
  });

  it('leaves a fail-mode admission off the policy index', () => {
    const { policyId: _, policyKind: __, mode: ___, ...failMode } = ADMISSION;

    expect(
      recordToItem({ ...failMode, outcome: 'admitted-fail-open', failMode: 'deadline' }, 30).policyId,
    ).toBeUndefined();
  });
});
