import { describe, expect, it } from '@jest/globals';
import { advanceIdleState, type ConnectionIdleState, type IdleState } from '../../../../lambda/domain/index.js';
import { connection, ENDPOINT_B, idleMemory, minutesBefore, NO_IDLE_STATE, NOW } from '../fixtures.js';

const EARLIER = minutesBefore(40);

function memoryOf(state: IdleState, connectionId = 'cvpn-connection-1'): ConnectionIdleState | undefined {
  return state.get(connectionId);
}

describe('advanceIdleState', () => {
  it('counts a connection seen for the first time as active now, for every threshold', () => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 700, egressBytes: 300 });

    // Act
    const next = advanceIdleState(NO_IDLE_STATE, [target], [0, 512], NOW);

    // Assert
    expect(memoryOf(next)).toEqual({
      endpointId: target.endpointId,
      connectionId: 'cvpn-connection-1',
      lastBytes: 1000,
      lastSeenAt: NOW,
      thresholds: [
        { minBytes: 0, baselineBytes: 1000, activeAt: NOW },
        { minBytes: 512, baselineBytes: 1000, activeAt: NOW },
      ],
    });
  });

  it.each<[string, number, number, Date]>([
    ['keeps the baseline when the bytes did not grow', 0, 1000, EARLIER],
    ['keeps the baseline when the bytes grew by exactly minBytes', 100, 1100, EARLIER],
    ['moves the baseline when the bytes grew by more than minBytes', 100, 1101, NOW],
    ['moves the baseline on any growth with minBytes 0', 0, 1001, NOW],
    ['counts a counter that went down as activity', 100, 10, NOW],
  ])('%s', (_case, minBytes, bytesNow, expectedActiveAt) => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: bytesNow });
    const previous = idleMemory(target, EARLIER, 1000, minBytes);

    // Act
    const next = advanceIdleState(previous, [target], [minBytes], NOW);

    // Assert
    const threshold = memoryOf(next)?.thresholds[0];
    expect(threshold?.activeAt).toEqual(expectedActiveAt);
    expect(threshold?.baselineBytes).toBe(expectedActiveAt === NOW ? bytesNow : 1000);
    expect(memoryOf(next)?.lastBytes).toBe(bytesNow);
  });

  it('counts unreadable counters as activity, never as silence, and keeps the last readable count', () => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: Number.NaN, egressBytes: 10 });
    const previous = idleMemory(target, EARLIER, 1000);

    // Act
    const next = advanceIdleState(previous, [target], [0], NOW);
    const afterwards = advanceIdleState(next, [{ ...target, ingressBytes: 990 }], [0], minutesBefore(-5));

    // Assert
    expect(memoryOf(next)).toMatchObject({
      lastBytes: 1000,
      thresholds: [{ minBytes: 0, baselineBytes: 1000, activeAt: NOW }],
    });
    expect(memoryOf(afterwards)?.thresholds[0]?.activeAt).toEqual(NOW);
  });

  it('keeps slow traffic idle across runs: the baseline stays until the growth since it exceeds minBytes', () => {
    // Arrange: 60 bytes per run against a 100-byte threshold.
    const target = (bytes: number) => connection({ connectionId: 'cvpn-connection-1', ingressBytes: bytes });
    const first = advanceIdleState(NO_IDLE_STATE, [target(0)], [100], minutesBefore(20));

    // Act
    const second = advanceIdleState(first, [target(60)], [100], minutesBefore(10));
    const third = advanceIdleState(second, [target(120)], [100], NOW);

    // Assert
    expect(memoryOf(second)?.thresholds[0]?.activeAt).toEqual(minutesBefore(20));
    expect(memoryOf(third)?.thresholds[0]).toEqual({ minBytes: 100, baselineBytes: 120, activeAt: NOW });
  });

  it('starts a threshold new to a known connection as active now, and drops thresholds no row uses', () => {
    // Arrange
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 1000 });
    const previous = idleMemory(target, EARLIER, 1000, 0);

    // Act
    const next = advanceIdleState(previous, [target], [512], NOW);

    // Assert
    expect(memoryOf(next)?.thresholds).toEqual([{ minBytes: 512, baselineBytes: 1000, activeAt: NOW }]);
  });

  it('keeps each distinct threshold once, ascending', () => {
    const target = connection({ connectionId: 'cvpn-connection-1' });

    const next = advanceIdleState(NO_IDLE_STATE, [target], [512, 0, 512], NOW);

    expect(memoryOf(next)?.thresholds.map((threshold) => threshold.minBytes)).toEqual([0, 512]);
  });

  it('forgets connections that are gone or no longer active', () => {
    // Arrange
    const gone = connection({ connectionId: 'cvpn-connection-gone' });
    const ending = connection({ connectionId: 'cvpn-connection-ending', status: 'terminating' });
    const previous = new Map([...idleMemory(gone, EARLIER), ...idleMemory(ending, EARLIER)]);

    // Act
    const next = advanceIdleState(previous, [ending], [0], NOW);

    // Assert
    expect(next.size).toBe(0);
  });

  it('treats memory of the same connection id on another endpoint as a first sight', () => {
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 1000 });
    const previous = idleMemory({ ...target, endpointId: ENDPOINT_B }, EARLIER, 1000);

    const next = advanceIdleState(previous, [target], [0], NOW);

    expect(memoryOf(next)?.thresholds[0]?.activeAt).toEqual(NOW);
  });

  it('leaves the previous state untouched', () => {
    const target = connection({ connectionId: 'cvpn-connection-1', ingressBytes: 5000 });
    const previous = idleMemory(target, EARLIER, 1000);
    const before = structuredClone([...previous]);

    advanceIdleState(previous, [target], [0], NOW);

    expect([...previous]).toEqual(before);
  });
});
