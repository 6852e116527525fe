import { describe, expect, it } from '@jest/globals';
import { parseScheduleExpression, type ParsedSchedule } from '../../lambda/settings/index.js';
import {
  LONGEST_ALARM_RANGE,
  LONGEST_SHORT_PERIOD_ALARM_RANGE,
  runsStoppedWindow,
} from '../../lib/runs-stopped-window.js';

function schedule(expression: string): ParsedSchedule {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(`${expression}: ${parsed.reason}`);
  return parsed.schedule;
}

describe('runsStoppedWindow', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(59 minutes)', 3540],
    ['rate(1 hour)', 3600],
    ['rate(1 day)', 86_400],
    ['rate(2 days)', 172_800],
    ['rate(56 hours)', 201_600],
  ])('Compliance 1: %s is watched over three of its periods', (expression, periodSeconds) => {
    const window = runsStoppedWindow(schedule(expression));

    expect([window.period.toSeconds(), window.evaluationPeriods]).toEqual([periodSeconds, 3]);
    expect(window.description).toContain(expression);
  });

  it('Compliance 2: a cron schedule, whose gaps vary, is watched over three whole days', () => {
    const window = runsStoppedWindow(schedule('cron(0/5 8-18 ? * MON-FRI *)'));

    expect([window.period.toSeconds(), window.evaluationPeriods]).toEqual([86_400, 3]);
    expect(window.description).toMatch(/^3 days .*no fixed period/);
  });

  it.each(['rate(57 hours)', 'rate(3 days)', 'rate(30 days)'])(
    'Compliance 3: %s, whose three periods exceed 7 days, is watched over 7 days (CloudWatch refuses more)',
    (expression) => {
      const window = runsStoppedWindow(schedule(expression));

      expect([window.period.toSeconds(), window.evaluationPeriods]).toEqual([201_600, 3]);
      expect(window.description).toMatch(/^7 days .*longest/);
    },
  );

  it.each([
    'rate(1 minute)',
    'rate(7 minutes)',
    'rate(59 minutes)',
    'rate(1 hour)',
    'rate(13 hours)',
    'rate(2 days)',
    'rate(9 days)',
    'cron(0 9 ? * MON *)',
  ])('Noncompliance 1: %s never gets a window CloudWatch would refuse', (expression) => {
    const { period, evaluationPeriods } = runsStoppedWindow(schedule(expression));
    const range = period.toSeconds() < 3600 ? LONGEST_SHORT_PERIOD_ALARM_RANGE : LONGEST_ALARM_RANGE;

    expect(period.toSeconds() % 60).toBe(0);
    expect(period.toSeconds() * evaluationPeriods).toBeLessThanOrEqual(range.toSeconds());
  });
});
