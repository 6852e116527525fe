import { setTimeout as wait } from 'node:timers/promises';
import type { Clock } from '../ports/index.js';

/** Real time. */
export class SystemClock implements Clock {
  public now(): Date {
    return new Date();
  }

  public async sleep(ms: number): Promise<void> {
    if (ms > 0) await wait(ms);
  }
}
