/**
 * The names a spoke of an organization deployment gives its functions and roles, from the stack name and the
 * spoke's Region: the one rule the hub stack (which grants them), the spoke template (which creates them), the
 * hub's functions (which invoke them), the CLI (which finds them) and the sandbox share. IAM roles are global to
 * an account, so a role's name carries the Region: one account may hold a spoke in several Regions.
 */
import { connectHandlerName } from './connect-handler-name.js';

/** The roles a spoke creates, by purpose. */
export const SpokeRole = {
  /** The enforcer's execution role. */
  ENFORCER: 'enforcer',
  /** The client connect handler's execution role. */
  GATE: 'gate',
  /** The role the CLI assumes from the hub account to read and act on the spoke (plan, run, doctor, gate status). */
  OPERATOR: 'operator',
} as const;
/** One of a spoke's roles. */
export type SpokeRole = (typeof SpokeRole)[keyof typeof SpokeRole];

/** The spoke's enforcer function name: `<stackName>-enforcer`. */
export function spokeEnforcerName(stackName: string): string {
  return `${stackName}-enforcer`;
}

/** The spoke's client connect handler function name: `AWSClientVPN-<stackName>`, as in a single deployment. */
export function spokeGateName(stackName: string): string {
  return connectHandlerName(stackName);
}

/** The name of one of a spoke's roles: `<stackName>-<purpose>-<region>` (at most 64 characters for IAM). */
export function spokeRoleName(stackName: string, purpose: SpokeRole, region: string): string {
  return `${stackName}-${purpose}-${region}`;
}

/** The spoke's state table name: `<stackName>-state` (table names are per account and Region). */
export function spokeStateTableName(stackName: string): string {
  return `${stackName}-state`;
}

/** The hub's function that passes each policy change on to the spokes: `<stackName>-relay`. */
export function hubRelayName(stackName: string): string {
  return `${stackName}-relay`;
}

/** The hub's scheduled function that reports on every spoke: `<stackName>-hub-watch`. */
export function hubWatchName(stackName: string): string {
  return `${stackName}-hub-watch`;
}
