/**
 * The organization benchmark's scenario: a hub and `accounts × regions` spokes, each with its endpoints and
 * connections, and the hub's revoked-user rows that end a share of them, generated from a seed (never
 * hand-written) and the same every time. The targeted connections belong to leavers revoked at four scopes: every
 * spoke (a row without `accounts`/`regions`), one account (`accounts`), one Region (`regions`) and one spoke (both).
 * Some leavers also hold a connection outside their row's scope (another account, another Region): those are not
 * targeted, and prove that a row's scope holds.
 */
import type { Placement } from '../lambda/domain/types.js';
import { seededRandom } from '../local/index.js';

/** The shape of one organization scenario. */
export interface OrganizationSpec {
  /** Spoke accounts (the hub's account holds no endpoints). */
  readonly accounts: number;
  /** The Regions of every spoke account; the hub sits in the first. */
  readonly regions: readonly string[];
  readonly endpointsPerSpoke: number;
  readonly connectionsPerEndpoint: number;
  /** Share (0–1) of each spoke's connections that the hub's rows must end. */
  readonly targetedShare: number;
  /** Share (0–1) of the account-, Region- and spoke-scoped leavers that also hold a connection outside the scope. */
  readonly decoyShare: number;
  /** Most user names one row names; a scope's leavers are split over as many rows as this needs. */
  readonly usernamesPerRow: number;
  /** Simulated ms per real ms. */
  readonly speed: number;
  readonly seed: number;
}

/** `npm run bench`'s organization: 10 accounts × 3 Regions, 2 × 2,000 connections per spoke, 10 % targeted. */
export const FULL_ORGANIZATION: OrganizationSpec = {
  accounts: 10,
  regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  endpointsPerSpoke: 2,
  connectionsPerEndpoint: 2000,
  targetedShare: 0.1,
  decoyShare: 0.1,
  usernamesPerRow: 50,
  speed: 1,
  seed: 14,
};

/** `--quick`: 3 accounts × 2 Regions, 2 × 100 connections per spoke. */
export const QUICK_ORGANIZATION: OrganizationSpec = {
  ...FULL_ORGANIZATION,
  accounts: 3,
  regions: ['us-east-1', 'eu-west-1'],
  connectionsPerEndpoint: 100,
  speed: 4,
};

/** The scope a leaver's row selects. */
export const RowScope = {
  /** No `accounts`, no `regions`: every spoke. */
  EVERY_SPOKE: 'every-spoke',
  ACCOUNT: 'account',
  REGION: 'region',
  /** `accounts` and `regions`: one spoke. */
  SPOKE: 'spoke',
} as const;
/** One of the scopes. */
export type RowScope = (typeof RowScope)[keyof typeof RowScope];

/** The hub account of every generated organization. */
export const HUB_ACCOUNT_ID = '100000000000';
/** The organization's id. */
export const ORGANIZATION_ID = 'o-bench0rg001';

/** A connection of one spoke. */
export interface OrganizationConnection {
  readonly endpoint: string;
  readonly id: string;
  readonly username: string;
  /** Whether the hub's rows must end it. */
  readonly targeted: boolean;
}

/** One spoke: its placement, endpoints and connections. */
export interface GeneratedSpoke {
  readonly placement: Placement;
  readonly endpoints: readonly string[];
  readonly connections: readonly OrganizationConnection[];
}

/** A generated organization. */
export interface GeneratedOrganization {
  readonly spec: OrganizationSpec;
  readonly hub: Placement;
  /** The sandbox's scenario: the organization's accounts, Regions and endpoints (connections are added apart). */
  readonly scenario: Readonly<Record<string, unknown>>;
  readonly spokes: readonly GeneratedSpoke[];
  /** The hub's rows, as PutItem writes them (plain JSON), each with the scope it was generated for. */
  readonly rows: readonly { readonly scope: RowScope; readonly row: Readonly<Record<string, unknown>> }[];
}

/** The id of the `index`th spoke account. */
export function spokeAccountId(index: number): string {
  return `2000000${String(index + 1).padStart(5, '0')}`;
}

/** `<accountId>/<region>`: how the figures and the hub digest name a spoke. */
export function placementKey(placement: Placement): string {
  return `${placement.accountId}/${placement.region}`;
}

