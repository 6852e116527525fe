/** Where a resource of the sandbox lives: one account in one Region (the product's `Placement`, as the sandbox sees it). */
export interface SandboxPlacement {
  readonly accountId: string;
  readonly region: string;
}

/** `<accountId>/<region>`: a placement as a map key and as messages name it. */
export function placementKey(placement: SandboxPlacement): string {
  return `${placement.accountId}/${placement.region}`;
}
