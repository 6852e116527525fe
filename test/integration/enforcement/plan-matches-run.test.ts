/**
 * `cvpn-guard plan` shows what the next run does: for generated sandbox scenarios (connections of
 * random identities, ages, traffic and statuses on two endpoints; policy rows of every kind with
 * exemptions, caps, observe mode, expiry and disabled rows, sometimes a malformed one; a global cap;
 * a dry run; an endpoint selection, sometimes naming an endpoint that does not exist), the plan
 * printed as JSON by the CLI (run in this process as its bin runs it) equals what the next run
 * records, decision by decision (connection, outcome, policy), for two ticks in a row (the second with
 * the idle memory and the unconfirmed terminations the first left). Some connections have facts the client
 * connect handler kept (their groups; a few under another identity, which neither joins), so rows selecting
 * by groups apply to them alike. The plan itself writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { Outcome, Verdict } from '../../../lambda/domain/index.js';
import { EnvVar } from '../../../lambda/environment.js';
import { AuditRecordType } from '../../../lambda/ports/index.js';
import { parseScenario, type Sandbox, startSandbox } from '../../../local/index.js';
import { applyScenario } from '../../../local/scenario/load.js';
import { runCliInProcess } from '../../reliability/support/cli.js';
import { sandboxEnforcer, scanAll } from '../../support/sandbox-enforcer.js';
import { arbValidRow } from '../../unit/domain/arbitraries.js';
import { ENDPOINT_A, ENDPOINT_B } from '../../unit/domain/fixtures.js';

/** Generated cases: each starts the tables and the emulator afresh, plans and runs two ticks. */
const NUM_RUNS = 30;
const SEED = 20_261_126;
const START = '2026-11-26T10:00:00Z';
/** An endpoint a deployment may select that the account does not have. */
const MISSING_ENDPOINT = 'cvpn-endpoint-0ccccccccccccccc3';

/** Identities from small pools, so rows and connections meet often (case, spaces, certificate-only). */
const USERNAMES = ['alice', 'Alice', ' alice ', 'bob', 'BOB', 'carol', 'Straße', 'STRASSE', 'mallory'];
const COMMON_NAMES = ['alice.example.com', 'ALICE.example.com', 'bob.example.com', 'laptop-7'];

const arbConnection = fc.record({
  endpoint: fc.constantFrom(ENDPOINT_A, ENDPOINT_B),
  identity: fc.oneof(
    fc.record({ username: fc.constantFrom(...USERNAMES), commonName: fc.constantFrom(...COMMON_NAMES) }),
    fc.record({ username: fc.constantFrom(...USERNAMES) }),
    fc.record({ commonName: fc.constantFrom(...COMMON_NAMES) }),
  ),
  minutesAgo: fc.integer({ min: 1, max: 2 * 24 * 60 }),
  profile: fc.constantFrom('active', 'idle', 'idle'),
  status: fc.constantFrom('active', 'active', 'active', 'active', 'terminating', 'failed-to-terminate'),
  /** EC2 accepts the call, then the connection goes failed-to-terminate. */
  failTermination: fc.constantFrom(false, false, true),
  /** The groups the client connect handler kept for it; none: it never saw the connection (groups unknown). */
  facts: fc.option(
    fc.constantFrom<readonly string[]>([], ['contractors'], ['SRE', 'staff'], [' Contractors ', 'ops']),
    {
      nil: undefined,
    },
  ),
  /** The facts name another user: they are not the connection's, and its groups stay unknown. */
  factsOfAnother: fc.constantFrom(false, false, false, true),
});

/** Rows that end connections often, beside the generated ones: a revoked user, a session limit, an idle rule. */
const COMMON_ROWS = [
  {
    policyId: 'revoke-mallory',
    kind: 'revoked-user',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['mallory'],
    reason: 'left the company',
  },
  {
    policyId: 'max-12h',
    kind: 'max-session',
    mode: 'enforce',
    endpoints: ['*'],
    maxSessionMinutes: 720,
    reason: 'reconnect twice a day',
  },
  { policyId: 'idle-20m', kind: 'idle', mode: 'enforce', endpoints: ['*'], idleMinutes: 20, reason: 'free seats' },
];

