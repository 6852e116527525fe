/**
 * Every figure of `cvpn-guard report -o json`, checked against the audit table. Three simulated days of a fleet run
 * on the sandbox with the product installed (scheduled, manual and change runs, revocations, gate attempts, a cap, an
 * invalid row, a partial run, a gap, a failed canary, a fail-mode answer); then the command, run as a user runs it,
 * reads the period through the table's indexes, and the test reads every item with a plain Scan and computes each
 * figure with its own code (support/expected.ts). A figure that disagrees is named with both values.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { installProduct, type InstalledProduct } from '../../../cli/sandbox/product.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { COST_METHOD, DEFAULT_CONNECTION_HOUR_PRICE_USD } from '../../../lambda/domain/report/early-end.js';
// The model's shape only, to read the JSON by its field names: no figure is computed with it.
import type { Distribution, EvidenceReport } from '../../../lambda/domain/report/types.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { scanAll } from '../../support/sandbox-enforcer.js';
import { type CliRun, jsonOf, runCli } from '../cli/support/cli-process.js';
import { type ExpectedDistribution, type ExpectedReport, expectedReport } from './support/expected.js';
import {
  CORP,
  END,
  ENG,
  type FleetRun,
  INITIAL_POLICIES,
  Policy,
  PRICES_SETTING,
  simulateFleet,
  START,
} from './support/fleet.js';

let sandbox: Sandbox;
let product: InstalledProduct;
let clients: AwsClients;
let fleet: FleetRun;
let command: CliRun;
let report: EvidenceReport;
let expected: ExpectedReport;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    scenario: { endpoints: [{ id: CORP }, { id: ENG }], policies: [...INITIAL_POLICIES] },
    clock: { start: START, frozen: true },
  });
  product = await installProduct(sandbox, { schedule: false });
  clients = createAwsClients(sandbox.clientConfig());
  fleet = await simulateFleet(sandbox, product, clients);
  await sandbox.lambda.settled();

  command = await runCli(['report', '-o', 'json', '--since', START, '--until', END, `--sandbox=${sandbox.endpoint}`], {
    env: { CVPN_GUARD_CONNECTION_HOUR_PRICES: PRICES_SETTING },
    timeoutMs: 60_000,
  });
  const [auditItems, policyRows] = await Promise.all([
    scanAll(clients, sandbox.tables.audit),
    scanAll(clients, sandbox.tables.policies),
  ]);
  expected = expectedReport(auditItems, policyRows, {
    period: { since: START, until: END },
    pricesSetting: PRICES_SETTING,
    region: sandbox.region,
  });
  if (command.code === 0) report = jsonOf<EvidenceReport>(command);
}, 300_000);

afterAll(async () => {
  await product?.stop();
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

/** Figures that disagree, each named, with what the table says and what the report says. */
class Figures {
  public readonly wrong: string[] = [];

  public same(name: string, got: unknown, want: unknown): void {
    if (canonical(got) !== canonical(want))
      this.wrong.push(`${name}: expected ${canonical(want)}, got ${canonical(got)}`);
  }

  /** Equal to `digits` decimal places (sums of fractions of hours differ in their last bits by summing order). */
  public close(name: string, got: number | undefined, want: number | undefined, digits = 6): void {
    const agree = got === want || (got !== undefined && want !== undefined && Math.abs(got - want) < 10 ** -digits);
    if (!agree) this.wrong.push(`${name}: expected ${String(want)}, got ${String(got)}`);
  }

  public distribution(name: string, got: Distribution | undefined, want: ExpectedDistribution | undefined): void {
    if (got === undefined || want === undefined) return this.same(name, got, want);
    this.same(`${name}.count`, got.count, want.count);
    for (const figure of ['median', 'p95', 'max'] as const) this.close(`${name}.${figure}`, got[figure], want[figure]);
  }

  /** Two series keyed alike; entries that are zero on the report's side are left out (a series may list them). */
  public series<T>(name: string, got: ReadonlyMap<string, T>, want: ReadonlyMap<string, T>): void {
    for (const key of new Set([...got.keys(), ...want.keys()]))
      this.same(`${name}[${key}]`, got.get(key) ?? null, want.get(key) ?? null);
  }
}

