import { randomBytes } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../constants.js';
import type { Caller, ServiceRequest } from '../edge/types.js';
import { SandboxControlError } from '../errors.js';
import { credentialScopeOf } from './credential-scope.js';
import { type SandboxPlacement, placementKey } from './placement.js';

/** Credentials the sandbox issued: an account's user (long-term keys) or a role session (with a session token). */
export interface SandboxCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Only for a role session. */
  readonly sessionToken?: string;
}

/** How a role is created. */
export interface RoleOptions {
  /** Accounts whose principals may assume the role with AssumeRole (its trust policy). @default none */
  readonly trustedAccounts?: readonly string[];
}

/** A role as the sandbox keeps it. */
export interface RoleView {
  readonly accountId: string;
  readonly name: string;
  readonly arn: string;
  /** The role's unique id (`AROA…`); a role created again under the same name has a new one. */
  readonly roleId: string;
  readonly trustedAccounts: readonly string[];
}

/** What the edge makes of a request's credentials and Region. */
export type CallerResolution =
  | { readonly kind: 'caller'; readonly caller: Caller }
  /** The key belongs to a session of a role that has since been deleted. */
  | { readonly kind: 'revoked'; readonly accessKeyId: string; readonly roleArn: string }
  /** An organization is declared and none of its accounts has this Region. */
  | { readonly kind: 'unknown-region'; readonly region: string; readonly regions: readonly string[] }
  /** `setRegionDown(region, true)`. */
  | { readonly kind: 'region-down'; readonly region: string };

/** What the accounts are made of. */
export interface SandboxAccountsOptions {
  /** The placement of the default credentials and of unsigned requests (the hub, in an organization). */
  readonly defaultPlacement: SandboxPlacement;
  /** The organization (`o-…`), when the scenario declares one. @default none: one account, any Region */
  readonly organizationId?: string;
  /** Every declared account and Region. @default the default placement only */
  readonly placements?: readonly SandboxPlacement[];
}

interface RoleRecord extends RoleView {
  readonly trusted: ReadonlySet<string>;
}

interface IssuedKey {
  readonly accountId: string;
  readonly principalArn: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** For a role session: the role it was issued for (its ARN and the unique id it had then). */
  readonly role?: { readonly arn: string; readonly roleId: string };
}

/** Long-term keys of a declared account other than the default: `AKIA` + the account id + `SBXU`. */
const USER_KEY_SUFFIX = 'SBXU';
/** The user every account's long-term keys belong to. */
const USER_NAME = 'sandbox';
/** The session name of `credentialsFor(account, role)`: the one a function runtime would have. */
const RUNTIME_SESSION = 'sandbox';

/**
 * The sandbox's accounts and who acts in them: each account's user, its IAM roles (declared in the scenario or
 * created by whoever installs the product), the credentials issued to role sessions, and which Regions exist. The
 * edge asks it who sent a request (`resolve`) before any service sees it; STS asks it to assume roles. Signatures are
 * never checked: an access key only says who the caller is.
 */
export class SandboxAccounts {
  public readonly defaultPlacement: SandboxPlacement;
  public readonly organizationId: string | undefined;
  private readonly declared: readonly SandboxPlacement[];
  private readonly roles = new Map<string, RoleRecord>();
  private readonly issued = new Map<string, IssuedKey>();
  private readonly runtimeSessions = new Map<string, string>();
  private readonly down = new Set<string>();

  constructor(options: SandboxAccountsOptions) {
    this.defaultPlacement = options.defaultPlacement;
    this.organizationId = options.organizationId;
    this.declared = options.placements ?? [options.defaultPlacement];
  }

  /** True when the scenario declares an organization: accounts and Regions are then only the declared ones. */
  public get organized(): boolean {
    return this.organizationId !== undefined;
  }

  /** Every declared account and Region, the default first. */
  public placements(): SandboxPlacement[] {
    const rest = this.declared.filter((placement) => placementKey(placement) !== placementKey(this.defaultPlacement));
    return [this.defaultPlacement, ...rest];
  }

  /** Every account id, the default first. */
  public accountIds(): string[] {
    return [...new Set(this.placements().map((placement) => placement.accountId))];
  }