/** A policy row hand-edited wrong: it matches nothing, and both the plan and the run report it. */
const MALFORMED = { policyId: 'typo', kind: 'idle', mode: 'enforce', endpoints: ['*'], idleMinute: 30, reason: 'x' };

const arbCase = fc.record({
  connections: fc.array(arbConnection, { minLength: 2, maxLength: 16, size: 'max' }),
  rows: fc.uniqueArray(arbValidRow, { minLength: 1, maxLength: 8, size: 'max', selector: (row) => row.policyId }),
  commonRows: fc.subarray(COMMON_ROWS),
  malformed: fc.boolean(),
  /** The global cap; absent, the deployment's default (100). */
  cap: fc.constantFrom(undefined, undefined, 0, 1, 2, 3),
  dryRun: fc.constantFrom(false, false, true),
  selection: fc.constantFrom<readonly string[]>(
    [],
    [],
    [ENDPOINT_A],
    [ENDPOINT_B],
    [ENDPOINT_A, ENDPOINT_B],
    [ENDPOINT_B, MISSING_ENDPOINT],
  ),
  /** Minutes between the two ticks (idle rules last up to 120 minutes). */
  minutesBetween: fc.integer({ min: 1, max: 150 }),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

/** What the CLI's plan prints as JSON, as far as this test reads it. */
interface PlanJson {
  readonly decisions: readonly { connectionId: string; verdict: string; policyId: string }[];
  readonly calls: readonly unknown[];
  readonly findings: readonly { policyId: string }[];
  readonly lateFailures: readonly { connectionId: string }[];
  readonly endpointErrors: readonly string[];
  readonly groups: {
    connectionsWithUnknownGroups: number;
    factsOfAnotherIdentity: number;
    rowsSelectingGroups: string[];
  };
}

/** The id of the generated case's `index`th connection. */
const connectionIdOf = (index: number) => `cvpn-connection-${index.toString(16).padStart(17, '0')}`;

/** The outcome a run records for a verdict when EC2 accepts every call (the sandbox's, with no fault set). */
const RECORDED: Readonly<Record<string, string>> = { [Verdict.TERMINATE]: Outcome.TERMINATED };

const byText = (left: readonly string[], right: readonly string[]) => left.join('|').localeCompare(right.join('|'));

describe('cvpn-guard plan and the run that follows', () => {
  let sandbox: Sandbox;
  /** Clients of the test itself, to read the tables and the audit. */
  let clients: AwsClients;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: START, frozen: true } });
    clients = createAwsClients(sandbox.clientConfig());
  });
  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  /** Loads one case into a sandbox reset to empty tables and no endpoint. */
  const load = async (generated: Case) => {
    await sandbox.reset();
    const scenario = parseScenario(
      {
        endpoints: [{ id: ENDPOINT_A }, { id: ENDPOINT_B }],
        connections: generated.connections.map((connection, index) => ({
          id: connectionIdOf(index),
          endpoint: connection.endpoint,
          ...connection.identity,
          established: `-${connection.minutesAgo}m`,
          profile: connection.profile,
          status: connection.status,
          failTermination: connection.failTermination,
        })),
      },
      'generated',
    );
    applyScenario(scenario, sandbox.emulator, sandbox.clock.now());
    const admittedAt = sandbox.clock.now();
    await sandbox.putItems(
      'state',
      generated.connections.flatMap((connection, index) =>
        connection.facts === undefined
          ? []
          : [
              {
                pk: `CONN#${connection.endpoint}`,
                sk: connectionIdOf(index),
                ...connection.identity,
                ...(connection.factsOfAnother ? { username: 'someone-else' } : {}),
                groups: connection.facts,
                admittedAt: admittedAt.toISOString(),
                ttl: Math.floor(admittedAt.getTime() / 1000) + 25 * 3600,
              },
            ],
      ),
    );
    await sandbox.putItems('policies', [
      ...generated.rows,
      ...generated.commonRows,
      ...(generated.malformed ? [MALFORMED] : []),
    ]);
  };

  const environmentOf = (generated: Case): Record<string, string> => ({
    ...(generated.cap === undefined ? {} : { [EnvVar.MAX_TERMINATIONS_PER_RUN]: String(generated.cap) }),
    ...(generated.dryRun ? { [EnvVar.DRY_RUN]: 'true' } : {}),
    ...(generated.selection.length > 0 ? { [EnvVar.ENDPOINT_IDS]: generated.selection.join(',') } : {}),
  });

  /** Everything a plan could write to. */
  const writable = async () =>
    JSON.stringify([await scanAll(clients, sandbox.tables.audit), await scanAll(clients, sandbox.tables.state)]);

  it(`reports what the next run records, decision by decision (${NUM_RUNS} cases, seed ${SEED})`, async () => {
    const verdicts = new Map<string, number>();
    let lateFailures = 0;
    let unreadEndpoints = 0;
    let joinedFacts = 0;
    await fc.assert(
      fc.asyncProperty(arbCase, async (generated) => {
        // Arrange
        await load(generated);
        const env = environmentOf(generated);
        const enforcer = sandboxEnforcer(sandbox, env);
        const audit = new DynamoAuditLog(clients.documents, sandbox.tables.audit, 1);
        try {
          for (let tick = 0; tick < 2; tick += 1) {
            // Act
            const before = await writable();
            const shown = await runCliInProcess(['plan', '--output', 'json', `--sandbox=${sandbox.endpoint}`], env);
            const after = await writable();
            const report = await enforcer.tick();
            const recorded = (await audit.getRun(report.runId)).records;

            // Assert
            expect(shown.stderr).toBe('');
            expect(after).toBe(before);
            const plan = JSON.parse(shown.stdout) as PlanJson;
            expect(plan.endpointErrors).toEqual(report.endpointErrors);
            expect(shown.code).toBe(report.endpointErrors.length > 0 ? 1 : 0);
            expect(
              plan.decisions
                .map((decision) => [
                  decision.connectionId,
                  RECORDED[decision.verdict] ?? decision.verdict,
                  decision.policyId,
                ])
                .sort(byText),
            ).toEqual(
              recorded
                .filter((record) => record.recordType === AuditRecordType.DECISION)
                .map((record) => [record.connectionId, record.outcome, record.policyId])
                .sort(byText),
            );
            expect(plan.findings.map((finding) => finding.policyId).sort()).toEqual(
              recorded
                .filter((record) => record.recordType === AuditRecordType.INVALID_POLICY)
                .map((record) => record.policyId)
                .sort(),
            );
            expect(plan.calls).toHaveLength(report.terminateCalls);
            expect(plan.groups).toEqual({
              connectionsWithUnknownGroups: report.groups.unknown,
              factsOfAnotherIdentity: report.groups.mismatched,
              rowsSelectingGroups: report.groups.selectingRows,
            });
            joinedFacts += generated.connections.filter((c) => c.facts !== undefined && !c.factsOfAnother).length;
            expect(plan.lateFailures.map((failure) => failure.connectionId).sort()).toEqual(
              report.lateFailures.map((failure) => failure.connectionId).sort(),
            );
            for (const { verdict } of plan.decisions) verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
            lateFailures += plan.lateFailures.length;
            unreadEndpoints += plan.endpointErrors.length;
            sandbox.clock.advance(`${generated.minutesBetween}m`);
          }
        } finally {
          enforcer.clients.ec2.destroy();
          enforcer.clients.ec2Terminate.destroy();
          enforcer.clients.dynamodb.destroy();
          enforcer.clients.sns.destroy();
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
    // The cases reached every verdict, earlier terminations found failed and missing endpoints, not only empty plans.
    expect([...verdicts.keys()].sort()).toEqual(['capped', 'exempted', 'terminate', 'would-terminate']);
    expect(lateFailures).toBeGreaterThan(0);
    expect(unreadEndpoints).toBeGreaterThan(0);
    expect(joinedFacts).toBeGreaterThan(0);
  }, 120_000);
});
