import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ADMISSION_KINDS,
  decideAdmission,
  evaluate,
  normalizeIdentity,
  parseRows,
  type Connection,
  type ConnectionAttempt,
} from '../../../../lambda/domain/index.js';
import {
  arbAttempt,
  arbInstant,
  arbKnown,
  arbMalformedRow,
  arbValidRow,
  arbValidRows,
  PROPERTY_PARAMETERS,
} from '../arbitraries.js';

type Raw = Record<string, unknown>;

/** The kinds that can refuse at connect. */
const REFUSING = new Set<string>(ADMISSION_KINDS);

/** Raw rows through the path a run takes (`parseRows`), then the admission decision. */
function admit(raw: readonly unknown[], who: ConnectionAttempt, known: number | undefined, now: Date, dryRun = false) {
  return decideAdmission(parseRows(raw).rows, who, known, now, { dryRun });
}

/** An independent reading of the design: is this attempt covered by an exempt row in force at `now`? */
function exempted(rows: readonly Raw[], who: ConnectionAttempt, now: Date): boolean {
  return parseRows(rows).rows.some((row) => {
    if (row.kind !== 'exempt' || !row.enabled) return false;
    if (row.expiresAt !== undefined && Date.parse(row.expiresAt) <= now.getTime()) return false;
    if (!row.endpoints.includes('*') && !row.endpoints.includes(who.endpointId)) return false;
    const named = (list: readonly string[] | undefined, value: string | undefined) =>
      value !== undefined &&
      normalizeIdentity(value) !== '' &&
      (list ?? []).some((entry) => normalizeIdentity(entry) === normalizeIdentity(value));
    return (
      named(row.usernames, who.username) ||
      named(row.commonNames, who.commonName) ||
      (who.groups ?? []).some((group) => named(row.groups, group))
    );
  });
}

/** The connection a run would see for this attempt, established at `now`. */
function connectionOf(who: ConnectionAttempt, now: Date): Connection {
  const { platform: _platform, publicIp: _publicIp, ...identity } = who;
  return { ...identity, ingressBytes: 0, egressBytes: 0, establishedAt: now, status: 'active' };
}

/** An exempt row in force naming one of the attempt's identities (none when it has no identity to name). */
function arbCoveringExemption(who: ConnectionAttempt): fc.Arbitrary<Raw | undefined> {
  const named: [string, string][] = [
    ...(who.username === undefined ? [] : [['usernames', who.username] as [string, string]]),
    ...(who.commonName === undefined ? [] : [['commonNames', who.commonName] as [string, string]]),
    ...(who.groups ?? []).map((group): [string, string] => ['groups', group]),
  ].filter(([, value]) => value.trim() !== '');
  if (named.length === 0) return fc.constant(undefined);
  return fc
    .tuple(fc.constantFrom(...named), fc.constantFrom(['*'], [who.endpointId]))
    .map(([[attribute, value], endpoints]) => ({
      policyId: 'x-covering',
      kind: 'exempt',
      endpoints,
      [attribute]: [value],
      reason: 'names the attempt',
    }));
}

function withoutCaps(rows: readonly Raw[]): Raw[] {
  return rows.map(({ maxTerminations: _cap, ...rest }) => rest);
}

