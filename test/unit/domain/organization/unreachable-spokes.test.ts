import { describe, expect, it } from '@jest/globals';
import { unreachableSpokes } from '../../../../lambda/domain/organization/index.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const STALE_SECONDS = 900;

describe('unreachableSpokes', () => {
  it.each([
    ['a fresh completed run', '2026-12-01T11:50:00Z', 'completed', undefined],
    ['a fresh disabled run', '2026-12-01T11:50:00Z', 'disabled', undefined],
    ['a heartbeat exactly at the limit', '2026-12-01T11:45:00Z', 'completed', undefined],
    ['a heartbeat a second past it', '2026-12-01T11:44:59Z', 'completed', 'no heartbeat since 2026-12-01T11:44:59Z'],
    ['a fresh partial run', '2026-12-01T11:59:00Z', 'partial', 'last run partial'],
    ['a stale partial run, as stale', '2026-12-01T10:00:00Z', 'partial', 'no heartbeat since 2026-12-01T10:00:00Z'],
    ['a heartbeat without a status', '2026-12-01T11:59:00Z', '', 'last run (no status)'],
    ['a heartbeat without a time', '', 'completed', 'no heartbeat time ("")'],
  ])('%s: %s', (_name, at, status, why) => {
    // Arrange
    const spoke = { accountId: '111111111111', region: 'eu-west-1', at, status };

    // Act
    const found = unreachableSpokes([spoke], NOW, STALE_SECONDS);

    // Assert
    expect(found).toEqual(why === undefined ? [] : [{ accountId: '111111111111', region: 'eu-west-1', why }]);
  });
});
