import { ACCOUNT_ID_PATTERN, type Placement, REGION_PATTERN } from '../../lambda/domain/index.js';
import type { SpokeEntry } from '../../lambda/ports/index.js';
import { CliUsageError } from '../errors.js';

/** The value of `--account` or `--region` that selects every spoke. */
export const ALL = 'all';

/** Which spokes one option selects: every one, or those it names. */
export type Selector = typeof ALL | readonly string[];

/** What `--account`, `--region` and `--hub-region` ask for, checked. */
export interface PlacementRequest {
  /** `--account`: undefined when not given. */
  readonly accounts?: Selector;
  /** `--region`: undefined when not given. */
  readonly regions?: Selector;
  /** `--hub-region`: the hub's own Region. */
  readonly hubRegion?: string;
}

/** The raw options, as commander parses them (`--region` may be one string on a command without spoke options). */
export interface PlacementOptions {
  readonly account?: readonly string[];
  readonly region?: string | readonly string[];
  readonly hubRegion?: string;
}

/** `--account`, `--region` and `--hub-region`, checked: 12-digit account ids, Region names, or `all`. */
export function placementRequest(options: PlacementOptions): PlacementRequest {
  const regions = options.region === undefined ? undefined : [options.region].flat();
  return {
    ...(options.account === undefined
      ? {}
      : {
          accounts: selectorOf(
            '--account',
            options.account,
            ACCOUNT_ID_PATTERN,
            'a 12-digit AWS account id',
            '111122223333',
          ),
        }),
    ...(regions === undefined
      ? {}
      : { regions: selectorOf('--region', regions, REGION_PATTERN, 'an AWS Region name', 'eu-west-1') }),
    ...(options.hubRegion === undefined ? {} : { hubRegion: hubRegionOf(options.hubRegion) }),
  };
}

/**
 * Whether the request can only mean spokes of a hub: `--account`, `--hub-region`, `--region all` or several
 * Regions. One `--region` alone keeps its single-deployment meaning (the Region the CLI talks to).
 */
export function asksForSpokes(request: PlacementRequest): boolean {
  return (
    request.accounts !== undefined ||
    request.hubRegion !== undefined ||
    request.regions === ALL ||
    (request.regions !== undefined && request.regions.length > 1)
  );
}

/**
 * The Region the CLI's own clients talk to (the stack, the tables): `--hub-region`; else, unless the request asks
 * for spokes, the one `--region`; else the SDK's own (AWS_REGION, the profile).
 */
export function homeRegion(request: PlacementRequest): string | undefined {
  if (request.hubRegion !== undefined) return request.hubRegion;
  if (asksForSpokes(request) || request.regions === undefined || request.regions === ALL) return undefined;
  return request.regions[0];
}

/**
 * The spokes the selectors pick, in the directory's order. A selector value that names no spoke is bad usage:
 * the message names it and the spokes there are.
 */
export function selectSpokes(spokes: readonly SpokeEntry[], request: PlacementRequest): SpokeEntry[] {
  if (spokes.length === 0)
    throw new CliUsageError(
      'the hub knows no spoke yet: a spoke announces itself after its first run (its heartbeat in the hub audit table); check the StackSet deployment, or wait for the first scheduled run',
    );
  const known = spokes.map(placementText).join(', ');
  unknownValues('--account', request.accounts, new Set(spokes.map((spoke) => spoke.accountId)), 'account', known);
  unknownValues('--region', request.regions, new Set(spokes.map((spoke) => spoke.region)), 'Region', known);
  const picked = spokes.filter(
    (spoke) => matches(request.accounts, spoke.accountId) && matches(request.regions, spoke.region),
  );
  if (picked.length === 0)
    throw new CliUsageError(
      `no spoke is in ${describeRequest(request)}: the spokes are ${known}; choose --account and --region among them`,
    );
  return picked;
}

/** `<accountId>/<region>`: how a spoke is named in every message and table. */
export function placementText(placement: Placement): string {
  return `${placement.accountId}/${placement.region}`;
}

function matches(selector: Selector | undefined, value: string): boolean {
  return selector === undefined || selector === ALL || selector.includes(value);
}

function unknownValues(
  flag: string,
  selector: Selector | undefined,
  present: ReadonlySet<string>,
  what: string,
  known: string,
): void {
  if (selector === undefined || selector === ALL) return;
  const missing = selector.filter((value) => !present.has(value));
  if (missing.length === 0) return;
  throw new CliUsageError(
    `${flag} ${missing.join(',')}: ${missing.length === 1 ? `${what} ${missing[0]} has` : `these ${what}s have`} no spoke of this hub; the spokes are ${known}`,
  );
}

function describeRequest(request: PlacementRequest): string {
  const parts = [
    request.accounts && request.accounts !== ALL ? `account ${request.accounts.join(' or ')}` : undefined,
    request.regions && request.regions !== ALL ? `Region ${request.regions.join(' or ')}` : undefined,
  ].filter((part) => part !== undefined);
  return parts.join(' and ') || 'the selection';
}

function selectorOf(
  flag: string,
  values: readonly string[],
  pattern: RegExp,
  expected: string,
  example: string,
): Selector {
  const trimmed = values.map((value) => value.trim()).filter((value) => value !== '');
  if (trimmed.length === 0)
    throw new CliUsageError(`${flag} is empty: give ${expected} (such as ${example}) or ${ALL}`);
  if (trimmed.includes(ALL)) {
    if (trimmed.length > 1)
      throw new CliUsageError(`${flag} ${trimmed.join(',')}: ${ALL} already selects every spoke; give ${ALL} alone`);
    return ALL;
  }
  const wrong = trimmed.filter((value) => !pattern.test(value));
  if (wrong.length > 0)
    throw new CliUsageError(
      `${flag} ${wrong.map((value) => JSON.stringify(value)).join(', ')}: expected ${expected} (such as ${example}), comma-separated or repeated, or ${ALL}`,
    );
  return [...new Set(trimmed)];
}

function hubRegionOf(value: string): string {
  const region = value.trim();
  if (!REGION_PATTERN.test(region))
    throw new CliUsageError(
      `--hub-region ${JSON.stringify(value)}: expected the AWS Region name of the hub (such as eu-west-1)`,
    );
  return region;
}