describe('decideAdmission properties', () => {
  it('never refuses an exempt identity, and records the exemption whenever a rule fired', () => {
    // Half the cases add an exemption naming one of the attempt's identities, so that many are exempt.
    const arbCase = fc
      .tuple(arbValidRows, arbAttempt, arbKnown, arbInstant, fc.boolean())
      .chain(([rows, who, known, now, dryRun]) =>
        fc
          .option(arbCoveringExemption(who), { nil: undefined })
          .map((cover) => ({ rows: cover === undefined ? rows : [...rows, cover], who, known, now, dryRun })),
      );
    fc.assert(
      fc.property(arbCase, ({ rows, who, known, now, dryRun }) => {
        // Act
        const admission = admit(rows, who, known, now, dryRun);

        // Assert
        if (!exempted(rows, who, now)) return;
        expect(admission.verdict).toBe('admit');
        expect(admission.exemptedBy !== undefined).toBe(admission.fired.length > 0);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never refuses for observe rows nor under the dry run', () => {
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbKnown, arbInstant, (rows, who, known, now) => {
        // Arrange
        const observing = rows.map((item) => (item.kind === 'exempt' ? item : { ...item, mode: 'observe' }));

        // Act
        const observed = admit(observing, who, known, now);
        const dryRun = admit(rows, who, known, now, true);

        // Assert
        expect(observed.verdict).not.toBe('refuse');
        expect(dryRun.verdict).not.toBe('refuse');
        expect(dryRun.fired).toEqual(admit(rows, who, known, now).fired);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never refuses without a revoked-user, off-hours, max-connections or lockdown row', () => {
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbKnown, arbInstant, (rows, who, known, now) => {
        const admission = admit(
          rows.filter((item) => !REFUSING.has(String(item.kind))),
          who,
          known,
          now,
        );

        expect(admission).toMatchObject({ verdict: 'admit', fired: [] });
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never changes its answer because an invalid row is mixed in', () => {
    fc.assert(
      fc.property(
        arbValidRows,
        arbMalformedRow,
        fc.nat(),
        arbAttempt,
        arbKnown,
        arbInstant,
        fc.boolean(),
        (rows, malformed, at, who, known, now, dryRun) => {
          // Arrange
          const withMalformed: unknown[] = [...rows];
          withMalformed.splice(at % (rows.length + 1), 0, malformed);

          // Act
          const clean = admit(rows, who, known, now, dryRun);
          const dirty = admit(withMalformed, who, known, now, dryRun);

          // Assert
          expect(dirty).toEqual(clean);
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('never turns a refusal into an admission when a row that is not an exemption is added', () => {
    fc.assert(
      fc.property(arbValidRows, arbValidRow, arbAttempt, arbKnown, arbInstant, (rows, extra, who, known, now) => {
        // Arrange: a row of its own id (the table's key), of any kind but exempt.
        fc.pre(extra.kind !== 'exempt');
        const added = { ...extra, policyId: 'added' };

        // Act
        const before = admit(rows, who, known, now);
        const after = admit([...rows, added], who, known, now);

        // Assert
        if (before.verdict === 'refuse') expect(after.verdict).toBe('refuse');
        const addedFired = after.fired.some((firing) => firing.policyId === 'added' && firing.mode === 'enforce');
        if (addedFired && !exempted(rows, who, now)) expect(after.verdict).toBe('refuse');
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('gives the same answer with or without idle and max-session rows', () => {
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbKnown, arbInstant, fc.boolean(), (rows, who, known, now, dryRun) => {
        // Arrange
        const judgingSessions = new Set(['idle', 'max-session']);

        // Act
        const withSessionRows = admit(rows, who, known, now, dryRun);
        const without = admit(
          rows.filter((item) => !judgingSessions.has(String(item.kind))),
          who,
          known,
          now,
          dryRun,
        );

        // Assert
        expect(withSessionRows).toEqual(without);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('refuses with revoked-user, lockdown or off-hours only whom a run at that instant would terminate', () => {
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbKnown, arbInstant, (rows, who, known, now) => {
        // Arrange
        const uncapped = withoutCaps(rows);

        // Act
        const admission = admit(uncapped, who, known, now);
        const [decision] = evaluate(uncapped, [connectionOf(who, now)], new Map(), now).decisions;

        // Assert
        const kind = admission.decidingRow?.kind;
        if (admission.verdict !== 'refuse' || !['revoked-user', 'lockdown', 'off-hours'].includes(kind ?? '')) return;
        expect(decision?.verdict).toBe('terminate');
        expect(decision?.fired).toContainEqual(admission.decidingRow);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('decides a fresh connection of an identity holding no other as a run at that instant does', () => {
    // With no other connection held and the session just begun, max-connections, max-session and idle
    // cannot fire in either, so the two must agree on everything: verdicts, rules fired, deciding row.
    const RUN_VERDICT = { admit: ['none', 'exempted'], refuse: ['terminate'], 'would-refuse': ['would-terminate'] };
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbInstant, fc.boolean(), (rows, who, now, dryRun) => {
        // Arrange
        const uncapped = withoutCaps(rows);

        // Act
        const admission = admit(uncapped, who, 0, now, dryRun);
        const [decision] = evaluate(uncapped, [connectionOf(who, now)], new Map(), now, { dryRun }).decisions;

        // Assert
        expect(RUN_VERDICT[admission.verdict]).toContain(decision?.verdict ?? 'none');
        expect(admission.fired).toEqual(decision?.fired ?? []);
        expect(admission.decidingRow?.policyId).toBe(decision?.decidingPolicyId);
        expect(admission.exemptedBy).toBe(decision?.exemptedBy);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('gives the same answer whatever the order of the rows', () => {
    fc.assert(
      fc.property(
        arbValidRows.chain((rows) =>
          fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length })),
        ),
        arbAttempt,
        arbKnown,
        arbInstant,
        ([rows, shuffled], who, known, now) => {
          expect(admit(shuffled, who, known, now)).toEqual(admit(rows, who, known, now));
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('shows a refused user one line of at most 255 characters, and only when some rule refused', () => {
    fc.assert(
      fc.property(arbValidRows, arbAttempt, arbKnown, arbInstant, (rows, who, known, now) => {
        const admission = admit(rows, who, known, now);

        if (admission.verdict === 'admit') expect(admission.message).toBeUndefined();
        else {
          expect(admission.message?.length).toBeGreaterThan(0);
          expect(admission.message?.length).toBeLessThanOrEqual(255);
          expect(admission.message).not.toMatch(/[\p{Cc}]/u);
          expect(admission.message).not.toContain(admission.decidingRow?.policyId);
        }
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
