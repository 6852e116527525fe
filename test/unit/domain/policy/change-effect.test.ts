import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { changeEffect, parsePolicyRow, type PolicyRowChange } from '../../../../lambda/domain/index.js';
import { arbMalformedRow, arbValidRow, PROPERTY_PARAMETERS } from '../arbitraries.js';
import { NOW, row } from '../fixtures.js';

const PAST = '2026-11-01T00:00:00Z';
const FUTURE = '2027-01-01T00:00:00Z';
const revoked = row.revokedUser();
const exempt = row.exempt();

describe('changeEffect', () => {
  it.each<[string, PolicyRowChange, boolean, RegExp]>([
    // A row that ends sessions from now on.
    ['Start 1: a revoked-user row inserted', { after: revoked }, true, /revoked-user row in force in enforce mode/],
    ['Start 2: an idle row inserted', { after: row.idle() }, true, /idle row in force/],
    ['Start 3: a lockdown row inserted', { after: row.lockdown() }, true, /lockdown row in force/],
    [
      'Start 4: observe turned to enforce',
      { before: { ...revoked, mode: 'observe' }, after: revoked },
      true,
      /in force/,
    ],
    ['Start 5: a disabled row enabled', { before: { ...revoked, enabled: false }, after: revoked }, true, /in force/],
    ['Start 6: a row widened', { before: revoked, after: { ...revoked, usernames: ['alice', 'bob'] } }, true, /force/],
    ['Start 7: an expiry moved out', { before: { ...revoked, expiresAt: PAST }, after: revoked }, true, /in force/],
    ['Start 8: an invalid row fixed', { before: { ...revoked, mode: 'always' }, after: revoked }, true, /in force/],
    // An exemption in force that spares less now (or may: any change but bookkeeping counts).
    ['Start 9: an exemption removed', { before: exempt }, true, /exemption in force was removed/],
    ['Start 10: an exemption disabled', { before: exempt, after: { ...exempt, enabled: false } }, true, /changed/],
    [
      'Start 11: an exemption narrowed',
      { before: exempt, after: { ...exempt, endpoints: ['cvpn-endpoint-0123456789abcdef0'] } },
      true,
      /changed/,
    ],
    [
      'Start 12: an exemption made invalid',
      { before: exempt, after: { ...exempt, usernames: [] } },
      true,
      /made invalid/,
    ],
    [
      'Start 13: an exemption expired early',
      { before: exempt, after: { ...exempt, expiresAt: PAST } },
      true,
      /changed/,
    ],
    // Nothing that ends a session.
    ['Ignore 1: a row removed', { before: revoked }, false, /removed, and it was no exemption in force/],
    ['Ignore 2: a row disabled', { before: revoked, after: { ...revoked, enabled: false } }, false, /disabled/],
    ['Ignore 3: an observe row inserted', { after: { ...revoked, mode: 'observe' } }, false, /observe mode/],
    ['Ignore 4: an exemption inserted', { after: exempt }, false, /an exemption: it ends no session/],
    [
      'Ignore 5: an invalid row inserted',
      { after: { ...revoked, mode: 'always' } },
      false,
      /invalid, it matches nothing/,
    ],
    ['Ignore 6: an expired row inserted', { after: { ...revoked, expiresAt: PAST } }, false, /expired at 2026-11-01/],
    [
      'Ignore 7: only updatedAt changed',
      { before: revoked, after: { ...revoked, updatedAt: '2026-11-26T10:00:00Z' } },
      false,
      /only/,
    ],
    [
      'Ignore 8: only the reason changed',
      { before: revoked, after: { ...revoked, reason: 'offboarded' } },
      false,
      /only/,
    ],
    [
      'Ignore 9: an exemption only re-stamped',
      { before: exempt, after: { ...exempt, version: 4, updatedBy: 'ops' } },
      false,
      /only/,
    ],
    ['Ignore 10: an expired exemption removed', { before: { ...exempt, expiresAt: PAST } }, false, /removed/],
    ['Ignore 11: a removal of garbage', { before: { policyId: 'x' } }, false, /removed/],
  ])('%s', (_name, change, startsRun, why) => {
    // Act
    const effect = changeEffect(change, NOW);

    // Assert
    expect(effect.startsRun).toBe(startsRun);
    expect(effect.why).toMatch(why);
  });

  it('names the row the change is about, even when it is invalid', () => {
    expect(changeEffect({ after: { ...revoked, mode: 'always' } }, NOW).policyId).toBe('offboarded-2026-11');
    expect(changeEffect({ before: exempt }, NOW).policyId).toBe('on-call');
    expect(changeEffect({ after: 'not a row' }, NOW).policyId).toBe('(no policyId)');
  });

  it('judges the expiry at the time it is given', () => {
    const expiring = { ...revoked, expiresAt: '2026-11-26T11:00:00Z' };
    expect(changeEffect({ after: expiring }, NOW).startsRun).toBe(true);
    expect(changeEffect({ after: expiring }, new Date(FUTURE)).startsRun).toBe(false);
  });
});

describe('changeEffect properties', () => {
  /** The row, parsed, when it is enabled and unexpired. */
  const inForce = (item: unknown) => {
    const parsed = parsePolicyRow(item);
    if (!parsed.ok || !parsed.row.enabled) return undefined;
    const { expiresAt } = parsed.row;
    return expiresAt === undefined || Date.parse(expiresAt) > NOW.getTime() ? parsed.row : undefined;
  };
  const endsSessions = (item: unknown): boolean => {
    const parsed = inForce(item);
    return parsed !== undefined && parsed.kind !== 'exempt' && parsed.mode === 'enforce';
  };
  const isExemptionInForce = (item: unknown): boolean => inForce(item)?.kind === 'exempt';
  const arbItem = fc.oneof(arbValidRow, arbMalformedRow);
  const arbChange = fc.record(
    { before: arbItem, after: arbItem },
    { requiredKeys: [] },
  ) as fc.Arbitrary<PolicyRowChange>;

  it('starts a run only for a row that ends sessions after the change, or an exemption in force before it', () => {
    fc.assert(
      fc.property(arbChange, (change) => {
        // Act
        const effect = changeEffect(change, NOW);

        // Assert
        if (effect.startsRun) {
          const exemptionBefore = change.before !== undefined && isExemptionInForce(change.before);
          expect(endsSessions(change.after) || exemptionBefore).toBe(true);
        }
        expect(effect.why).toContain(effect.policyId);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('starts a run for every insert of a row that ends sessions, and for none that ends none', () => {
    fc.assert(
      fc.property(arbItem, (item) => {
        expect(changeEffect({ after: item }, NOW).startsRun).toBe(endsSessions(item));
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('starts nothing when only bookkeeping changed, whatever the row', () => {
    fc.assert(
      fc.property(arbValidRow, fc.constantFrom('updatedAt', 'updatedBy', 'reason'), (item, field) => {
        const after = { ...item, [field]: field === 'updatedAt' ? '2026-11-26T10:48:00Z' : 'someone else' };
        expect(changeEffect({ before: item, after }, NOW).startsRun).toBe(false);
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
