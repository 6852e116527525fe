import { SandboxControlError } from '../errors.js';

/** One denied permission: an action (or `*`) on an endpoint (or every endpoint). */
export interface PermissionDenial {
  /** An EC2 action name, or `*` for every action. */
  readonly action: string;
  /** An endpoint id, or `*` for every endpoint. @default '*' */
  readonly endpoint?: string;
}

/**
 * The permission switch: everything is allowed until denied. A denied call (DryRun included)
 * answers `UnauthorizedOperation` (403), as EC2 does when IAM does not allow it.
 */
export class Permissions {
  private denials: PermissionDenial[] = [];

  /** Denies `action` on `endpoint` (every endpoint by default). */
  public deny(action: string, endpoint = '*'): void {
    if (typeof action !== 'string' || action === '')
      throw new SandboxControlError('permission: action must be an EC2 action name or "*"');
    if (!this.denials.some((d) => d.action === action && (d.endpoint ?? '*') === endpoint)) {
      this.denials.push({ action, endpoint });
    }
  }

  /** Lifts a denial made with the same action and endpoint. */
  public allow(action: string, endpoint = '*'): void {
    this.denials = this.denials.filter((d) => !(d.action === action && (d.endpoint ?? '*') === endpoint));
  }

  /** Replaces every denial. */
  public set(denials: readonly PermissionDenial[]): void {
    this.clear();
    for (const denial of denials) this.deny(denial.action, denial.endpoint ?? '*');
  }

  /** Allows everything again. */
  public clear(): void {
    this.denials = [];
  }

  /** The denials in force. */
  public list(): PermissionDenial[] {
    return this.denials.map((d) => ({ action: d.action, endpoint: d.endpoint ?? '*' }));
  }

  /** True when `action` is denied (on `endpointId`, when the call names one). */
  public isDenied(action: string, endpointId?: string): boolean {
    return this.denials.some((d) => {
      if (d.action !== '*' && d.action !== action) return false;
      const endpoint = d.endpoint ?? '*';
      return endpoint === '*' || endpoint === endpointId;
    });
  }
}
