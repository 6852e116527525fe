/** Time, as the run sees it: real in Lambda, simulated in the sandbox. */
export interface Clock {
  now(): Date;
  /** Waits `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}
