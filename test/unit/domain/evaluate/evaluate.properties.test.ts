import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  evaluate,
  normalizeIdentity,
  parsePolicyRow,
  type Connection,
  type Evaluation,
} from '../../../../lambda/domain/index.js';
import { arbExemptRow, arbMalformedRow, arbRun, arbValidRows, PROPERTY_PARAMETERS } from '../arbitraries.js';
import { NOW } from '../fixtures.js';

const ENDS = new Set(['terminate', 'would-terminate', 'capped']);

/** An independent reading of the design: is this connection covered by an exempt row in force? */
function exempted(rows: readonly unknown[], target: Connection): boolean {
  return rows.some((item) => {
    const parsed = parsePolicyRow(item);
    if (!parsed.ok || parsed.row.kind !== 'exempt' || !parsed.row.enabled) return false;
    if (parsed.row.expiresAt !== undefined && Date.parse(parsed.row.expiresAt) <= NOW.getTime()) return false;
    if (!parsed.row.endpoints.includes('*') && !parsed.row.endpoints.includes(target.endpointId)) return false;
    const named = (list: readonly string[] | undefined, value: string | undefined) =>
      value !== undefined &&
      normalizeIdentity(value) !== '' &&
      (list ?? []).some((entry) => normalizeIdentity(entry) === normalizeIdentity(value));
    return (
      named(parsed.row.usernames, target.username) ||
      named(parsed.row.commonNames, target.commonName) ||
      (target.groups ?? []).some((group) => named(parsed.row.groups, group))
    );
  });
}

function keysWith(evaluation: Evaluation, verdicts: ReadonlySet<string>): Set<string> {
  return new Set(
    evaluation.decisions
      .filter((decision) => verdicts.has(decision.verdict))
      .map((decision) => `${decision.connection.endpointId}/${decision.connection.connectionId}`),
  );
}

function withoutCaps(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ maxTerminations: _cap, ...rest }) => rest);
}

describe('evaluate properties', () => {
  it('never throws on a malformed row, and never adds or changes a decision because of it', () => {
    fc.assert(
      fc.property(arbValidRows, arbMalformedRow, fc.nat(), arbRun, (rows, malformed, at, [connections, idleState]) => {
        // Arrange
        const withMalformed = [...rows];
        withMalformed.splice(at % (rows.length + 1), 0, malformed as Record<string, unknown>);

        // Act
        const clean = evaluate(rows, connections, idleState, NOW);
        const dirty = evaluate(withMalformed, connections, idleState, NOW);

        // Assert
        expect(dirty.decisions).toEqual(clean.decisions);
        expect(dirty.idleState).toEqual(clean.idleState);
        expect(dirty.findings).toHaveLength(clean.findings.length + 1);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never ends an exempt identity nor a connection that is not active', () => {
    fc.assert(
      fc.property(
        arbValidRows,
        arbRun,
        fc.option(fc.nat({ max: 4 })),
        fc.boolean(),
        (rows, [connections, idleState], cap, dryRun) => {
          // Act
          const { decisions } = evaluate(rows, connections, idleState, NOW, {
            maxTerminationsPerRun: cap ?? undefined,
            dryRun,
          });

          // Assert
          for (const decision of decisions) {
            expect(decision.connection.status).toBe('active');
            if (ENDS.has(decision.verdict)) expect(exempted(rows, decision.connection)).toBe(false);
            else expect(decision.verdict).toBe('exempted');
          }
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('never terminates for observe rows nor under the dry run', () => {
    fc.assert(
      fc.property(arbValidRows, arbRun, (rows, [connections, idleState]) => {
        // Arrange
        const observing = rows.map((item) => (item.kind === 'exempt' ? item : { ...item, mode: 'observe' }));

        // Act
        const observed = evaluate(observing, connections, idleState, NOW);
        const dryRun = evaluate(rows, connections, idleState, NOW, { dryRun: true });
        const mixed = evaluate(rows, connections, idleState, NOW);

        // Assert
        expect(
          observed.decisions.filter((decision) => decision.verdict === 'terminate' || decision.verdict === 'capped'),
        ).toEqual([]);
        expect(
          dryRun.decisions.filter((decision) => decision.verdict === 'terminate' || decision.verdict === 'capped'),
        ).toEqual([]);
        for (const decision of mixed.decisions.filter((candidate) => candidate.verdict === 'terminate')) {
          expect(decision.fired.find((firing) => firing.policyId === decision.decidingPolicyId)?.mode).toBe('enforce');
        }
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never adds a termination when an exempt row is added', () => {
    fc.assert(
      fc.property(arbValidRows, arbExemptRow, arbRun, (rows, exemption, [connections, idleState]) => {
        // Act
        const before = evaluate(withoutCaps(rows), connections, idleState, NOW);
        const after = evaluate([...withoutCaps(rows), exemption], connections, idleState, NOW);

        // Assert
        const added = [...keysWith(after, new Set(['terminate']))].filter(
          (key) => !keysWith(before, new Set(['terminate'])).has(key),
        );
        expect(added).toEqual([]);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('never adds a decision to end a connection when an exempt row is added, caps included', () => {
    // With caps, an exemption can bring a run back under its cap, so `capped` may turn into `terminate`;
    // what never grows is the set of connections some enforce rule decided to end (terminate or capped).
    fc.assert(
      fc.property(
        arbValidRows,
        arbExemptRow,
        arbRun,
        fc.option(fc.nat({ max: 4 })),
        (rows, exemption, [connections, idleState], cap) => {
          const options = { maxTerminationsPerRun: cap ?? undefined };
          const enforced = new Set(['terminate', 'capped']);

          const before = evaluate(rows, connections, idleState, NOW, options);
          const after = evaluate([...rows, exemption], connections, idleState, NOW, options);

          const beforeKeys = keysWith(before, enforced);
          expect([...keysWith(after, enforced)].filter((key) => !beforeKeys.has(key))).toEqual([]);
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('gives the same decisions whatever the order of rows and connections', () => {
    fc.assert(
      fc.property(
        arbValidRows.chain((rows) =>
          fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length })),
        ),
        arbRun.chain(([connections, idleState]) =>
          fc.tuple(
            fc.constant(connections),
            fc.shuffledSubarray(connections, { minLength: connections.length }),
            fc.constant(idleState),
          ),
        ),
        ([rows, shuffledRows], [connections, shuffledConnections, idleState]) => {
          const one = evaluate(rows, connections, idleState, NOW);
          const other = evaluate(shuffledRows, shuffledConnections, idleState, NOW);

          expect(other.decisions).toEqual(one.decisions);
          expect(other.globallyCapped).toBe(one.globallyCapped);
          expect(other.cappedPolicies).toEqual(one.cappedPolicies);
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('makes at most one decision per connection, sorted by endpoint then connection id', () => {
    fc.assert(
      fc.property(arbValidRows, arbRun, (rows, [connections, idleState]) => {
        const { decisions } = evaluate(rows, connections, idleState, NOW);

        const keys = decisions.map((decision) =>
          [decision.connection.endpointId, decision.connection.connectionId].join('/'),
        );
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toEqual([...keys].sort());
        for (const decision of decisions) expect(decision.fired[0]).toBeDefined();
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
