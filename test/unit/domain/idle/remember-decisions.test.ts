import { describe, expect, it } from '@jest/globals';
import {
  type ConnectionIdleState,
  type DecisionSighting,
  type IdleState,
  rememberDecisions,
} from '../../../../lambda/domain/index.js';

const A = 'cvpn-endpoint-0aaaaaaaaaaaaaaa1';
const B = 'cvpn-endpoint-0bbbbbbbbbbbbbbb2';
const EARLIER = new Date('2026-11-26T09:00:00.000Z');
const NOW = new Date('2026-11-26T10:00:00.000Z');

function entry(connectionId: string, overrides: Partial<ConnectionIdleState> = {}): ConnectionIdleState {
  return { endpointId: A, connectionId, lastBytes: 0, lastSeenAt: NOW, thresholds: [], ...overrides };
}

function stateOf(...entries: ConnectionIdleState[]): IdleState {
  return new Map(entries.map((one) => [one.connectionId, one]));
}

const CAPPED: DecisionSighting = { endpointId: A, connectionId: 'c1', policyId: 'max-8h', outcome: 'capped' };
const REMEMBERED = stateOf(
  entry('c1', { decisions: [{ policyId: 'max-8h', outcome: 'capped', firstSeenAt: EARLIER }] }),
);

describe('rememberDecisions', () => {
  it('starts a decision no earlier run recorded now', () => {
    const remembered = rememberDecisions(stateOf(entry('c1')), new Map(), [CAPPED], NOW);

    expect(remembered.firstSeenAt(CAPPED)).toEqual(NOW);
    expect(remembered.memory.get('c1')?.decisions).toEqual([
      { policyId: 'max-8h', outcome: 'capped', firstSeenAt: NOW },
    ]);
  });

  it('keeps the first-seen time of the same decision the previous run recorded', () => {
    const remembered = rememberDecisions(stateOf(entry('c1')), REMEMBERED, [CAPPED], NOW);

    expect(remembered.firstSeenAt(CAPPED)).toEqual(EARLIER);
    expect(remembered.memory.get('c1')?.decisions?.[0]?.firstSeenAt).toEqual(EARLIER);
  });

  it.each<[string, DecisionSighting]>([
    ['another outcome', { ...CAPPED, outcome: 'would-terminate' }],
    ['another policy', { ...CAPPED, policyId: 'idle-30m' }],
    ['the same connection id on another endpoint', { ...CAPPED, endpointId: B }],
  ])('starts anew for %s', (_case, sighting) => {
    const advanced = stateOf(entry('c1', { endpointId: sighting.endpointId }));

    const remembered = rememberDecisions(advanced, REMEMBERED, [sighting], NOW);

    expect(remembered.firstSeenAt(sighting)).toEqual(NOW);
  });

  it('forgets a decision a run did not record: the sequence is broken', () => {
    // Arrange: one run without the decision, then the decision again.
    const without = rememberDecisions(stateOf(entry('c1')), REMEMBERED, [], NOW);
    const later = new Date('2026-11-26T10:05:00.000Z');

    // Act
    const again = rememberDecisions(stateOf(entry('c1')), without.memory, [CAPPED], later);

    // Assert
    expect(without.memory.size).toBe(0);
    expect(again.firstSeenAt(CAPPED)).toEqual(later);
  });

  it('keeps the first-seen time a record of this run already holds', () => {
    const remembered = rememberDecisions(stateOf(entry('c1')), new Map(), [{ ...CAPPED, since: EARLIER }], NOW);

    expect(remembered.memory.get('c1')?.decisions?.[0]?.firstSeenAt).toEqual(EARLIER);
  });

  it('keeps the entries with idle thresholds or decisions only, without decisions they no longer hold', () => {
    // Arrange
    const threshold = { minBytes: 0, baselineBytes: 0, activeAt: NOW };
    const advanced = stateOf(entry('c1'), entry('c2'), entry('c3', { thresholds: [threshold] }));

    // Act
    const { memory } = rememberDecisions(advanced, REMEMBERED, [CAPPED], NOW);

    // Assert
    expect([...memory.keys()]).toEqual(['c1', 'c3']);
    expect(memory.get('c3')).toEqual(entry('c3', { thresholds: [threshold] }));
  });
});
