import { Duration } from 'aws-cdk-lib';
import type { ParsedSchedule } from '../lambda/settings/index.js';

/** Schedule periods without a run before the runs-stopped alarm fires. */
export const RUNS_STOPPED_PERIODS = 3;

/** CloudWatch's longest evaluation range (period × evaluation periods) for an alarm of a period of an hour or more. */
export const LONGEST_ALARM_RANGE = Duration.days(7);
/** CloudWatch's longest evaluation range for an alarm whose period is under an hour. */
export const LONGEST_SHORT_PERIOD_ALARM_RANGE = Duration.days(1);

/** The window a cron schedule is watched over: its gaps vary (weekdays only, office hours), so whole days. */
export const CRON_RUNS_STOPPED_PERIOD = Duration.days(1);

/** How the runs-stopped alarm looks at the run metric. */
export interface RunsStoppedWindow {
  /** One evaluation period. */
  readonly period: Duration;
  /** Consecutive periods with no run before the alarm fires. */
  readonly evaluationPeriods: number;
  /** The whole window, for the alarm's description ("15 minutes (three periods of rate(5 minutes))"). */
  readonly description: string;
}

/**
 * The window of the runs-stopped alarm: three periods of a `rate(...)` schedule; for a `cron(...)` schedule, whose
 * gaps vary, three days (a weekend without runs does not fire it). A rate whose three periods exceed CloudWatch's
 * 7-day limit (more than 56 hours between runs) is watched over 7 days, in three periods of 56 hours.
 */
export function runsStoppedWindow(schedule: ParsedSchedule): RunsStoppedWindow {
  const periodSeconds = schedule.periodSeconds;
  if (periodSeconds === undefined) {
    return {
      period: CRON_RUNS_STOPPED_PERIOD,
      evaluationPeriods: RUNS_STOPPED_PERIODS,
      description: `${RUNS_STOPPED_PERIODS} days (${schedule.expression} has no fixed period)`,
    };
  }
  const range = periodSeconds < Duration.hours(1).toSeconds() ? LONGEST_SHORT_PERIOD_ALARM_RANGE : LONGEST_ALARM_RANGE;
  if (periodSeconds * RUNS_STOPPED_PERIODS <= range.toSeconds()) {
    return {
      period: Duration.seconds(periodSeconds),
      evaluationPeriods: RUNS_STOPPED_PERIODS,
      description: `${Duration.seconds(periodSeconds * RUNS_STOPPED_PERIODS).toHumanString()} (${RUNS_STOPPED_PERIODS} periods of ${schedule.expression})`,
    };
  }
  // A multiple of 60 s, as CloudWatch requires of a period.
  const clamped = Math.floor(range.toSeconds() / RUNS_STOPPED_PERIODS / 60) * 60;
  return {
    period: Duration.seconds(clamped),
    evaluationPeriods: RUNS_STOPPED_PERIODS,
    description: `${range.toHumanString()} (CloudWatch's longest window; ${RUNS_STOPPED_PERIODS} periods of ${schedule.expression} are longer)`,
  };
}
