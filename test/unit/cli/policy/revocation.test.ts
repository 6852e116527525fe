import { describe, expect, it } from '@jest/globals';
import type { StoredPolicy } from '../../../../lambda/ports/index.js';
import { CliUsageError } from '../../../../cli/errors.js';
import { checkRevokeRequest, planRevocation, revocationRowId } from '../../../../cli/policy/revocation.js';

const NOW = new Date('2026-11-26T10:00:00Z');

function stored(item: Record<string, unknown>): StoredPolicy {
  return { policyId: item.policyId as string, item, version: item.version as number | undefined };
}

const offboarded = (overrides: Record<string, unknown> = {}) =>
  stored({
    policyId: 'revoked-left-the-company',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    reason: 'left the company',
    version: 4,
    ...overrides,
  });

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('checkRevokeRequest', () => {
  it('trims the names and keeps each identity once, as the enforcer compares them', () => {
    // Act
    const request = checkRevokeRequest([' jdoe ', 'JDoe', 'asmith'], ['kiosk.corp'], ' left ');

    // Assert
    expect(request).toEqual({ usernames: ['jdoe', 'asmith'], commonNames: ['kiosk.corp'], reason: 'left' });
  });

  it('refuses a command that names no one, saying how to name them', () => {
    expect(usageError(() => checkRevokeRequest([], [], 'left'))).toMatch(/whom\? Give one or more user names/);
  });

  it('refuses a blank user name, by its place', () => {
    expect(usageError(() => checkRevokeRequest(['jdoe', '  '], [], 'left'))).toBe(
      "user name #2 is blank: give each identity as the VPN reports it (the user name, or the certificate's common name)",
    );
  });

  it('refuses a blank common name', () => {
    expect(usageError(() => checkRevokeRequest([], ['kiosk', ''], 'left'))).toMatch(
      /^--common-names entry #2 is blank/,
    );
  });

  it.each(['*', 'j*', 'jdo?'])('refuses the wildcard identity %s, naming it', (name) => {
    expect(usageError(() => checkRevokeRequest([name], [], 'left'))).toBe(
      `user name ${JSON.stringify(name)} holds a wildcard ("*" or "?"): revoked-user rows match names exactly (case-insensitive), never as patterns; name each identity`,
    );
  });

  it('refuses a wildcard common name', () => {
    expect(usageError(() => checkRevokeRequest([], ['*.corp.example.com'], 'left'))).toMatch(
      /^--common-names entry "\*\.corp\.example\.com" holds a wildcard/,
    );
  });

  it.each(['', '   ', undefined])('refuses the reason %p, with an example of one', (reason) => {
    expect(usageError(() => checkRevokeRequest(['jdoe'], [], reason))).toMatch(
      /^--reason is blank: say why the users are revoked, in words \(--reason "left the company \(HR-1234\)"\)/,
    );
  });

  it('refuses a reason longer than a row holds', () => {
    expect(usageError(() => checkRevokeRequest(['jdoe'], [], 'x'.repeat(1025)))).toBe(
      '--reason is 1025 characters long: at most 1024 fit in a policy row; shorten it',
    );
  });
});

describe('revocationRowId', () => {
  it('is revoked- and the slug of the reason', () => {
    expect(revocationRowId('Left the company (HR-1234)!', () => false)).toBe('revoked-left-the-company-hr-1234');
  });

  it('cuts a long slug at 60 characters, never ending on a dash', () => {
    const id = revocationRowId(`${'a'.repeat(59)} b c`, () => false);
    expect(id).toBe(`revoked-${'a'.repeat(59)}`);
  });

  it('adds the reason hash when another row holds the plain id', () => {
    const id = revocationRowId('left', (taken) => taken === 'revoked-left');
    expect(id).toMatch(/^revoked-left-[0-9a-f]{8}$/);
    expect(revocationRowId('left', (taken) => taken === 'revoked-left')).toBe(id);
    expect(revocationRowId('Left', (taken) => taken === 'revoked-left')).not.toBe(id);
  });

  it('is the hash alone for a reason without a letter or digit of a-z, 0-9', () => {
    expect(revocationRowId('離職', () => false)).toMatch(/^revoked-[0-9a-f]{8}$/);
  });
});