  /** Every Region some account has. */
  public regions(): string[] {
    return [...new Set(this.placements().map((placement) => placement.region))];
  }

  /**
   * The account and Region whose resources a request acts on: the caller's, in an organization; without one, the
   * sandbox's single placement whatever Region a request was signed for (as before accounts existed).
   */
  public placementOf(caller: Caller | undefined): SandboxPlacement {
    if (!caller || !this.organized) return this.defaultPlacement;
    return { accountId: caller.accountId, region: caller.region };
  }

  /**
   * Credentials of an account's user, or (with `roleName`) of a session of one of its roles, as a function running
   * with that role would have them. The default account's user has SANDBOX_CREDENTIALS.
   */
  public credentialsFor(accountId: string, roleName?: string): SandboxCredentials {
    this.requireAccount(accountId);
    if (roleName === undefined) {
      if (accountId === this.defaultPlacement.accountId) return { ...SANDBOX_CREDENTIALS };
      return {
        accessKeyId: `AKIA${accountId}${USER_KEY_SUFFIX}`,
        secretAccessKey: SANDBOX_CREDENTIALS.secretAccessKey,
      };
    }
    const role = this.requireRole(accountId, roleName);
    const known = this.runtimeSessions.get(role.roleId);
    const issued = known === undefined ? undefined : this.issued.get(known);
    if (known !== undefined && issued) return credentialsOf(known, issued);
    const accessKeyId = this.issue(role, RUNTIME_SESSION);
    this.runtimeSessions.set(role.roleId, accessKeyId);
    return credentialsOf(accessKeyId, this.issued.get(accessKeyId) as IssuedKey);
  }

