import * as z from 'zod';
import { EnvVar } from './environment.js';
import { ENDPOINT_ID_PATTERN as ENDPOINT_ID } from './domain/constants.js';

const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', ''], { message: `${name} must be "true" or "false"` })
    .optional()
    .transform((value) => value === 'true' || value === '1');

const wholeNumber = (name: string, min: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return fallback;
      const number = Number(value);
      if (!Number.isInteger(number) || number < min) {
        context.addIssue({ code: 'custom', message: `${name} must be a whole number ≥ ${min}, got "${value}"` });
        return z.NEVER;
      }
      return number;
    });

const required = (name: string) =>
  z
    .string({ message: `${name} is required (the table or resource name)` })
    .trim()
    .min(1, `${name} must not be empty`);

const environmentSchema = z
  .object({
    [EnvVar.POLICIES_TABLE]: required(EnvVar.POLICIES_TABLE),
    [EnvVar.AUDIT_TABLE]: required(EnvVar.AUDIT_TABLE),
    [EnvVar.STATE_TABLE]: required(EnvVar.STATE_TABLE),
    [EnvVar.TOPIC_ARN]: z
      .string()
      .optional()
      .transform((value) => (value?.trim() ? value.trim() : undefined))
      .refine(
        (value) => value === undefined || value.startsWith('arn:'),
        `${EnvVar.TOPIC_ARN} must be an SNS topic ARN (arn:aws:sns:…)`,
      ),
    [EnvVar.ENDPOINT_IDS]: z
      .string()
      .optional()
      .transform((value, context) => {
        const ids = (value ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        const wrong = ids.filter((id) => !ENDPOINT_ID.test(id));
        if (wrong.length > 0) {
          context.addIssue({
            code: 'custom',
            message: `${EnvVar.ENDPOINT_IDS} must list Client VPN endpoint ids (cvpn-endpoint- and 8 to 17 hex digits), got ${JSON.stringify(wrong)}`,
          });
          return z.NEVER;
        }
        return ids;
      }),
    [EnvVar.ENDPOINT_TAG]: z
      .string()
      .optional()
      .transform((value, context) => {
        if (!value?.trim()) return undefined;
        const separator = value.indexOf('=');
        if (separator <= 0) {
          context.addIssue({ code: 'custom', message: `${EnvVar.ENDPOINT_TAG} must be "key=value", got "${value}"` });
          return z.NEVER;
        }
        return { key: value.slice(0, separator).trim(), value: value.slice(separator + 1).trim() };
      }),
    [EnvVar.DRY_RUN]: flag(EnvVar.DRY_RUN),
    [EnvVar.DISABLED]: flag(EnvVar.DISABLED),
    [EnvVar.MAX_TERMINATIONS_PER_RUN]: wholeNumber(EnvVar.MAX_TERMINATIONS_PER_RUN, 0, 100),
    [EnvVar.AUDIT_RETENTION_DAYS]: wholeNumber(EnvVar.AUDIT_RETENTION_DAYS, 1, 365),
    [EnvVar.STATE_RETENTION_DAYS]: wholeNumber(EnvVar.STATE_RETENTION_DAYS, 1, 2),
    [EnvVar.TERMINATE_RATE]: wholeNumber(EnvVar.TERMINATE_RATE, 1, 5),
    [EnvVar.TERMINATE_BURST]: wholeNumber(EnvVar.TERMINATE_BURST, 1, 50),
    [EnvVar.TERMINATE_CONCURRENCY]: wholeNumber(EnvVar.TERMINATE_CONCURRENCY, 1, 10),
    [EnvVar.TIME_MARGIN_SECONDS]: wholeNumber(EnvVar.TIME_MARGIN_SECONDS, 0, 20),
    [EnvVar.LEASE_SECONDS]: wholeNumber(EnvVar.LEASE_SECONDS, 60, 300),
  })
  .refine((env) => !(env[EnvVar.ENDPOINT_IDS].length > 0 && env[EnvVar.ENDPOINT_TAG]), {
    message: `set ${EnvVar.ENDPOINT_IDS} or ${EnvVar.ENDPOINT_TAG}, not both`,
  });

/** The enforcer's configuration, from its environment. */
export interface EnforcerConfig {
  readonly policiesTable: string;
  readonly auditTable: string;
  readonly stateTable: string;
  readonly topicArn?: string;
  readonly endpointIds: readonly string[];
  readonly endpointTag?: { readonly key: string; readonly value: string };
  readonly dryRun: boolean;
  readonly disabled: boolean;
  readonly maxTerminationsPerRun: number;
  readonly auditRetentionDays: number;
  readonly stateRetentionDays: number;
  readonly terminateRatePerSecond: number;
  readonly terminateBurst: number;
  readonly terminateConcurrency: number;
  readonly timeMarginMs: number;
  readonly leaseMs: number;
}

/** The configuration is invalid; the message names every variable at fault and what it accepts. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the enforcer's configuration from environment variables. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): EnforcerConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigError(`cvpn-guard configuration is invalid: ${problems}`, { cause: parsed.error });
  }
  const value = parsed.data;
  return {
    policiesTable: value[EnvVar.POLICIES_TABLE],
    auditTable: value[EnvVar.AUDIT_TABLE],
    stateTable: value[EnvVar.STATE_TABLE],
    topicArn: value[EnvVar.TOPIC_ARN],
    endpointIds: value[EnvVar.ENDPOINT_IDS],
    endpointTag: value[EnvVar.ENDPOINT_TAG],
    dryRun: value[EnvVar.DRY_RUN],
    disabled: value[EnvVar.DISABLED],
    maxTerminationsPerRun: value[EnvVar.MAX_TERMINATIONS_PER_RUN],
    auditRetentionDays: value[EnvVar.AUDIT_RETENTION_DAYS],
    stateRetentionDays: value[EnvVar.STATE_RETENTION_DAYS],
    terminateRatePerSecond: value[EnvVar.TERMINATE_RATE],
    terminateBurst: value[EnvVar.TERMINATE_BURST],
    terminateConcurrency: value[EnvVar.TERMINATE_CONCURRENCY],
    timeMarginMs: value[EnvVar.TIME_MARGIN_SECONDS] * 1000,
    leaseMs: value[EnvVar.LEASE_SECONDS] * 1000,
  };
}
