import { describe, expect, it } from '@jest/globals';
import {
  InvocationKind,
  planTimeline,
  ScheduleTimeline,
  type ScriptedRun,
  type StartedInvocation,
} from '../../../bench/schedule-timeline.js';

const SECOND = 1000;
const OPTIONS = { startMs: 0, periodMs: 300 * SECOND, maxInvocations: 40, skippedMs: 2 * SECOND };

/** Each invocation's start, kind, instance and whether it was skipped, in seconds. */
function starts(plan: ReturnType<typeof planTimeline>) {
  return plan.map((invocation) => ({
    at: invocation.atMs / SECOND,
    kind: invocation.kind,
    instance: invocation.instance,
    skipped: invocation.skipped,
  }));
}

/** Scripted runs, one after the other in the order they start (skipped ones take no script). */
function scripted(...runs: ScriptedRun[]): (invocation: StartedInvocation) => ScriptedRun {
  const queue = [...runs];
  return () => queue.shift() ?? { durationMs: SECOND, deferred: 0, handsOn: false };
}

const run = (seconds: number, deferred: number, handsOn: boolean): ScriptedRun => ({
  durationMs: seconds * SECOND,
  deferred,
  handsOn,
});

describe('ScheduleTimeline', () => {
  it('ticks every schedule period from the start while runs leave work deferred and hand nothing on', () => {
    // Arrange: three runs of 240 s; the first two leave work deferred without handing on.
    const plan = planTimeline(OPTIONS, scripted(run(240, 500, false), run(240, 100, false), run(100, 0, false)));

    // Assert
    expect(starts(plan)).toEqual([
      { at: 0, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 300, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 600, kind: InvocationKind.TICK, instance: 0, skipped: false },
    ]);
  });

  it('starts a continuation at once when the run that queued it returns, on the instance it freed', () => {
    // Arrange: the tick hands on after 230 s; its continuation ends the work in 50 s.
    const plan = planTimeline(OPTIONS, scripted(run(230, 200, true), run(50, 0, false)));

    // Assert: done at 280 s, before the next tick is due.
    expect(starts(plan)).toEqual([
      { at: 0, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 230, kind: InvocationKind.CONTINUATION, instance: 0, skipped: false },
    ]);
    expect(plan[1]).toMatchObject({ event: { continuation: { of: 'run-1', generation: 1 } } });
  });

  it('invokes a tick that comes due during a continuation concurrently, on a second instance that finds the lease held', () => {
    // Arrange: each run hands on after 230 s until the third ends the work.
    const plan = planTimeline(OPTIONS, scripted(run(230, 900, true), run(230, 400, true), run(100, 0, false)));

    // Assert
    expect(starts(plan)).toEqual([
      { at: 0, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 230, kind: InvocationKind.CONTINUATION, instance: 0, skipped: false },
      { at: 300, kind: InvocationKind.TICK, instance: 1, skipped: true },
      { at: 460, kind: InvocationKind.CONTINUATION, instance: 0, skipped: false },
    ]);
    expect(plan[3]).toMatchObject({ event: { continuation: { of: 'run-1', generation: 2 } } });
  });

  it('waits for the next tick when a run leaves work deferred but hands nothing on (a chain at its bound)', () => {
    // Arrange: the continuation leaves work deferred and may not hand on again.
    const plan = planTimeline(OPTIONS, scripted(run(230, 900, true), run(230, 400, false), run(100, 0, false)));

    // Assert: the tick at 300 s found the continuation's lease; the one at 600 s takes the rest up.
    expect(starts(plan).map(({ at, skipped }) => ({ at, skipped }))).toEqual([
      { at: 0, skipped: false },
      { at: 230, skipped: false },
      { at: 300, skipped: true },
      { at: 600, skipped: false },
    ]);
  });

  it('does not take a skipped tick that returns last for a run that left nothing deferred', () => {
    // Arrange: the first run overruns the period by 10 s and leaves work deferred; the tick at 300 s,
    // skipped, returns after it.
    const plan = planTimeline({ ...OPTIONS, skippedMs: 20 * SECOND }, scripted(run(310, 50, false), run(20, 0, false)));

    // Assert
    expect(starts(plan)).toEqual([
      { at: 0, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 300, kind: InvocationKind.TICK, instance: 1, skipped: true },
      { at: 600, kind: InvocationKind.TICK, instance: 0, skipped: false },
    ]);
  });

  it('starts a continuation before a tick due at the same instant', () => {
    // Arrange: the tick hands on exactly at the next tick's time.
    const plan = planTimeline(OPTIONS, scripted(run(300, 10, true), run(10, 0, false)));

    // Assert
    expect(starts(plan)).toEqual([
      { at: 0, kind: InvocationKind.TICK, instance: 0, skipped: false },
      { at: 300, kind: InvocationKind.CONTINUATION, instance: 0, skipped: false },
      { at: 300, kind: InvocationKind.TICK, instance: 1, skipped: true },
    ]);
  });

  it('stops at the invocation bound even with work deferred', () => {
    // Arrange: every run leaves work deferred.
    const plan = planTimeline({ ...OPTIONS, maxInvocations: 3 }, () => run(100, 10, false));

    // Assert
    expect(plan.map((invocation) => invocation.atMs / SECOND)).toEqual([0, 300, 600]);
  });

  it('is not done before its first run returns', () => {
    // Arrange
    const timeline = new ScheduleTimeline(OPTIONS);
    const due = timeline.next();

    // Act
    const started = due && timeline.start(due);

    // Assert
    expect(started).toMatchObject({ kind: InvocationKind.TICK, atMs: 0, index: 1, instance: 0 });
    expect(timeline.done).toBe(false);
    timeline.finish(started as StartedInvocation, { finishedAtMs: 5, skipped: false, deferred: 0, continuations: [] });
    expect(timeline.done).toBe(true);
    expect(timeline.next()).toBeUndefined();
  });

  it('refuses a schedule period that is not above 0 ms, naming it', () => {
    expect(() => new ScheduleTimeline({ ...OPTIONS, periodMs: 0 })).toThrow(
      'the schedule period must be above 0 ms, got 0',
    );
  });
});