/** Generates the organization of `spec`; a clear error when the spec cannot hold it. */
export function generateOrganization(spec: OrganizationSpec): GeneratedOrganization {
  checkSpec(spec);
  const random = seededRandom(spec.seed);
  const perSpoke = spec.endpointsPerSpoke * spec.connectionsPerEndpoint;
  const targeted = Math.round(spec.targetedShare * perSpoke);
  const quarter = Math.floor(targeted / 4);
  const counts: Record<RowScope, number> = {
    [RowScope.EVERY_SPOKE]: quarter,
    [RowScope.ACCOUNT]: quarter,
    [RowScope.REGION]: quarter,
    [RowScope.SPOKE]: targeted - 3 * quarter,
  };
  const decoys = (scope: RowScope) => Math.ceil(spec.decoyShare * counts[scope]);
  const spokes: { placement: Placement; accountIndex: number; regionIndex: number; owners: Owner[] }[] = [];
  for (let accountIndex = 0; accountIndex < spec.accounts; accountIndex += 1)
    spec.regions.forEach((region, regionIndex) =>
      spokes.push({
        placement: { accountId: spokeAccountId(accountIndex), region },
        accountIndex,
        regionIndex,
        owners: [],
      }),
    );
  const spokeAt = (accountIndex: number, regionIndex: number) =>
    spokes[accountIndex * spec.regions.length + regionIndex] ?? missing(accountIndex, regionIndex);
  const rows: { scope: RowScope; row: Record<string, unknown> }[] = [];
  const addRows = (
    scope: RowScope,
    label: string,
    usernames: string[],
    where: Partial<Record<'accounts' | 'regions', string[]>>,
  ) => {
    for (let start = 0, part = 0; start < usernames.length; start += spec.usernamesPerRow, part += 1)
      rows.push({
        scope,
        row: revokedRow(`${label}-${part}`, usernames.slice(start, start + spec.usernamesPerRow), where),
      });
  };
  // Every spoke: one connection of each leaver in every spoke.
  const everywhere = leavers('org', counts[RowScope.EVERY_SPOKE]);
  for (const spoke of spokes) spoke.owners.push(...everywhere.map((username) => ({ username, targeted: true })));
  addRows(RowScope.EVERY_SPOKE, 'revoked-org', everywhere, {});
  // One account: a connection in each of its Regions; decoys also in the next account.
  for (let accountIndex = 0; accountIndex < spec.accounts; accountIndex += 1) {
    const names = leavers(`a${accountIndex}`, counts[RowScope.ACCOUNT]);
    spec.regions.forEach((_, regionIndex) =>
      spokeAt(accountIndex, regionIndex).owners.push(...names.map((username) => ({ username, targeted: true }))),
    );
    names.slice(0, decoys(RowScope.ACCOUNT)).forEach((username) =>
      spokeAt((accountIndex + 1) % spec.accounts, Math.floor(random() * spec.regions.length)).owners.push({
        username,
        targeted: false,
      }),
    );
    addRows(RowScope.ACCOUNT, `revoked-a${accountIndex}`, names, { accounts: [spokeAccountId(accountIndex)] });
  }
  // One Region: a connection in each account there; decoys also in the next Region.
  spec.regions.forEach((region, regionIndex) => {
    const names = leavers(`r${regionIndex}`, counts[RowScope.REGION]);
    for (let accountIndex = 0; accountIndex < spec.accounts; accountIndex += 1)
      spokeAt(accountIndex, regionIndex).owners.push(...names.map((username) => ({ username, targeted: true })));
    names.slice(0, decoys(RowScope.REGION)).forEach((username) =>
      spokeAt(Math.floor(random() * spec.accounts), (regionIndex + 1) % spec.regions.length).owners.push({
        username,
        targeted: false,
      }),
    );
    addRows(RowScope.REGION, `revoked-r${regionIndex}`, names, { regions: [region] });
  });
  // One spoke: decoys also in the same account's next Region.
  for (const spoke of spokes) {
    const label = `a${spoke.accountIndex}r${spoke.regionIndex}`;
    const names = leavers(label, counts[RowScope.SPOKE]);
    spoke.owners.push(...names.map((username) => ({ username, targeted: true })));
    names.slice(0, decoys(RowScope.SPOKE)).forEach((username) =>
      spokeAt(spoke.accountIndex, (spoke.regionIndex + 1) % spec.regions.length).owners.push({
        username,
        targeted: false,
      }),
    );
    addRows(RowScope.SPOKE, `revoked-${label}`, names, {
      accounts: [spoke.placement.accountId],
      regions: [spoke.placement.region],
    });
  }
  const generated = spokes.map((spoke, spokeIndex): GeneratedSpoke => {
    if (spoke.owners.length > perSpoke)
      throw new Error(
        `organization scenario: spoke ${placementKey(spoke.placement)} needs ${spoke.owners.length} connections for its leavers and ` +
          `decoys, more than its ${spec.endpointsPerSpoke} × ${spec.connectionsPerEndpoint}; lower targetedShare or decoyShare`,
      );
    const endpoints = Array.from({ length: spec.endpointsPerSpoke }, (_, index) =>
      organizationEndpointId(spokeIndex, index),
    );
    const slots = shuffled(perSpoke, random);
    const owners: (Owner | undefined)[] = Array.from({ length: perSpoke }, () => undefined);
    spoke.owners.forEach((owner, index) => {
      owners[slots[index] ?? 0] = owner;
    });
    const connections = owners.map((owner, slot): OrganizationConnection => {
      const endpointIndex = Math.floor(slot / spec.connectionsPerEndpoint);
      return {
        endpoint: endpoints[endpointIndex] ?? '',
        id: organizationConnectionId(spokeIndex, endpointIndex, slot % spec.connectionsPerEndpoint),
        username: owner?.username ?? `staff-a${spoke.accountIndex}r${spoke.regionIndex}-${slot}`,
        targeted: owner?.targeted ?? false,
      };
    });
    return { placement: spoke.placement, endpoints, connections };
  });
  const hub = { accountId: HUB_ACCOUNT_ID, region: spec.regions[0] ?? '' };
  return { spec, hub, scenario: scenarioOf(spec, hub, generated), spokes: generated, rows };
}