/** JSON with every object's keys in order: the same figures compare equal whatever order the report wrote. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner !== null && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([left], [right]) => left.localeCompare(right)))
        : inner,
    ) ?? 'undefined'
  );
}

/** A bucket's ISO start as `Date#toISOString` writes it, whichever ISO form the report used. */
const at = (iso: string) => new Date(iso).toISOString();

/** The command ran and printed a report; else what it said. */
function reportOk(): void {
  if (command.code !== 0 || report === undefined)
    throw new Error(`cvpn-guard report exited ${String(command.code)}:\n${command.stderr}\n${command.stdout}`);
}

describe('cvpn-guard report -o json: every figure against the audit table', () => {
  it('reports on a scenario with something in every figure, so zeros cannot pass', () => {
    // Assert: the scenario (read from the table, not from the report) reached each case.
    const policy = (id: string) => expected.policies.find((p) => p.policyId === id);
    expect(fleet.revokedAt).not.toBe('');
    for (const id of [Policy.IDLE, Policy.MAX_SESSION, Policy.OFF_HOURS, Policy.REVOKE, Policy.CAPPED])
      expect({ id, endedOrRefused: (policy(id)?.ended ?? 0) + (policy(id)?.refused ?? 0) > 0 }).toEqual({
        id,
        endedOrRefused: true,
      });
    expect(policy(Policy.OFF_HOURS)?.refused).toBeGreaterThan(0);
    expect(policy(Policy.REVOKE)?.refused).toBeGreaterThan(0);
    expect(policy(Policy.CAPPED)?.refused).toBeGreaterThan(0);
    expect(policy(Policy.OBSERVE)?.wouldEnd).toBeGreaterThan(0);
    expect(policy(Policy.OBSERVE)?.wouldRefuse).toBeGreaterThan(0);
    expect(policy(Policy.OFF_HOURS)?.exempted).toBeGreaterThan(0);
    expect(policy(Policy.CAPPED)?.capped).toBe(3);
    expect(policy(Policy.CAPPED)?.cappedRuns).toBe(1);
    expect(policy(Policy.IDLE)?.failed).toBeGreaterThan(0);
    expect(policy(Policy.INVALID)?.invalid).toHaveLength(2);
    expect(policy(Policy.IDLE)?.timeToEnforce.count).toBeGreaterThan(1);
    expect(policy(Policy.REVOKE)?.revocation?.seconds).toBeGreaterThanOrEqual(0);
    expect(expected.health.runs.scheduled).toBe(fleet.ticks);
    expect(expected.health.runs.manual).toBe(fleet.manualRuns);
    expect(expected.health.runs.eventDriven).toBeGreaterThan(0);
    expect(expected.health.gaps.length).toBeGreaterThan(0);
    expect(expected.health.partialRuns).toBeGreaterThan(0);
    expect(expected.health.throttledCalls).toBeGreaterThan(0);
    expect(expected.health.canaryFailures).toBe(1);
    expect(expected.health.failModeUses.get('malformed-request')).toEqual({ admitted: 1, refused: 0 });
    expect(expected.sessions.connectionsSeen.size).toBeGreaterThan(0);
    expect(expected.cost.totalConnectionHours).toBeGreaterThan(0);
  });

  it('covers the period asked for, and says how much it read', () => {
    reportOk();
    const figures = new Figures();
    figures.same('schemaVersion', report.schemaVersion, 1);
    figures.same('period.since', at(report.period.since), at(START));
    figures.same('period.until', at(report.period.until), at(END));
    figures.same('scope', report.scope, { accounts: [], regions: [], policyIds: [] });
    figures.same('bucket', report.bucket, expected.bucket);
    figures.same('read.records', report.read.records, expected.records);
    figures.same('read.summaries', report.read.summaries, expected.summaries);
    expect(report.read.pages).toBeGreaterThan(0);
    expect(figures.wrong).toEqual([]);
  });

  it('gives each policy row its control evidence, figure by figure', () => {
    reportOk();
    const figures = new Figures();
    figures.same(
      'policies (ids, in order)',
      report.policies.map((p) => p.policyId),
      expected.policies.map((p) => p.policyId),
    );
    for (const want of expected.policies) {
      const got = report.policies.find((p) => p.policyId === want.policyId);
      const name = `policies[${want.policyId}]`;
      if (!got) continue;
      figures.same(`${name}.kind`, got.kind, want.kind);
      figures.same(`${name}.mode`, got.mode, want.mode);
      figures.same(`${name}.reason`, got.reason, want.reason);
      figures.same(`${name}.rowExists`, got.rowExists, want.rowExists);
      for (const endpoint of want.endpoints)
        figures.same(`${name}.scope names ${endpoint}`, got.scope.includes(endpoint), true);
      for (const figure of ['ended', 'refused', 'wouldEnd', 'wouldRefuse', 'exempted', 'capped'] as const)
        figures.same(`${name}.${figure}`, got[figure], want[figure]);
      figures.distribution(`${name}.timeToEnforce`, got.timeToEnforce, want.timeToEnforce);
      figures.distribution(`${name}.idleMinutesPastLimit`, got.idleMinutesPastLimit, want.idleMinutesPastLimit);
      figures.same(`${name}.revocation.writtenAt`, got.revocation?.writtenAt, want.revocation?.writtenAt);
      figures.same(
        `${name}.revocation.lastEndedAt`,
        got.revocation?.lastEndedAt === undefined ? undefined : at(got.revocation.lastEndedAt),
        want.revocation?.lastEndedAt === undefined ? undefined : at(want.revocation.lastEndedAt),
      );
      figures.close(`${name}.revocation.seconds`, got.revocation?.seconds, want.revocation?.seconds, 3);
      for (const figure of ['failed', 'cappedRuns', 'deferred'] as const)
        figures.same(`${name}.exceptions.${figure}`, got.exceptions[figure], want[figure]);
      figures.same(
        `${name}.exceptions.invalid`,
        got.exceptions.invalid.map((span) => ({
          ...span,
          firstSeenAt: at(span.firstSeenAt),
          lastSeenAt: at(span.lastSeenAt),
        })),
        want.invalid.map((span) => ({ ...span, firstSeenAt: at(span.firstSeenAt), lastSeenAt: at(span.lastSeenAt) })),
      );
    }
    expect(figures.wrong).toEqual([]);
  });

  it('states the health of the runs: triggers, gaps, partial runs, errors, throttling, fail mode, canary', () => {
    reportOk();
    const figures = new Figures();
    const { health } = report;
    const want = expected.health;
    figures.same('health.runs', health.runs, want.runs);
    figures.series(
      'health.runsOverTime',
      new Map(
        health.runsOverTime
          .filter((b) => b.scheduled + b.manual + b.eventDriven + b.continuations > 0)
          .map((b) => [
            at(b.bucket),
            { scheduled: b.scheduled, manual: b.manual, eventDriven: b.eventDriven, continuations: b.continuations },
          ]),
      ),
      want.runsOverTime,
    );
    figures.same(
      'health.gaps (from, to, seconds)',
      health.gaps.map((gap) => ({ from: at(gap.from), to: at(gap.to), seconds: gap.seconds })),
      want.gaps.map((gap) => ({ from: at(gap.from), to: at(gap.to), seconds: gap.seconds })),
    );
    for (const gap of health.gaps)
      figures.same(
        `health.gaps[${gap.from}].placement is this deployment's`,
        ['local', `${sandbox.accountId}/${sandbox.region}`].includes(gap.placement),
        true,
      );
    figures.same('health.partialRuns', health.partialRuns, want.partialRuns);
    figures.series(
      'health.endpointErrors',
      new Map(health.endpointErrors.map((e) => [e.endpointId, e.runs])),
      want.endpointErrors,
    );
    figures.same(
      'health.endpointErrors order (most first)',
      health.endpointErrors.map((e) => e.runs),
      [...health.endpointErrors.map((e) => e.runs)].sort((a, b) => b - a),
    );
    figures.same('health.throttledCalls', health.throttledCalls, want.throttledCalls);
    figures.same('health.terminateCalls', health.terminateCalls, want.terminateCalls);
    figures.series(
      'health.failModeUses',
      new Map(health.failModeUses.map((use) => [use.cause, { admitted: use.admitted, refused: use.refused }])),
      want.failModeUses,
    );
    figures.same('health.canaryRuns', health.canaryRuns, want.canaryRuns);
    figures.same('health.canaryFailures', health.canaryFailures, want.canaryFailures);
    expect(figures.wrong).toEqual([]);
  });

  it('counts sessions over time: connections seen, terminations by kind, ended and refused, top identities', () => {
    reportOk();
    const figures = new Figures();
    const { sessions } = report;
    const want = expected.sessions;
    figures.series(
      'sessions.connectionsSeen',
      new Map(
        sessions.connectionsSeen
          .filter((c) => c.connections !== 0)
          .map((c) => [`${at(c.bucket)} ${c.endpointId}`, c.connections]),
      ),
      new Map([...want.connectionsSeen].filter(([, connections]) => connections !== 0)),
    );
    figures.series(
      'sessions.terminationsOverTime',
      new Map(
        sessions.terminationsOverTime.filter((t) => t.ended !== 0).map((t) => [`${at(t.bucket)} ${t.kind}`, t.ended]),
      ),
      want.terminationsOverTime,
    );
    figures.series(
      'sessions.endedAndRefusedOverTime',
      new Map(
        sessions.endedAndRefusedOverTime
          .filter((b) => b.ended !== 0 || b.refused !== 0)
          .map((b) => [at(b.bucket), { ended: b.ended, refused: b.refused }]),
      ),
      want.endedAndRefusedOverTime,
    );

    // The top identities: at most 10, most first, each with its own counts, and nobody left out who had more.
    const total = (counts: { ended: number; refused: number }) => counts.ended + counts.refused;
    figures.same('sessions.topIdentities.length', sessions.topIdentities.length, Math.min(10, want.identities.size));
    for (const listed of sessions.topIdentities)
      figures.same(
        `sessions.topIdentities[${listed.identity}]`,
        { ended: listed.ended, refused: listed.refused },
        want.identities.get(listed.identity) ?? null,
      );
    figures.same(
      'sessions.topIdentities order (most first)',
      sessions.topIdentities.map(total),
      [...sessions.topIdentities.map(total)].sort((a, b) => b - a),
    );
    const least = Math.min(...sessions.topIdentities.map(total));
    const listed = new Set(sessions.topIdentities.map((i) => i.identity));
    for (const [identity, counts] of want.identities)
      if (!listed.has(identity) && total(counts) > least)
        figures.same(`sessions.topIdentities leaves out ${identity} (${total(counts)})`, 'listed', 'left out');
    expect(figures.wrong).toEqual([]);
  });

  it('estimates the connection-hours ended early and their cost at the price set per Region', () => {
    reportOk();
    const figures = new Figures();
    const { cost } = report;
    const want = expected.cost;
    for (const kind of new Set([
      ...cost.connectionHours.filter((k) => k.sessions !== 0).map((k) => k.kind),
      ...want.byKind.keys(),
    ])) {
      const got = cost.connectionHours.find((k) => k.kind === kind);
      const wanted = want.byKind.get(kind);
      figures.same(`cost.connectionHours[${kind}].sessions`, got?.sessions, wanted?.sessions);
      figures.close(`cost.connectionHours[${kind}].connectionHours`, got?.connectionHours, wanted?.connectionHours);
      figures.close(`cost.connectionHours[${kind}].estimatedUsd`, got?.estimatedUsd, wanted?.estimatedUsd);
    }
    figures.close('cost.totalConnectionHours', cost.totalConnectionHours, want.totalConnectionHours);
    figures.close('cost.estimatedUsd', cost.estimatedUsd, want.estimatedUsd);
    // The deployment's records name no Region: they are its own, priced at its Region's price.
    if (want.totalConnectionHours > 0)
      figures.same(
        `cost.pricePerHour lists ${sandbox.region}`,
        cost.pricePerHour.some((price) => price.region === sandbox.region),
        true,
      );
    for (const price of cost.pricePerHour)
      figures.same(
        `cost.pricePerHour[${price.region}]`,
        price.usd,
        want.prices.get(price.region) ?? DEFAULT_CONNECTION_HOUR_PRICE_USD,
      );
    figures.same('cost.method begins with the shared paragraph', cost.method.startsWith(COST_METHOD), true);
    expect(figures.wrong).toEqual([]);
  });
});