describe('planRevocation', () => {
  it('adds a new enforcing row on every endpoint when no row has the reason', () => {
    // Act
    const plan = planRevocation(checkRevokeRequest(['jdoe'], ['kiosk'], 'retired laptop'), [offboarded()], NOW);

    // Assert
    expect(plan).toEqual({
      action: 'create',
      policyId: 'revoked-retired-laptop',
      row: {
        policyId: 'revoked-retired-laptop',
        kind: 'revoked-user',
        enabled: true,
        mode: 'enforce',
        endpoints: ['*'],
        usernames: ['jdoe'],
        commonNames: ['kiosk'],
        reason: 'retired laptop',
      },
      added: { usernames: ['jdoe'], commonNames: ['kiosk'] },
      alreadyRevoked: [],
    });
  });

  it('extends the enforcing row with exactly this reason, at the version read', () => {
    // Act
    const plan = planRevocation(checkRevokeRequest(['jdoe'], [], 'left the company'), [offboarded()], NOW);

    // Assert
    expect(plan).toEqual({
      action: 'extend',
      policyId: 'revoked-left-the-company',
      version: 4,
      changes: { usernames: ['mallory', 'jdoe'] },
      added: { usernames: ['jdoe'], commonNames: [] },
      alreadyRevoked: [],
    });
  });

  it('leaves out, naming the row, a user an enforcing row already revokes everywhere', () => {
    // Act
    const plan = planRevocation(checkRevokeRequest(['MALLORY', 'jdoe'], [], 'left the company'), [offboarded()], NOW);

    // Assert
    expect(plan).toMatchObject({
      action: 'extend',
      changes: { usernames: ['mallory', 'jdoe'] },
      alreadyRevoked: [{ attribute: 'usernames', identity: 'MALLORY', policyId: 'revoked-left-the-company' }],
    });
  });

  it('writes nothing when every identity is revoked already, whatever the reason', () => {
    expect(planRevocation(checkRevokeRequest(['mallory'], [], 'another reason'), [offboarded()], NOW)).toEqual({
      action: 'none',
      alreadyRevoked: [{ attribute: 'usernames', identity: 'mallory', policyId: 'revoked-left-the-company' }],
    });
  });

  it.each([
    ['in observe mode', { mode: 'observe' }],
    ['disabled', { enabled: false }],
    ['expired', { expiresAt: '2026-11-25T00:00:00Z' }],
    ['on one endpoint only', { endpoints: ['cvpn-endpoint-0123456789abcdef0'] }],
  ])('neither counts nor extends a row %s: a new row is added', (_case, overrides) => {
    // Act
    const plan = planRevocation(checkRevokeRequest(['mallory'], [], 'left the company'), [offboarded(overrides)], NOW);

    // Assert
    expect(plan).toMatchObject({ action: 'create', alreadyRevoked: [] });
    expect(plan.action === 'create' && plan.policyId).toMatch(/^revoked-left-the-company-[0-9a-f]{8}$/);
  });

  it('ignores invalid rows', () => {
    const broken = offboarded({ usernames: 'mallory' });
    expect(planRevocation(checkRevokeRequest(['mallory'], [], 'x'), [broken], NOW)).toMatchObject({
      action: 'create',
      policyId: 'revoked-x',
    });
  });

  it('refuses, through the schema, a row that would name more identities than it holds', () => {
    const full = offboarded({ usernames: Array.from({ length: 1000 }, (_, index) => `user${index}`) });
    expect(usageError(() => planRevocation(checkRevokeRequest(['jdoe'], [], 'left the company'), [full], NOW))).toMatch(
      /^policy row "revoked-left-the-company" would be invalid; nothing was written:\n {2}- usernames: expected/,
    );
  });
});
