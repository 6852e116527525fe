import { RunStatus } from '../constants.js';
import type { Placement } from '../types.js';

/** What the hub watch knows of a spoke: its last heartbeat's time and run status. */
export interface SpokeHeartbeatView extends Placement {
  /** ISO time of the spoke's last run. */
  readonly at: string;
  /** That run's summary status. */
  readonly status: string;
}

/** A spoke the hub reports, and why, in words. */
export interface UnreachableSpoke extends Placement {
  /** `no heartbeat since <time>`, `last run <status>`, `relay: <error code>`. */
  readonly why: string;
}

/** The statuses of a spoke's last run that need no one's attention: it ran, or its kill switch is on. */
export const HEALTHY_STATUSES: readonly string[] = [RunStatus.COMPLETED, RunStatus.DISABLED];

/**
 * The spokes to report at `now`: those whose last heartbeat is more than `staleSeconds` old (or has no readable
 * time), and those whose last run is neither completed nor disabled (partial, say). A spoke stale and unhealthy is
 * reported once, as stale: its last status is old news.
 */
export function unreachableSpokes(
  spokes: readonly SpokeHeartbeatView[],
  now: Date,
  staleSeconds: number,
): UnreachableSpoke[] {
  const found: UnreachableSpoke[] = [];
  for (const spoke of spokes) {
    const at = Date.parse(spoke.at);
    const placement = { accountId: spoke.accountId, region: spoke.region };
    if (Number.isNaN(at)) found.push({ ...placement, why: `no heartbeat time (${JSON.stringify(spoke.at)})` });
    else if (now.getTime() - at > staleSeconds * 1000)
      found.push({ ...placement, why: `no heartbeat since ${spoke.at}` });
    else if (!HEALTHY_STATUSES.includes(spoke.status))
      found.push({ ...placement, why: `last run ${spoke.status || '(no status)'}` });
  }
  return found;
}
