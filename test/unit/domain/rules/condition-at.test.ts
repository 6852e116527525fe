import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluate, localTime, type OffHoursRow } from '../../../../lambda/domain/index.js';
import { isWithinAllowedHours, offHoursStretchStart } from '../../../../lambda/domain/rules/off-hours.js';
import { arbRun, arbValidRows, PROPERTY_PARAMETERS } from '../arbitraries.js';
import { connection, idleMemory, minutesBefore, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

/** The one decision of an evaluation of `rows` over `target`; fails the test when there is not exactly one. */
function onlyDecision(rows: readonly unknown[], target = connection({ connectionId: 'cvpn-connection-1' })) {
  const { decisions } = evaluate(rows, [target], NO_IDLE_STATE, NOW);
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
}

describe('conditionAt: when the deciding rule began to hold', () => {
  it('idle: when traffic last grew, plus the idle limit', () => {
    // Arrange: no traffic since 10:02, limit 30 min.
    const target = connection({ connectionId: 'cvpn-connection-1' });
    const previous = idleMemory(target, new Date('2026-11-26T10:02:00Z'));

    // Act
    const [decision] = evaluate([row.idle({ idleMinutes: 30 })], [target], previous, NOW).decisions;

    // Assert
    expect(decision?.conditionAt).toEqual(new Date('2026-11-26T10:32:00Z'));
    expect(decision?.fired[0]?.conditionAt).toEqual(new Date('2026-11-26T10:32:00Z'));
  });

  it('max-session: established, plus the limit', () => {
    // Arrange: established 10 h before NOW, limit 8 h.
    const target = connection({ connectionId: 'cvpn-connection-1', establishedAt: minutesBefore(600) });

    // Act
    const decision = onlyDecision([row.maxSession({ maxSessionMinutes: 480 })], target);

    // Assert
    expect(decision.conditionAt).toEqual(minutesBefore(120));
  });

  describe.each([
    ['revoked-user', row.revokedUser],
    ['lockdown', row.lockdown],
    // Limit 1: the older of alice's two connections is one too many.
    [
      'max-connections',
      (overrides: Record<string, unknown>) => row.maxConnections({ maxConnections: 1, ...overrides }),
    ],
  ])('%s', (kind, rowOf) => {
    /** The decision on alice's connection established an hour ago (with a newer one, for max-connections). */
    const decisionOf = (overrides: Record<string, unknown>) => {
      const newer = connection({
        connectionId: 'cvpn-connection-2',
        username: 'alice',
        establishedAt: minutesBefore(5),
      });
      const { decisions } = evaluate(
        [rowOf({ usernames: ['alice'], ...overrides })],
        kind === 'max-connections' ? [aliceOf(), newer] : [aliceOf()],
        NO_IDLE_STATE,
        NOW,
      );
      const decision = decisions.find((entry) => entry.connection.connectionId === 'cvpn-connection-1');
      expect(decision).toBeDefined();
      return decision!;
    };

    it("is the row's write for a connection established before it", () => {
      // Arrange: alice connected an hour ago; the row was written 20 minutes ago.
      const written = minutesBefore(20);

      // Act
      const decision = decisionOf({ updatedAt: written.toISOString() });

      // Assert
      expect(decision.conditionAt).toEqual(written);
    });

    it('is the establishment of a connection made after the row was written', () => {
      // Act: the row was written yesterday; alice connected an hour ago.
      const decision = decisionOf({ updatedAt: minutesBefore(24 * 60).toISOString() });

      // Assert
      expect(decision.conditionAt).toEqual(minutesBefore(60));
    });

    it('is absent when the row does not say when it was written: not measured, never guessed', () => {
      const decision = decisionOf({});
      expect(decision.conditionAt).toBeUndefined();
      expect('conditionAt' in decision).toBe(false);
    });

    it('is never after now, even for a row stamped by a clock ahead of the run', () => {
      const decision = decisionOf({ updatedAt: '2026-11-26T11:30:00Z' });
      expect(decision.conditionAt).toEqual(NOW);
    });
  });

  describe('off-hours', () => {
    // Office hours mon–fri 08:00–18:00 UTC; NOW is Thursday 10:49, inside them.
    const office = row.offHours({ timezone: 'UTC' });
    const evening = new Date('2026-11-26T20:15:30Z');

    it('is the end of the allowed window for a connection made before it', () => {
      // Arrange: connected Thursday 09:00; the run is at 20:15:30.
      const target = connection({ connectionId: 'cvpn-connection-1', establishedAt: new Date('2026-11-26T09:00:00Z') });

      // Act
      const [decision] = evaluate([office], [target], NO_IDLE_STATE, evening).decisions;

      // Assert
      expect(decision?.conditionAt).toEqual(new Date('2026-11-26T18:00:00Z'));
    });

    it('is the establishment of a connection made during off hours', () => {
      // Arrange: one connection from the afternoon, one made at 19:30.
      const early = connection({ connectionId: 'cvpn-connection-1', establishedAt: new Date('2026-11-26T15:00:00Z') });
      const late = connection({ connectionId: 'cvpn-connection-2', establishedAt: new Date('2026-11-26T19:30:00Z') });

      // Act
      const { decisions } = evaluate([office], [early, late], NO_IDLE_STATE, evening);

      // Assert
      expect(decisions.map((decision) => decision.conditionAt?.toISOString())).toEqual([
        '2026-11-26T18:00:00.000Z',
        '2026-11-26T19:30:00.000Z',
      ]);
    });

    it('finds the start of a weekend stretch on the wall clock of the zone, across a DST change', () => {
      // Arrange: Berlin office hours; on Sunday 2026-03-29 Berlin moves from UTC+1 to UTC+2.
      const berlin = valid<OffHoursRow>(row.offHours({ timezone: 'Europe/Berlin' }));

      // Act: Monday 2026-03-30 at 05:00 UTC (07:00 in Berlin), connections made before Friday's close.
      const start = offHoursStretchStart(berlin, new Date('2026-03-30T05:00:00Z'), new Date('2026-03-27T00:00:00Z'));

      // Assert: Friday 18:00 in Berlin, still UTC+1, is 17:00 UTC.
      expect(start).toEqual(new Date('2026-03-27T17:00:00Z'));
    });

    it('agrees with a reading of the wall clock at every minute, in zones with DST and odd offsets', () => {
      // The function reads the clock once an hour; this reads it at every minute, as the rule is written.
      const naive = (offHours: OffHoursRow, now: Date, notBefore: Date): Date | undefined => {
        for (let at = Math.floor(now.getTime() / 60_000) * 60_000; at > notBefore.getTime(); at -= 60_000) {
          if (isWithinAllowedHours(offHours, localTime(new Date(at - 60_000), offHours.timezone))) return new Date(at);
        }
        return undefined;
      };
      const arbCase = fc.record({
        timezone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
        days: fc.constantFrom(['sun'], ['mon', 'fri'], ['sat', 'sun']),
        hours: fc.constantFrom<[string, string]>(
          ['01:30', '02:45'],
          ['22:00', '03:00'],
          ['08:00', '18:00'],
          ['02:00', '02:01'],
        ),
        // Around the spring and autumn changes of 2026 in Europe, North America and Lord Howe Island.
        now: fc.constantFrom(
          '2026-03-29T01:00:00Z',
          '2026-03-29T02:20:00Z',
          '2026-03-08T08:30:00Z',
          '2026-04-04T16:10:00Z',
          '2026-10-04T16:05:00Z',
          '2026-10-25T03:59:00Z',
          '2026-11-01T07:00:00Z',
        ),
        lookBackMinutes: fc.integer({ min: 1, max: 14 * 60 }),
        seconds: fc.integer({ min: 0, max: 59 }),
      });
      fc.assert(
        fc.property(arbCase, ({ timezone, days, hours: [start, end], now, lookBackMinutes, seconds }) => {
          const offHours = valid<OffHoursRow>(row.offHours({ timezone, days, start, end }));
          const at = new Date(Date.parse(now) + seconds * 1000);
          const notBefore = new Date(at.getTime() - lookBackMinutes * 60_000);
          expect(offHoursStretchStart(offHours, at, notBefore)).toEqual(naive(offHours, at, notBefore));
        }),
        { seed: 42, numRuns: 60 },
      );
    });

    it('says nothing earlier than it is asked to look back', () => {
      const berlin = valid<OffHoursRow>(row.offHours({ timezone: 'Europe/Berlin' }));
      expect(
        offHoursStretchStart(berlin, new Date('2026-03-30T05:00:00Z'), new Date('2026-03-28T00:00:00Z')),
      ).toBeUndefined();
    });
  });

  it('for an exempted connection, is the one of the rule the exemption overrode', () => {
    // Arrange
    const target = connection({
      connectionId: 'cvpn-connection-1',
      username: 'alice',
      establishedAt: minutesBefore(600),
    });

    // Act
    const decision = onlyDecision([row.maxSession({ maxSessionMinutes: 480 }), row.exempt()], target);

    // Assert
    expect(decision.verdict).toBe('exempted');
    expect(decision.conditionAt).toEqual(minutesBefore(120));
  });

  it('is carried by capped decisions too', () => {
    // Arrange: a row whose cap of 0 turns its termination into capped.
    const target = connection({ connectionId: 'cvpn-connection-1', establishedAt: minutesBefore(600) });

    // Act
    const decision = onlyDecision([row.maxSession({ maxSessionMinutes: 480, maxTerminations: 0 })], target);

    // Assert
    expect(decision.verdict).toBe('capped');
    expect(decision.conditionAt).toEqual(minutesBefore(120));
  });

  describe('properties', () => {
    const arbStamped = arbValidRows.chain((rows) =>
      fc
        .array(fc.constantFrom(undefined, '2026-11-20T00:00:00Z', '2026-11-26T10:30:00Z', '2026-11-26T12:00:00Z'), {
          minLength: rows.length,
          maxLength: rows.length,
        })
        .map((stamps) => rows.map((item, index) => (stamps[index] ? { ...item, updatedAt: stamps[index] } : item))),
    );

    it('is never after now, nor before the connection was established, for any rule that fired', () => {
      fc.assert(
        fc.property(arbStamped, arbRun, (rows, [connections, idleState]) => {
          const { decisions } = evaluate(rows, connections, idleState, NOW);
          for (const firing of decisions.flatMap((decision) =>
            decision.fired.map((fired) => ({ fired, connection: decision.connection })),
          )) {
            if (firing.fired.conditionAt === undefined) continue;
            expect(firing.fired.conditionAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
            if (firing.fired.kind !== 'idle')
              expect(firing.fired.conditionAt.getTime()).toBeGreaterThanOrEqual(
                firing.connection.establishedAt.getTime(),
              );
          }
        }),
        PROPERTY_PARAMETERS,
      );
    });

    it("is the deciding rule's, and absent only for a row without updatedAt of a kind that needs it", () => {
      fc.assert(
        fc.property(arbStamped, arbRun, (rows, [connections, idleState]) => {
          const { decisions } = evaluate(rows, connections, idleState, NOW);
          for (const decision of decisions) {
            const deciding = decision.fired.find(
              (fired) => fired.policyId === decision.decidingPolicyId && fired.kind === decision.decidingKind,
            );
            expect(decision.conditionAt).toEqual(deciding?.conditionAt);
            for (const fired of decision.fired) {
              const stamped = rows.some((item) => item.policyId === fired.policyId && item.updatedAt !== undefined);
              const needsStamp = ['revoked-user', 'lockdown', 'max-connections'].includes(fired.kind);
              expect(fired.conditionAt === undefined).toBe(needsStamp && !stamped);
            }
          }
        }),
        PROPERTY_PARAMETERS,
      );
    });

    it("idle's is when traffic last grew plus the row's idleMinutes", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 600 }), (idleMinutes, quietFor) => {
          const target = connection({ connectionId: 'cvpn-connection-1' });
          const activeAt = minutesBefore(quietFor);
          const { decisions } = evaluate([row.idle({ idleMinutes })], [target], idleMemory(target, activeAt), NOW);
          if (quietFor < idleMinutes) expect(decisions).toHaveLength(0);
          else expect(decisions[0]?.conditionAt).toEqual(new Date(activeAt.getTime() + idleMinutes * 60_000));
        }),
        PROPERTY_PARAMETERS,
      );
    });
  });
});

function aliceOf() {
  return connection({ connectionId: 'cvpn-connection-1', username: 'alice' });
}
