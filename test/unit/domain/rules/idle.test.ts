import { describe, expect, it } from '@jest/globals';
import { evaluate, type IdleRow, type IdleState } from '../../../../lambda/domain/index.js';
import { idleReason } from '../../../../lambda/domain/rules/idle.js';
import { connection, idleMemory, minutesBefore, NO_IDLE_STATE, NOW, row, valid } from '../fixtures.js';

describe('idle', () => {
  it.each<
    [
      string,
      { idleMinutes: number; minBytes?: number },
      { activeMinutesAgo: number; bytesThen: number; bytesNow: number } | undefined,
      boolean,
    ]
  >([
    ['a connection seen for the first time', { idleMinutes: 1 }, undefined, false],
    [
      'no traffic for 47 min, limit 30',
      { idleMinutes: 30 },
      { activeMinutesAgo: 47, bytesThen: 500, bytesNow: 500 },
      true,
    ],
    [
      'no traffic for 29 min, limit 30',
      { idleMinutes: 30 },
      { activeMinutesAgo: 29, bytesThen: 500, bytesNow: 500 },
      false,
    ],
    [
      'no traffic for exactly 30 min, limit 30',
      { idleMinutes: 30 },
      { activeMinutesAgo: 30, bytesThen: 500, bytesNow: 500 },
      true,
    ],
    [
      'one byte of traffic with minBytes 0',
      { idleMinutes: 30 },
      { activeMinutesAgo: 47, bytesThen: 500, bytesNow: 501 },
      false,
    ],
    [
      'traffic of exactly minBytes',
      { idleMinutes: 30, minBytes: 100 },
      { activeMinutesAgo: 47, bytesThen: 500, bytesNow: 600 },
      true,
    ],
    [
      'traffic of one byte more than minBytes',
      { idleMinutes: 30, minBytes: 100 },
      { activeMinutesAgo: 47, bytesThen: 500, bytesNow: 601 },
      false,
    ],
    ['a counter that went down', { idleMinutes: 30 }, { activeMinutesAgo: 47, bytesThen: 500, bytesNow: 10 }, false],
    [
      'a counter that cannot be read (unknown traffic is not silence)',
      { idleMinutes: 30 },
      { activeMinutesAgo: 47, bytesThen: 0, bytesNow: Number.NaN },
      false,
    ],
  ])('%s', (_case, limits, memory, fires) => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: memory?.bytesNow ?? 0 });
    const previous: IdleState =
      memory === undefined
        ? NO_IDLE_STATE
        : idleMemory(target, minutesBefore(memory.activeMinutesAgo), memory.bytesThen, limits.minBytes ?? 0);

    // Act
    const { decisions } = evaluate([row.idle(limits)], [target], previous, NOW);

    // Assert
    expect(decisions.length === 1).toBe(fires);
  });

  it('says how long, how many bytes and since when', () => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 300, egressBytes: 200 });
    const previous = idleMemory(target, new Date('2026-11-26T10:02:00Z'), 500);

    // Act
    const { decisions } = evaluate([row.idle()], [target], previous, NOW);

    // Assert
    expect(decisions[0]?.reason).toBe('idle for 47 min: 0 bytes since 2026-11-26T10:02Z (policy idle-30)');
  });

  it('mentions the bytes that still count as idle when minBytes is set', () => {
    const policy = valid<IdleRow>(row.idle({ minBytes: 1024 }));

    const reason = idleReason(policy, { idleMinutes: 95, bytesSince: 1, activeAt: new Date('2026-11-26T09:14:00Z') });

    expect(reason).toBe(
      'idle for 1 h 35 min: 1 byte (at most 1024 count as idle) since 2026-11-26T09:14Z (policy idle-30)',
    );
  });

  it('keeps one memory per distinct minBytes, so two rows judge the same connection by their own threshold', () => {
    // Arrange: 150 bytes in 47 minutes is idle for a 200-byte threshold, active for a 100-byte one.
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 650 });
    const at = minutesBefore(47);
    const previous: IdleState = new Map([
      [
        target.connectionId,
        {
          endpointId: target.endpointId,
          connectionId: target.connectionId,
          lastBytes: 500,
          lastSeenAt: minutesBefore(5),
          thresholds: [
            { minBytes: 100, baselineBytes: 500, activeAt: at },
            { minBytes: 200, baselineBytes: 500, activeAt: at },
          ],
        },
      ],
    ]);

    // Act
    const { decisions } = evaluate(
      [row.idle({ policyId: 'strict', minBytes: 100 }), row.idle({ policyId: 'lenient', minBytes: 200 })],
      [target],
      previous,
      NOW,
    );

    // Assert
    expect(decisions[0]?.fired.map((firing) => firing.policyId)).toEqual(['lenient']);
  });

  it('returns the advanced idle state, which the next run picks up', () => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 100 });
    const first = evaluate([row.idle()], [target], NO_IDLE_STATE, minutesBefore(31));

    // Act
    const second = evaluate([row.idle()], [target], first.idleState, NOW);

    // Assert
    expect(first.decisions).toEqual([]);
    expect(second.decisions[0]?.reason).toBe('idle for 31 min: 0 bytes since 2026-11-26T10:18Z (policy idle-30)');
  });
});
