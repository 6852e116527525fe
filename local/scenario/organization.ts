import type { ClientVpnEmulator } from '../ec2/client-vpn-emulator.js';
import type { SandboxAccounts, SandboxAccountsOptions } from '../org/accounts.js';
import type { SandboxPlacement } from '../org/placement.js';
import { toConnectionSpecs, toEndpointSpec } from './load.js';
import type { Scenario } from './schema.js';

/** The accounts a scenario declares: its organization's, else the one default account in `region`. */
export function accountsOptions(scenario: Scenario | undefined, fallback: SandboxPlacement): SandboxAccountsOptions {
  const organization = scenario?.organization;
  if (!organization) return { defaultPlacement: fallback };
  return {
    defaultPlacement: { accountId: organization.hub.account, region: organization.hub.region },
    organizationId: organization.id,
    placements: organization.accounts.flatMap((account) =>
      account.regions.map((placement) => ({ accountId: account.id, region: placement.region })),
    ),
  };
}

/** Creates the roles an organization's accounts declare. */
export function createScenarioRoles(scenario: Scenario | undefined, accounts: SandboxAccounts): void {
  for (const account of scenario?.organization?.accounts ?? []) {
    for (const role of account.roles ?? []) {
      accounts.createRole(account.id, role.name, { trustedAccounts: role.trustedAccounts });
    }
  }
}

/**
 * Loads an organization's endpoints and connections into the emulator of each account's Region (relative times from
 * `now`); the scenario's traffic profiles are defined in every one.
 */
export function applyOrganization(
  scenario: Scenario,
  emulatorAt: (placement: SandboxPlacement) => ClientVpnEmulator,
  now: Date,
): void {
  for (const account of scenario.organization?.accounts ?? []) {
    for (const placement of account.regions) {
      const emulator = emulatorAt({ accountId: account.id, region: placement.region });
      for (const [name, profile] of Object.entries(scenario.trafficProfiles ?? {})) {
        emulator.defineProfile(name, {
          ingressBytesPerMinute: profile.ingressBytesPerMinute,
          egressBytesPerMinute: profile.egressBytesPerMinute,
          bytesPerPacket: profile.bytesPerPacket,
        });
      }
      for (const endpoint of placement.endpoints ?? []) emulator.addEndpoint(toEndpointSpec(endpoint, now));
      for (const connection of placement.connections ?? []) {
        for (const spec of toConnectionSpecs(connection, now)) emulator.addConnection(spec);
      }
    }
  }
}
