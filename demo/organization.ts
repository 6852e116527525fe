/**
 * `npm start -- --scenario examples/organization.json`: the organization deployment on the sandbox, as the hub stack
 * and its StackSet deploy it (installOrganization). Every spoke runs one tick; a person leaves and the hub's relay
 * passes the row on to the spokes it selects within seconds; idle sessions end in the one Region a row names; one
 * spoke loses its role and the hub watch names it. Prints each step and the hub's audit trail by account.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import { type InstalledOrganization, installOrganization, type SpokeAnswer } from '../cli/sandbox/organization.js';
import { createAwsClients } from '../lambda/clients.js';
import type { Placement } from '../lambda/domain/index.js';
import { defaultValue, Setting, SpokeRole, spokeRoleName } from '../lambda/settings/index.js';
import { AuditIndex } from '../lambda/tables.js';
import { type Sandbox, startSandbox } from '../local/index.js';

/** The demo's first tick; the clock is frozen, so every run of the demo prints the same. */
const START = '2026-11-26T17:30:00Z';

interface DecisionRow {
  readonly accountId?: string;
  readonly region?: string;
  readonly runId: string;
  readonly connectionId?: string;
  readonly username?: string;
  readonly policyId?: string;
  readonly outcome?: string;
}

const recordColumns: readonly Column<DecisionRow>[] = [
  { header: 'account', value: (r) => r.accountId ?? '' },
  { header: 'region', value: (r) => r.region ?? '' },
  { header: 'run', value: (r) => r.runId.replace(/^\d{12}\.[a-z0-9-]+\//, '') },
  { header: 'connection', value: (r) => r.connectionId ?? '' },
  { header: 'identity', value: (r) => r.username ?? '' },
  { header: 'policy', value: (r) => r.policyId ?? '' },
  { header: 'outcome', value: (r) => r.outcome ?? '' },
];

const where = (placement: Placement): string => `${placement.accountId}/${placement.region}`;

/** Runs the organization demo on a scenario that declares an organization. */
export async function runOrganizationDemo(scenario: string): Promise<void> {
  const sandbox = await startSandbox({ port: 0, scenario, clock: { start: START, frozen: true } });
  const organization = await installOrganization(sandbox, { schedule: false, watch: false });
  const clients = createAwsClients(sandbox.clientConfig());
  try {
    const { hub, spokes } = organization;
    console.log(
      `cvpn-guard organization demo — hub ${where(hub)} (policies, audit trail, digest topic, relay, hub watch)`,
    );
    console.log(`spokes: ${spokes.map((spoke) => where(spoke.placement)).join(', ')}; simulated clock ${START}\n`);

    console.log('1. Every spoke runs its scheduled tick, in parallel, with its own lease and token bucket:');
    printAnswers(await tickAll(organization));

    console.log('2. alice leaves: one row in the hub, for the production account only.');
    const writtenAt = sandbox.clock.nowMs();
    await clients.documents.send(
      new PutCommand({
        TableName: sandbox.tables.policies,
        Item: {
          policyId: 'revoke-alice',
          kind: 'revoked-user',
          mode: 'enforce',
          endpoints: ['*'],
          usernames: ['alice'],
          accounts: ['222222222222'],
          reason: 'Offboarded; HR ticket HR-4512',
        },
      }),
    );
    for (let second = 0; second < 10 && activeCount(sandbox, 'alice') > 0; second += 1) {
      sandbox.clock.advance('1s');
      await sandbox.lambda.settled();
    }
    const relayed = sandbox.lambda.list().find((fn) => fn.name === hub.relayName)?.stats.invocations ?? 0;
    console.log(
      `   the hub's stream fed the relay (${relayed} invocation), which woke the spokes the row selects; ` +
        `alice has ${activeCount(sandbox, 'alice')} sessions left, ${(sandbox.clock.nowMs() - writtenAt) / 1000} simulated seconds after the write\n`,
    );

    console.log('3. 40 minutes later: the idle row applies to production in eu-west-1 only.');
    sandbox.clock.advance('40m');
    printAnswers(await tickAll(organization));

    const lost = spokes.at(-1);
    if (lost) {
      const role = spokeRoleName(defaultValue(Setting.STACK_NAME), SpokeRole.ENFORCER, lost.placement.region);
      console.log(`4. Someone deletes ${role} in ${lost.placement.accountId}; its runs fail from now on.`);
      sandbox.deleteRole(lost.placement.accountId, role);
      sandbox.clock.advance('20m');
      await tickAll(organization);
      const report = await organization.watch();
      const unreachable = (report.unreachable ?? []) as readonly (Placement & { why: string })[];
      const unplaced = (report.unplaced ?? []) as readonly { why: string }[];
      console.log(`   the hub watch: ${String(report.reporting)} spokes reporting; unreachable:`);
      for (const spoke of unreachable) console.log(`     ${where(spoke)}: ${spoke.why}`);
      for (const row of unplaced) console.log(`     ${row.why}`);
      console.log('');
    }

    console.log("5. The hub's audit trail, one query per account (the byAccount index):");
    const rows: DecisionRow[] = [];
    for (const accountId of [...new Set(spokes.map((spoke) => spoke.placement.accountId))]) {
      const answer = await clients.documents.send(
        new QueryCommand({
          TableName: sandbox.tables.audit,
          IndexName: AuditIndex.BY_ACCOUNT,
          KeyConditionExpression: 'accountId = :account',
          FilterExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeValues: { ':account': accountId },
        }),
      );
      rows.push(...((answer.Items ?? []) as DecisionRow[]));
    }
    console.log(renderTable(recordColumns, rows));
    console.log(`SNS digests published to the hub's topic: ${sandbox.sns.messages.length}\n`);
    console.log(
      'Next: `npx cvpn-guard sandbox --scenario examples/organization.json` keeps the sandbox up; docs/deploy.md deploys a hub.',
    );
  } finally {
    clients.dynamodb.destroy();
    await organization.stop();
    await sandbox.stop();
  }
}

/** One scheduled tick on every spoke at once; a spoke that fails is reported, not thrown. */
async function tickAll(
  organization: InstalledOrganization,
): Promise<{ placement: Placement; answer?: SpokeAnswer; error?: string }[]> {
  return Promise.all(
    organization.spokes.map(async ({ placement }) => {
      try {
        return { placement, answer: await organization.invokeSpoke(placement) };
      } catch (error) {
        return { placement, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

function printAnswers(answers: readonly { placement: Placement; answer?: SpokeAnswer; error?: string }[]): void {
  for (const { placement, answer, error } of answers) {
    if (answer === undefined) {
      console.log(`   ${where(placement)}: failed — ${error ?? 'no answer'}`);
      continue;
    }
    const counts =
      Object.entries((answer.counts ?? {}) as Record<string, number>)
        .map(([outcome, count]) => `${count} ${outcome}`)
        .join(', ') || 'no decisions';
    console.log(
      `   ${where(placement)}: ${answer.runId} ${answer.status}; ${String(answer.connectionsSeen)} connections; ${counts}`,
    );
  }
  console.log('');
}

function activeCount(sandbox: Sandbox, username: string): number {
  return sandbox
    .placements()
    .flatMap((placement) => sandbox.emulatorAt(placement).listConnections())
    .filter((connection) => connection.username === username && connection.status === 'active').length;
}
