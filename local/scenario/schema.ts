import { z } from 'zod';
import { BUILT_IN_PROFILES } from '../ec2/model.js';
import { ConnectionSchema, EndpointSchema, Time, TrafficProfileSchema } from './endpoint-schema.js';
import { REGION_NAME, ScenarioOrganizationSchema } from './organization-schema.js';

export { ConnectionSchema, EndpointSchema, TrafficProfileSchema } from './endpoint-schema.js';

/** A policy row, seeded into the policies table as it is: only `policyId` is required, so malformed rows can be seeded on purpose. */
export const PolicyItemSchema = z.looseObject({
  policyId: z.string().min(1, 'expected a non-empty string'),
});

/** How the sandbox clock starts (the sandbox's own options win). */
export const ScenarioClockSchema = z.strictObject({
  start: Time.optional(),
  speed: z.number().positive().optional(),
  frozen: z.boolean().optional(),
});

/** A scenario file. */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    region: z.string().regex(REGION_NAME, 'expected an AWS region like "us-east-1"').optional(),
    clock: ScenarioClockSchema.optional(),
    trafficProfiles: z.record(z.string().min(1), TrafficProfileSchema).optional(),
    /** The sandbox's own endpoints; with an organization, each account's Regions hold theirs instead. */
    endpoints: z.array(EndpointSchema).default([]),
    connections: z.array(ConnectionSchema).optional(),
    policies: z.array(PolicyItemSchema).optional(),
    topics: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected a topic name (letters, digits, - and _)'))
      .optional(),
    organization: ScenarioOrganizationSchema.optional(),
  })
  .superRefine((scenario, context) => {
    if (scenario.organization) {
      for (const field of ['region', 'endpoints', 'connections'] as const) {
        const value: unknown = scenario[field];
        if (value !== undefined && !(Array.isArray(value) && value.length === 0))
          context.addIssue({
            code: 'custom',
            path: [field],
            message:
              'a scenario with an organization keeps its Regions, endpoints and connections under ' +
              'organization.accounts[].regions[]: move it there (the hub account and Region are the default)',
          });
      }
      checkProfiles(
        scenario.organization.accounts.flatMap((account, accountIndex) =>
          account.regions.flatMap((placement, regionIndex) =>
            (placement.connections ?? []).map((connection, index) => ({
              connection,
              path: ['organization', 'accounts', accountIndex, 'regions', regionIndex, 'connections', index],
            })),
          ),
        ),
        scenario.trafficProfiles,
        context,
      );
      checkPolicyIds(scenario.policies, context);
      return;
    }
    if (scenario.endpoints.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['endpoints'],
        message: 'a scenario needs at least one endpoint (or an organization whose Regions have them)',
      });
    }
    const endpointIds = new Set<string>();
    scenario.endpoints.forEach((endpoint, index) => {
      if (endpointIds.has(endpoint.id))
        context.addIssue({ code: 'custom', path: ['endpoints', index, 'id'], message: 'two endpoints have this id' });
      endpointIds.add(endpoint.id);
    });
    (scenario.connections ?? []).forEach((connection, index) => {
      if (!endpointIds.has(connection.endpoint)) {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'endpoint'],
          message: `no endpoint has this id; endpoints: ${[...endpointIds].join(', ')}`,
        });
      }
    });
    checkProfiles(
      (scenario.connections ?? []).map((connection, index) => ({ connection, path: ['connections', index] })),
      scenario.trafficProfiles,
      context,
    );
    checkPolicyIds(scenario.policies, context);
  });

/** A connection and where it sits in the scenario. */
interface PlacedConnection {
  readonly connection: ScenarioConnection;
  readonly path: readonly (string | number)[];
}

/** Each connection names a known traffic profile, and no two connections share an id. */
function checkProfiles(
  connections: readonly PlacedConnection[],
  trafficProfiles: Readonly<Record<string, unknown>> | undefined,
  context: z.RefinementCtx,
): void {
  const profiles = new Set([...Object.keys(BUILT_IN_PROFILES), ...Object.keys(trafficProfiles ?? {})]);
  const connectionIds = new Set<string>();
  for (const { connection, path } of connections) {
    if (connection.profile !== undefined && !profiles.has(connection.profile)) {
      context.addIssue({
        code: 'custom',
        path: [...path, 'profile'],
        message: `no traffic profile has this name; profiles: ${[...profiles].join(', ')}`,
      });
    }
    if (connection.id !== undefined) {
      if (connectionIds.has(connection.id))
        context.addIssue({ code: 'custom', path: [...path, 'id'], message: 'two connections have this id' });
      connectionIds.add(connection.id);
    }
  }
}

/** No two policy rows share a policyId. */
function checkPolicyIds(policies: readonly { policyId: string }[] | undefined, context: z.RefinementCtx): void {
  const policyIds = new Set<string>();
  (policies ?? []).forEach((policy, index) => {
    if (policyIds.has(policy.policyId)) {
      context.addIssue({
        code: 'custom',
        path: ['policies', index, 'policyId'],
        message: 'two policy rows have this policyId (the second would overwrite the first)',
      });
    }
    policyIds.add(policy.policyId);
  });
}

/** A validated scenario. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A validated scenario connection. */
export type ScenarioConnection = z.infer<typeof ConnectionSchema>;
/** A validated scenario endpoint. */
export type ScenarioEndpoint = z.infer<typeof EndpointSchema>;