  /** Creates a role (or replaces the trust of one of that name: its id stays). */
  public createRole(accountId: string, roleName: string, options: RoleOptions = {}): RoleView {
    this.requireAccount(accountId);
    if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
      throw new SandboxControlError(
        `role name ${JSON.stringify(roleName)}: expected 1 to 64 letters, digits and +=,.@_- characters`,
      );
    }
    for (const trusted of options.trustedAccounts ?? []) {
      if (!/^\d{12}$/.test(trusted)) {
        throw new SandboxControlError(
          `role ${roleName}: trustedAccounts ${JSON.stringify(trusted)} is not a 12-digit account id`,
        );
      }
    }
    const arn = roleArn(accountId, roleName);
    const roleId = this.roles.get(arn)?.roleId ?? `AROA${randomBytes(8).toString('hex').toUpperCase().slice(0, 17)}`;
    const trusted = new Set(options.trustedAccounts ?? []);
    const record: RoleRecord = { accountId, name: roleName, arn, roleId, trustedAccounts: [...trusted], trusted };
    this.roles.set(arn, record);
    return view(record);
  }

  /** Deletes a role: every session issued for it is refused from now on. False when there was none. */
  public deleteRole(accountId: string, roleName: string): boolean {
    return this.roles.delete(roleArn(accountId, roleName));
  }

  /** Every role, in the order created. */
  public listRoles(): RoleView[] {
    return [...this.roles.values()].map(view);
  }

  /** The role an ARN names, if it exists. */
  public role(arn: string): RoleView | undefined {
    const record = this.roles.get(arn);
    return record ? view(record) : undefined;
  }

  /**
   * Issues credentials of a session of `arn` to `caller`, as AssumeRole does; undefined when the role does not exist
   * or does not trust the caller's account (STS answers both with the same AccessDenied).
   */
  public assumeRole(caller: Caller, arn: string, sessionName: string): SandboxCredentials | undefined {
    const role = this.roles.get(arn);
    if (!role || !role.trusted.has(caller.accountId)) return undefined;
    const accessKeyId = this.issue(role, sessionName);
    return credentialsOf(accessKeyId, this.issued.get(accessKeyId) as IssuedKey);
  }

  /** Marks a Region down (every request signed for it fails as a network error) or up again. */
  public setRegionDown(region: string, down: boolean): void {
    if (down) this.down.add(region);
    else this.down.delete(region);
  }

  /** The Regions marked down. */
  public regionsDown(): string[] {
    return [...this.down];
  }

  /** Every Region up again (a sandbox reset). Roles and issued credentials stay, as Lambda functions do. */
  public reset(): void {
    this.down.clear();
  }

  /**
   * Who sent a request and to which Region: the principal its access key was issued to (an unknown key is the default
   * account's user, as any credentials always worked), in the Region of its credential scope (an unsigned request:
   * the default Region).
   */
  public resolve(request: ServiceRequest): CallerResolution {
    const scope = credentialScopeOf(request);
    const region = scope?.region || this.defaultPlacement.region;
    if (this.down.has(region)) return { kind: 'region-down', region };
    if (this.organized && !this.regions().includes(region)) {
      return { kind: 'unknown-region', region, regions: this.regions() };
    }
    const issued = scope ? this.issuedKey(scope.accessKeyId) : undefined;
    if (issued?.role && this.roles.get(issued.role.arn)?.roleId !== issued.role.roleId) {
      return { kind: 'revoked', accessKeyId: scope?.accessKeyId ?? '', roleArn: issued.role.arn };
    }
    const accountId = issued?.accountId ?? this.defaultPlacement.accountId;
    const caller: Caller = {
      accountId,
      principalArn: issued?.principalArn ?? userArn(accountId),
      ...(issued?.role ? { roleArn: issued.role.arn } : {}),
      region,
      ...(this.organizationId && this.accountIds().includes(accountId) ? { orgId: this.organizationId } : {}),
    };
    return { kind: 'caller', caller };
  }

  /** The user id GetCallerIdentity answers: the role's id and session for a role session, else the user's. */
  public userIdOf(caller: Caller): string {
    if (!caller.roleArn) return 'AIDASANDBOXSANDBOXSAND';
    const session = caller.principalArn.split('/').at(-1) ?? RUNTIME_SESSION;
    return `${this.roles.get(caller.roleArn)?.roleId ?? 'AROASANDBOX'}:${session}`;
  }

  private issuedKey(accessKeyId: string): IssuedKey | undefined {
    const issued = this.issued.get(accessKeyId);
    if (issued) return issued;
    const user = /^AKIA(\d{12})SBXU$/.exec(accessKeyId)?.[1];
    if (user && this.accountIds().includes(user)) {
      return { accountId: user, principalArn: userArn(user), secretAccessKey: SANDBOX_CREDENTIALS.secretAccessKey };
    }
    return undefined;
  }

  private issue(role: RoleRecord, sessionName: string): string {
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.issued.set(accessKeyId, {
      accountId: role.accountId,
      principalArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: `sandbox-session-${randomBytes(16).toString('hex')}`,
      role: { arn: role.arn, roleId: role.roleId },
    });
    return accessKeyId;
  }

  private requireAccount(accountId: string): void {
    if (this.accountIds().includes(accountId)) return;
    throw new SandboxControlError(
      `account ${JSON.stringify(accountId)} is not in the sandbox; its accounts: ${this.accountIds().join(', ')}` +
        (this.organized ? '' : ' (declare an organization in the scenario for more)'),
      404,
    );
  }

  private requireRole(accountId: string, roleName: string): RoleRecord {
    const role = this.roles.get(roleArn(accountId, roleName));
    if (role) return role;
    const names = [...this.roles.values()].filter((r) => r.accountId === accountId).map((r) => r.name);
    throw new SandboxControlError(
      `account ${accountId} has no role ${JSON.stringify(roleName)}; its roles: ${names.join(', ') || '(none)'}; ` +
        'create it with sandbox.createRole(accountId, roleName)',
      404,
    );
  }
}

/** `arn:aws:iam::<account>:role/<name>`. */
export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

function userArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:user/${USER_NAME}`;
}

function credentialsOf(accessKeyId: string, issued: IssuedKey): SandboxCredentials {
  return {
    accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    ...(issued.sessionToken ? { sessionToken: issued.sessionToken } : {}),
  };
}

function view(record: RoleRecord): RoleView {
  return {
    accountId: record.accountId,
    name: record.name,
    arn: record.arn,
    roleId: record.roleId,
    trustedAccounts: record.trustedAccounts,
  };
}
