import { describe, expect, it } from '@jest/globals';
import {
  FULL_ORGANIZATION,
  generateOrganization,
  HUB_ACCOUNT_ID,
  placementKey,
  QUICK_ORGANIZATION,
  RowScope,
} from '../../../bench/organization-scenario.js';
import { inPlacementScope, parsePolicyRow, type PolicyRow } from '../../../lambda/domain/index.js';
import { parseScenario } from '../../../local/index.js';

/** The rows as the enforcer reads them. */
function parsedRows(rows: ReturnType<typeof generateOrganization>['rows']): PolicyRow[] {
  return rows.map(({ row }) => {
    const parsed = parsePolicyRow({ ...row, updatedAt: '2026-11-26T10:00:00Z' });
    if (!parsed.ok) throw new Error(`row ${String(row.policyId)} is invalid: ${parsed.error.message}`);
    return parsed.row;
  });
}

describe('generateOrganization', () => {
  it('holds 10 accounts × 3 Regions of spokes, 2 × 2,000 connections each, 10 % targeted, the same every time', () => {
    // Act
    const first = generateOrganization(FULL_ORGANIZATION);
    const second = generateOrganization(FULL_ORGANIZATION);

    // Assert
    expect(second).toEqual(first);
    expect(first.spokes).toHaveLength(30);
    expect(new Set(first.spokes.map((spoke) => placementKey(spoke.placement))).size).toBe(30);
    for (const spoke of first.spokes) {
      expect(spoke.endpoints).toHaveLength(2);
      expect(spoke.connections).toHaveLength(4000);
      expect(spoke.connections.filter((connection) => connection.targeted)).toHaveLength(400);
    }
    const ids = first.spokes.flatMap((spoke) => spoke.connections.map((connection) => connection.id));
    expect(new Set(ids).size).toBe(120_000);
    expect(new Set(first.spokes.flatMap((spoke) => spoke.endpoints)).size).toBe(60);
  });

  it('draws another organization from another seed', () => {
    const usernamesOf = (seed: number) =>
      generateOrganization({ ...QUICK_ORGANIZATION, seed }).spokes.flatMap((spoke) =>
        spoke.connections.map((connection) => connection.username),
      );

    expect(usernamesOf(1)).not.toEqual(usernamesOf(2));
  });

  it('targets exactly the connections that the rows select, by user name and by the scope of each spoke', () => {
    const organization = generateOrganization(FULL_ORGANIZATION);
    const rows = parsedRows(organization.rows);

    for (const spoke of organization.spokes) {
      const inForce = rows.filter((row) => inPlacementScope(row, spoke.placement));
      const revoked = new Set(inForce.flatMap((row) => row.usernames ?? []));
      const selected = spoke.connections.filter((connection) => revoked.has(connection.username));
      expect(selected.map((connection) => connection.id)).toEqual(
        spoke.connections.filter((connection) => connection.targeted).map((connection) => connection.id),
      );
    }
  });

  it('scopes rows to every spoke, one account, one Region and one spoke, and puts some leavers outside their scope', () => {
    const organization = generateOrganization(FULL_ORGANIZATION);
    const named = new Set(organization.rows.flatMap(({ row }) => row.usernames as string[]));

    const scopes = new Set(organization.rows.map(({ scope }) => scope));
    const decoys = organization.spokes.flatMap((spoke) =>
      spoke.connections.filter((connection) => !connection.targeted && named.has(connection.username)),
    );

    expect(scopes).toEqual(new Set(Object.values(RowScope)));
    for (const { scope, row } of organization.rows) {
      expect(row.accounts !== undefined).toBe(scope === RowScope.ACCOUNT || scope === RowScope.SPOKE);
      expect(row.regions !== undefined).toBe(scope === RowScope.REGION || scope === RowScope.SPOKE);
      expect((row.usernames as string[]).length).toBeLessThanOrEqual(FULL_ORGANIZATION.usernamesPerRow);
    }
    // 10 % of the account-, Region- and spoke-scoped leavers: 10 × 10 + 3 × 10 + 30 × 10.
    expect(decoys).toHaveLength(430);
  });

  it('describes a sandbox organization the scenario schema accepts: the hub without endpoints, every spoke with its own', () => {
    const organization = generateOrganization(QUICK_ORGANIZATION);

    const scenario = parseScenario(organization.scenario, '(bench)');

    expect(scenario.organization?.hub).toEqual({ account: HUB_ACCOUNT_ID, region: QUICK_ORGANIZATION.regions[0] });
    const placements = (scenario.organization?.accounts ?? []).flatMap((account) =>
      account.regions
        .filter((region) => (region.endpoints ?? []).length > 0)
        .map((region) => `${account.id}/${region.region}`),
    );
    expect(placements).toEqual(organization.spokes.map((spoke) => placementKey(spoke.placement)));
  });

  it('refuses a spec it cannot build, naming each field and what it accepts', () => {
    expect(() =>
      generateOrganization({ ...QUICK_ORGANIZATION, accounts: 1, regions: ['us-east-1'], targetedShare: 0 }),
    ).toThrow(
      'organization scenario: accounts 1: need 2 or more (decoys go to the next account); ' +
        'regions ["us-east-1"]: need 2 or more (decoys go to the next Region); targetedShare 0: expected more than 0, at most 1',
    );
    expect(() => generateOrganization({ ...QUICK_ORGANIZATION, targetedShare: 1 })).toThrow(
      /organization scenario: spoke 200000000001\/us-east-1 needs \d+ connections for its leavers and decoys, more than its 2 × 100; lower targetedShare or decoyShare/,
    );
  });
});
