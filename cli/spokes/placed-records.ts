import type { Placement } from '../../lambda/domain/index.js';
import type { Column } from '../output/index.js';
import { ALL, type PlacementRequest } from './selector.js';

/** An audit record or run summary as a hub's audit table holds it: written by a spoke, placed. */
interface PlacedItem {
  readonly runId: string;
  readonly accountId?: string;
  readonly region?: string;
}

/** A placed run id: `<accountId>.<region>/<runId>`. */
const PLACED_RUN_ID = /^(\d{12})\.([a-z0-9-]+)\//;

/**
 * Which spoke wrote a record: its `accountId` and `region`, else what its placed run id says (records written
 * before records carried their placement); empty when neither says.
 */
export function placementOf(item: object): Partial<Placement> {
  const { runId, accountId, region } = item as PlacedItem;
  const placed = PLACED_RUN_ID.exec(typeof runId === 'string' ? runId : '');
  return {
    ...((accountId ?? placed?.[1]) === undefined ? {} : { accountId: accountId ?? placed![1] }),
    ...((region ?? placed?.[2]) === undefined ? {} : { region: region ?? placed![2] }),
  };
}

/** The item with its placement as fields (JSON output): `accountId` and `region` first. */
export function withPlacement<T extends object>(item: T): T & Partial<Placement> {
  return { ...placementOf(item), ...item };
}

/** Whether a record was written by a spoke the selectors pick (every record when neither is given). */
export function inRequest(item: object, request: PlacementRequest): boolean {
  const { accountId, region } = placementOf(item);
  const picks = (selector: PlacementRequest['accounts'], value: string | undefined) =>
    selector === undefined || selector === ALL || (value !== undefined && selector.includes(value));
  return picks(request.accounts, accountId) && picks(request.regions, region);
}

/**
 * What the audit table can select by of the spokes the selectors pick: their account ids and Regions (nothing for
 * `all` or a selector not given). The reader still keeps only the items {@link inRequest} picks.
 */
export function placedFilter(request: PlacementRequest): {
  accountIds?: readonly string[];
  regions?: readonly string[];
} {
  const listed = (selector: PlacementRequest['accounts']) =>
    selector === undefined || selector === ALL ? undefined : selector;
  const accountIds = listed(request.accounts);
  const regions = listed(request.regions);
  return { ...(accountIds === undefined ? {} : { accountIds }), ...(regions === undefined ? {} : { regions }) };
}

/** The columns with the spoke's account and Region in front: the table's `ACCOUNT`/`REGION`, CSV's fields. */
export function placedColumns<T extends object>(columns: readonly Column<T>[], csv: boolean): Column<T>[] {
  return [
    { header: csv ? 'accountId' : 'ACCOUNT', value: (item) => placementOf(item).accountId },
    { header: csv ? 'region' : 'REGION', value: (item) => placementOf(item).region },
    ...columns,
  ];
}
