import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluate, MAX_CONNECTIONS_PER_USERNAME_CALL, planTerminations } from '../../../../lambda/domain/index.js';
import { arbRun, arbValidRows, PROPERTY_PARAMETERS } from '../arbitraries.js';
import { NOW } from '../fixtures.js';

describe('planTerminations properties', () => {
  it('covers exactly the terminate decisions, each in one call', () => {
    fc.assert(
      fc.property(arbValidRows, arbRun, fc.option(fc.nat({ max: 6 })), (rows, [connections, idleState], cap) => {
        // Arrange
        const { decisions } = evaluate(rows, connections, idleState, NOW, { maxTerminationsPerRun: cap ?? undefined });

        // Act
        const calls = planTerminations(decisions, connections);

        // Assert
        const planned = calls.flatMap((call) => call.decisions);
        const terminations = decisions.filter((decision) => decision.verdict === 'terminate');
        expect(planned).toHaveLength(terminations.length);
        expect(new Set(planned)).toEqual(new Set(terminations));
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('calls by username only for a revoked user whose every active connection on the endpoint is targeted, two to five', () => {
    fc.assert(
      fc.property(arbValidRows, arbRun, (rows, [connections, idleState]) => {
        const { decisions } = evaluate(rows, connections, idleState, NOW);

        const calls = planTerminations(decisions, connections);

        for (const call of calls) {
          if (call.by !== 'username') {
            expect(
              call.decisions.every(
                (decision) =>
                  decision.connection.connectionId === call.connectionId &&
                  decision.connection.endpointId === call.endpointId,
              ),
            ).toBe(true);
            continue;
          }
          const holders = connections.filter(
            (c) => c.endpointId === call.endpointId && c.status === 'active' && c.username === call.username,
          );
          expect(call.decisions.every((decision) => decision.decidingKind === 'revoked-user')).toBe(true);
          expect(new Set(call.decisions.map((decision) => decision.connection.connectionId))).toEqual(
            new Set(holders.map((c) => c.connectionId)),
          );
          expect(holders.length).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_USERNAME_CALL);
          expect(holders.length).toBeGreaterThanOrEqual(2);
          expect(call.username.trim()).not.toBe('');
        }
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
