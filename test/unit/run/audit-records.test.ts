import { describe, expect, it } from '@jest/globals';
import { decisionRecord, endedByUsernameCall } from '../../../lambda/run/audit-records.js';
import { aConnection, aDecision } from '../../support/fixtures.js';

const RUN = 'run-2026-11-26T10:00:00Z';
const AT = new Date('2026-11-26T10:00:00Z');

describe('decisionRecord', () => {
  it("keeps when the deciding rule's condition became true and when the connection was established", () => {
    // Arrange
    const connection = aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' });
    const decision = aDecision(connection, { conditionAt: new Date('2026-11-26T09:41:00Z') });

    // Act
    const record = decisionRecord(RUN, AT, decision);

    // Assert
    expect(record.conditionAt).toBe('2026-11-26T09:41:00.000Z');
    expect(record.connectedAt).toBe('2026-11-26T08:00:00.000Z');
  });

  it('leaves out what is not known: no condition time, an establishment time that cannot be read', () => {
    // Arrange
    const connection = aConnection({ connectionId: 'cvpn-connection-a1', establishedAt: new Date(Number.NaN) });

    // Act
    const record = decisionRecord(RUN, AT, aDecision(connection));

    // Assert
    expect('conditionAt' in record).toBe(false);
    expect('connectedAt' in record).toBe(false);
  });

  it('says neither for a connection a user-name call ended that no listing showed', () => {
    // Arrange
    const connection = aConnection({ connectionId: 'cvpn-connection-a1', username: 'mallory' });
    const template = decisionRecord(RUN, AT, aDecision(connection, { conditionAt: new Date('2026-11-26T09:41:00Z') }));

    // Act
    const record = endedByUsernameCall(template, 'mallory', { connectionId: 'cvpn-connection-late' });

    // Assert
    expect(template.conditionAt).toBeDefined();
    expect(record.conditionAt).toBeUndefined();
    expect(record.connectedAt).toBeUndefined();
  });
});
