import { z } from 'zod';
import { ConnectionSchema, EndpointSchema } from './endpoint-schema.js';

/** An AWS account id: 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** A Region name, like `us-east-1`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const AccountId = z.string().regex(ACCOUNT_ID, 'expected a 12-digit AWS account id, like "111111111111"');
const RegionName = z.string().regex(REGION_NAME, 'expected an AWS Region like "us-east-1"');

/** An IAM role an account has from the start; who may assume it. */
export const ScenarioRoleSchema = z.strictObject({
  name: z.string().regex(ROLE_NAME, 'expected an IAM role name (1 to 64 letters, digits and +=,.@_-)'),
  /** Accounts whose principals may assume it (its trust policy). @default none */
  trustedAccounts: z.array(AccountId).optional(),
});

/** One Region of one account: its Client VPN endpoints and connections, as a scenario without accounts writes them. */
export const ScenarioPlacementSchema = z.strictObject({
  region: RegionName,
  endpoints: z.array(EndpointSchema).optional(),
  connections: z.array(ConnectionSchema).optional(),
});

/** One account of the organization. */
export const ScenarioAccountSchema = z.strictObject({
  id: AccountId,
  name: z.string().min(1).optional(),
  regions: z.array(ScenarioPlacementSchema).min(1, 'an account needs at least one Region'),
  roles: z.array(ScenarioRoleSchema).optional(),
});

/** An AWS Organization: its accounts, each with Regions, and which account and Region is the hub. */
export const ScenarioOrganizationSchema = z
  .strictObject({
    id: z.string().regex(ORGANIZATION_ID, 'expected an organization id like "o-a1b2c3d4e5" ("o-" and 10 to 32 a-z0-9)'),
    hub: z.strictObject({ account: AccountId, region: RegionName }),
    accounts: z.array(ScenarioAccountSchema).min(1, 'an organization needs at least one account'),
  })
  .superRefine((organization, context) => {
    const accounts = new Map<string, Set<string>>();
    const endpointIds = new Set<string>();
    organization.accounts.forEach((account, accountIndex) => {
      const where = ['accounts', accountIndex];
      if (accounts.has(account.id))
        context.addIssue({ code: 'custom', path: [...where, 'id'], message: 'two accounts have this id' });
      const regions = new Set<string>();
      accounts.set(account.id, regions);
      account.regions.forEach((placement, regionIndex) => {
        const at = [...where, 'regions', regionIndex];
        if (regions.has(placement.region))
          context.addIssue({
            code: 'custom',
            path: [...at, 'region'],
            message: 'this account lists this Region twice',
          });
        regions.add(placement.region);
        const local = new Set<string>();
        (placement.endpoints ?? []).forEach((endpoint, index) => {
          if (endpointIds.has(endpoint.id))
            context.addIssue({
              code: 'custom',
              path: [...at, 'endpoints', index, 'id'],
              message: 'two endpoints of the organization have this id',
            });
          endpointIds.add(endpoint.id);
          local.add(endpoint.id);
        });
        (placement.connections ?? []).forEach((connection, index) => {
          if (!local.has(connection.endpoint))
            context.addIssue({
              code: 'custom',
              path: [...at, 'connections', index, 'endpoint'],
              message: `no endpoint of ${account.id} in ${placement.region} has this id; its endpoints: ${[...local].join(', ') || '(none)'}`,
            });
        });
      });
      const roleNames = new Set<string>();
      (account.roles ?? []).forEach((role, index) => {
        if (roleNames.has(role.name))
          context.addIssue({
            code: 'custom',
            path: [...where, 'roles', index, 'name'],
            message: 'two roles have this name',
          });
        roleNames.add(role.name);
      });
    });
    const hubRegions = accounts.get(organization.hub.account);
    if (!hubRegions) {
      context.addIssue({
        code: 'custom',
        path: ['hub', 'account'],
        message: `no account of the organization has this id; accounts: ${[...accounts.keys()].join(', ')}`,
      });
    } else if (!hubRegions.has(organization.hub.region)) {
      context.addIssue({
        code: 'custom',
        path: ['hub', 'region'],
        message: `account ${organization.hub.account} has no such Region; its Regions: ${[...hubRegions].join(', ')}`,
      });
    }
  });

/** A validated organization. */
export type ScenarioOrganization = z.infer<typeof ScenarioOrganizationSchema>;
/** One account's Region, validated. */
export type ScenarioPlacement = z.infer<typeof ScenarioPlacementSchema>;
