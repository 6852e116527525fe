import { isRowActive } from '../domain/index.js';
import {
  type UnplacedRow,
  unplacedRows,
  type UnreachableSpoke,
  unreachableSpokes,
} from '../domain/organization/index.js';
import type { Clock, PolicyRepository, RunDigest, SpokeDirectory } from '../ports/index.js';
import { hubDigest } from './hub-digest.js';

/** One spoke as the hub watch shows it. */
export interface WatchedSpoke {
  readonly accountId: string;
  readonly region: string;
  /** Its last heartbeat's time. */
  readonly at: string;
  /** Its last run's id and status. */
  readonly runId: string;
  readonly status: string;
}

/** What one hub watch found. */
export interface HubWatchReport {
  readonly at: string;
  /** Every spoke the directory holds, by account then Region. */
  readonly spokes: readonly WatchedSpoke[];
  /** Spokes known and not reported. */
  readonly reporting: number;
  /** The spokes reported, and why. */
  readonly unreachable: readonly UnreachableSpoke[];
  /** The rows in force whose `accounts`/`regions` select no known spoke. */
  readonly unplaced: readonly UnplacedRow[];
  /** Policy rows of the hub's table that failed validation (they match nothing anywhere). */
  readonly invalidPolicies: number;
}

/** What the hub watch reads. */
export interface HubWatchPorts {
  readonly directory: SpokeDirectory;
  readonly policies: PolicyRepository;
  readonly clock: Clock;
}

/**
 * Watches the spokes: lists them (their heartbeats), reads the hub's policies, and decides which spokes to report
 * (`unreachableSpokes`) and which rows in force select no spoke (`unplacedRows`). The digest to publish is returned
 * when something is wrong, and only then: a watch that finds nothing wrong stays quiet. Reads only; never publishes.
 */
export async function watchSpokes(
  ports: HubWatchPorts,
  options: { readonly spokeStaleSeconds: number },
): Promise<{ readonly report: HubWatchReport; readonly digest?: RunDigest }> {
  const [spokes, load] = await Promise.all([ports.directory.list(), ports.policies.loadAll()]);
  const now = ports.clock.now();
  const unreachable = unreachableSpokes(spokes, now, options.spokeStaleSeconds);
  const unplaced = unplacedRows(
    load.rows.filter((row) => isRowActive(row, now)),
    spokes,
  );
  const at = now.toISOString();
  const report: HubWatchReport = {
    at,
    spokes: spokes.map(({ accountId, region, at: seen, runId, status }) => ({
      accountId,
      region,
      at: seen,
      runId,
      status,
    })),
    reporting: spokes.length - unreachable.length,
    unreachable,
    unplaced,
    invalidPolicies: load.findings.length,
  };
  if (unreachable.length === 0 && unplaced.length === 0) return { report };
  return { report, digest: hubDigest({ source: 'hub watch', at, spokes: spokes.length, unreachable, unplaced }) };
}
