import { describe, expect, it } from '@jest/globals';
import { heartbeatCheck } from '../../../../cli/commands/doctor-spokes.js';
import { staleSeconds } from '../../../../cli/commands/doctor.js';
import type { SpokeEntry } from '../../../../lambda/ports/index.js';

const NOW = new Date('2026-12-01T10:20:00.000Z');
const spoke = (overrides: Partial<SpokeEntry> = {}): SpokeEntry => ({
  accountId: '111122223333',
  region: 'eu-west-1',
  at: '2026-12-01T10:15:00.000Z',
  runId: '111122223333.eu-west-1/run-2026-12-01T10:15:00Z',
  status: 'completed',
  functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:CvpnGuard-enforcer',
  ...overrides,
});

describe('heartbeatCheck', () => {
  it('passes a fresh heartbeat of a completed scheduled run, saying the schedule fires', () => {
    const result = heartbeatCheck(spoke(), NOW, 900, 'Hub');
    expect(result).toMatchObject({ check: '111122223333/eu-west-1 heartbeat', status: 'pass' });
    expect(result.detail).toContain('(scheduled: the schedule fires)');
  });

  it('fails a heartbeat older than the limit, naming its time and how to run the spoke', () => {
    const result = heartbeatCheck(spoke({ at: '2026-12-01T09:00:00.000Z' }), NOW, 900, 'Hub');
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/^no heartbeat since 2026-12-01T09:00:00Z \(.* ago, more than 900 s\)/);
    expect(result.fix).toContain('cvpn-guard run --stack Hub --account 111122223333 --region eu-west-1');
  });

  it('warns of a partial last run and fails a failed one', () => {
    expect(heartbeatCheck(spoke({ status: 'partial' }), NOW, 900, 'Hub').status).toBe('warn');
    expect(heartbeatCheck(spoke({ status: 'failed' }), NOW, 900, 'Hub').status).toBe('fail');
    expect(heartbeatCheck(spoke({ status: 'disabled' }), NOW, 900, 'Hub').status).toBe('warn');
  });
});

describe('staleSeconds', () => {
  it('takes --stale-after, else the environment, else three periods of the default schedule', () => {
    expect(staleSeconds(60, { CVPN_GUARD_SPOKE_STALE_SECONDS: '120' })).toBe(60);
    expect(staleSeconds(undefined, { CVPN_GUARD_SPOKE_STALE_SECONDS: '120' })).toBe(120);
    expect(staleSeconds(undefined, {})).toBe(900);
  });

  it('refuses an environment value that is not a number of seconds', () => {
    expect(() => staleSeconds(undefined, { CVPN_GUARD_SPOKE_STALE_SECONDS: '5m' })).toThrow(
      'CVPN_GUARD_SPOKE_STALE_SECONDS "5m": expected a whole number of seconds, at least 1',
    );
  });
});
