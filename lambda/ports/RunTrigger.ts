import type { ContinuationReason } from './ContinuationStarter.js';

/** What started a run; its summary record and the handler's answer say it. */
export const RunTrigger = {
  /** The schedule's tick. */
  SCHEDULE: 'schedule',
  /** A manual invocation (`cvpn-guard run`, the console). */
  MANUAL: 'manual',
  /** A batch of the policies table's stream holding a change that can end sessions. */
  CHANGE: 'change',
  /** An earlier run that handed its work on. */
  CONTINUATION: 'continuation',
} as const;
/** One of the triggers of a run. */
export type RunTrigger = (typeof RunTrigger)[keyof typeof RunTrigger];

/** A run that handed on: the continuation it started, and why. */
export interface HandedOn {
  readonly runId: string;
  readonly reason: ContinuationReason;
}
