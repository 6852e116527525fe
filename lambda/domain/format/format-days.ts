import { WEEKDAYS, type Weekday } from '../constants.js';

/** Days as a person reads them, Monday first, runs of three or more as a range: `mon–fri`, `mon, wed, sat–sun`. */
export function formatDays(days: readonly Weekday[]): string {
  const indexes = [...new Set(days.map((day) => WEEKDAYS.indexOf(day)))].sort((left, right) => left - right);
  const runs: number[][] = [];
  for (const index of indexes) {
    const run = runs.at(-1);
    if (run !== undefined && run.at(-1) === index - 1) run.push(index);
    else runs.push([index]);
  }
  return runs
    .flatMap((run) =>
      run.length >= 3 ? [`${WEEKDAYS[run[0] ?? 0]}–${WEEKDAYS[run.at(-1) ?? 0]}`] : run.map((index) => WEEKDAYS[index]),
    )
    .join(', ');
}

/** A day with a capital, as reasons show the current day: `Sat`. */
export function capitalizeDay(day: Weekday): string {
  return day.charAt(0).toUpperCase() + day.slice(1);
}
