import type { Caller } from '../edge/types.js';
import type { ClientVpnEmulator } from '../ec2/client-vpn-emulator.js';
import { SandboxControlError } from '../errors.js';
import type { SandboxAccounts } from './accounts.js';
import { type SandboxPlacement, placementKey } from './placement.js';

/**
 * One Client VPN emulator per account and Region, each with its own endpoints, connections and throttling buckets
 * (EC2's limits are per account and Region). An account's Region the scenario does not list has an emulator too,
 * empty, made on first use, as a real account has every Region.
 */
export class PlacementEmulators {
  private readonly emulators = new Map<string, ClientVpnEmulator>();

  constructor(
    private readonly accounts: SandboxAccounts,
    private readonly create: (placement: SandboxPlacement) => ClientVpnEmulator,
  ) {
    for (const placement of accounts.placements()) this.at(placement);
  }

  /** The default placement's emulator. */
  public get default(): ClientVpnEmulator {
    return this.at(this.accounts.defaultPlacement);
  }

  /** The emulator of one account in one Region; a control error names the accounts and Regions there are. */
  public at(placement: SandboxPlacement): ClientVpnEmulator {
    const key = placementKey(placement);
    const known = this.emulators.get(key);
    if (known) return known;
    const accounts = this.accounts.accountIds();
    const regions = this.accounts.regions();
    const reachable = this.accounts.organized
      ? accounts.includes(placement.accountId) && regions.includes(placement.region)
      : key === placementKey(this.accounts.defaultPlacement);
    if (!reachable) {
      throw new SandboxControlError(
        `no Client VPN emulator for account ${JSON.stringify(placement.accountId)} in ${JSON.stringify(placement.region)}; ` +
          `accounts: ${accounts.join(', ')}; Regions: ${regions.join(', ')}`,
        404,
      );
    }
    const emulator = this.create(placement);
    this.emulators.set(key, emulator);
    return emulator;
  }

  /** The emulator a request acts on: its caller's account and Region (the default one without an organization). */
  public forCaller(caller: Caller | undefined): ClientVpnEmulator {
    return this.at(this.accounts.placementOf(caller));
  }

  /** Every emulator made so far, the default first. */
  public all(): ClientVpnEmulator[] {
    return [...this.emulators.values()];
  }
}