interface Owner {
  readonly username: string;
  readonly targeted: boolean;
}

/** The sandbox scenario: the hub's account in its Region, every spoke account in every Region with its endpoints. */
function scenarioOf(
  spec: OrganizationSpec,
  hub: Placement,
  spokes: readonly GeneratedSpoke[],
): Readonly<Record<string, unknown>> {
  const accounts = Array.from({ length: spec.accounts }, (_, accountIndex) => ({
    id: spokeAccountId(accountIndex),
    name: `workloads-${accountIndex}`,
    regions: spokes
      .filter((spoke) => spoke.placement.accountId === spokeAccountId(accountIndex))
      .map((spoke) => ({
        region: spoke.placement.region,
        endpoints: spoke.endpoints.map((id) => ({
          id,
          tags: { Name: id, 'cvpn-guard': 'enforce' },
          clientCidrBlock: '10.100.0.0/20',
        })),
      })),
  }));
  return {
    description: `Organization benchmark: ${spec.accounts} accounts × ${spec.regions.length} Regions, generated from seed ${spec.seed}.`,
    organization: {
      id: ORGANIZATION_ID,
      hub: { account: hub.accountId, region: hub.region },
      accounts: [{ id: hub.accountId, name: 'security', regions: [{ region: hub.region }] }, ...accounts],
    },
    policies: [],
  };
}

function revokedRow(
  policyId: string,
  usernames: readonly string[],
  where: Partial<Record<'accounts' | 'regions', string[]>>,
): Record<string, unknown> {
  return {
    policyId,
    kind: 'revoked-user',
    enabled: true,
    mode: 'enforce',
    endpoints: ['*'],
    ...where,
    usernames,
    reason: `offboarded: ${usernames.length} leavers`,
    version: 1,
    updatedBy: 'bench',
  };
}

function leavers(label: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${label}-leaver-${index}`);
}

/** 0 … size−1 in a seeded random order (Fisher–Yates). */
function shuffled(size: number, random: () => number): number[] {
  const slots = Array.from({ length: size }, (_, index) => index);
  for (let index = slots.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [slots[index], slots[other]] = [slots[other] ?? 0, slots[index] ?? 0];
  }
  return slots;
}

/** Endpoint ids, unique across the organization (`cvpn-endpoint-` and 17 hex digits). */
function organizationEndpointId(spokeIndex: number, endpointIndex: number): string {
  return `cvpn-endpoint-0c0de${hex(spokeIndex, 8)}${hex(endpointIndex, 4)}`;
}

/** Connection ids, unique across the organization (`cvpn-connection-` and 17 hex digits). */
function organizationConnectionId(spokeIndex: number, endpointIndex: number, index: number): string {
  return `cvpn-connection-${hex(spokeIndex, 4)}${hex(endpointIndex, 3)}${hex(index, 10)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function missing(accountIndex: number, regionIndex: number): never {
  throw new Error(`organization scenario: no spoke for account #${accountIndex} in Region #${regionIndex}`);
}

function checkSpec(spec: OrganizationSpec): void {
  const problems: string[] = [];
  if (!Number.isInteger(spec.accounts) || spec.accounts < 2)
    problems.push(`accounts ${spec.accounts}: need 2 or more (decoys go to the next account)`);
  if (spec.regions.length < 2)
    problems.push(`regions ${JSON.stringify(spec.regions)}: need 2 or more (decoys go to the next Region)`);
  if (new Set(spec.regions).size !== spec.regions.length)
    problems.push(`regions ${JSON.stringify(spec.regions)}: a Region twice`);
  if (spec.accounts > 99_999) problems.push(`accounts ${spec.accounts}: at most 99,999`);
  if (!(spec.targetedShare > 0 && spec.targetedShare <= 1))
    problems.push(`targetedShare ${spec.targetedShare}: expected more than 0, at most 1`);
  if (!(spec.decoyShare >= 0 && spec.decoyShare <= 1)) problems.push(`decoyShare ${spec.decoyShare}: expected 0 to 1`);
  if (!Number.isInteger(spec.usernamesPerRow) || spec.usernamesPerRow < 1)
    problems.push(`usernamesPerRow ${spec.usernamesPerRow}: expected a whole number ≥ 1`);
  if (problems.length > 0) throw new Error(`organization scenario: ${problems.join('; ')}`);
}
