import { describe, expect, it } from '@jest/globals';
import { parseScheduleExpression } from '../../../lambda/settings/schedule-expression.js';

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(2 hours)', 7200],
    ['rate(1 day)', 86_400],
  ])('Compliance: %s runs every %i s', (expression, periodSeconds) => {
    expect(parseScheduleExpression(expression)).toEqual({ ok: true, schedule: { expression, periodSeconds } });
  });

  it.each(['cron(0/5 * * * ? *)', 'cron(0 8-18 ? * MON-FRI *)', 'cron(15 10 L * ? 2030)', 'cron(0 12 ? * 2#1 *)'])(
    'Compliance: %s is a cron schedule without a fixed period',
    (expression) => {
      expect(parseScheduleExpression(expression)).toEqual({ ok: true, schedule: { expression } });
    },
  );

  it.each([
    ['rate(5 minute)', 'plural'],
    ['rate(1 days)', 'singular'],
    ['rate(5 seconds)', 'not a rate(...) or cron(...)'],
    ['rate(-5 minutes)', 'not a rate(...) or cron(...)'],
    ['cron(0 12 * * ? * *)', 'needs 6 fields'],
    ['cron(0 12 ? * ? *)', 'exactly one of'],
    ['cron(0 12 * * * *)', 'exactly one of'],
    ['cron(0 $ * * ? *)', 'hours "$"'],
    ['at(2030-01-01T00:00:00)', 'must recur'],
    ['', 'not a rate(...) or cron(...)'],
  ])('Noncompliance: %s is refused (%s)', (expression, reason) => {
    const result = parseScheduleExpression(expression);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
