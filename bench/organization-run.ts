/**
 * The bench's organization section: the generated organization run twice, each pass in a fresh process
 * (bench/organization-process.ts): the baseline, then the same organization with one spoke made unreachable half-way
 * through the slowest spoke's bound. Prints the figures per spoke and in total, the other spokes side by side, and
 * the targets; writes them to a JSON file.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareUnderFault,
  type FaultComparison,
  type OrganizationFigures,
  organizationFigures,
  SPOKE_BUCKET,
} from './organization-figures.js';
import type {
  OrganizationCommand,
  OrganizationEvent,
  OrganizationFault,
  OrganizationObservation,
} from './organization-protocol.js';
import {
  checkOrganizationTargets,
  comparisonMarkdown,
  comparisonTable,
  faultedLine,
  spokeMarkdown,
  spokeTable,
} from './organization-report.js';
import {
  type GeneratedOrganization,
  generateOrganization,
  type OrganizationSpec,
  placementKey,
} from './organization-scenario.js';
import { fixed, targetLines, targetMarkdown } from './report.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** What the fault does, as the figures say it. */
const FAULT_WHAT = 'its enforcer role deleted';

function observe(command: OrganizationCommand): Promise<OrganizationObservation> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'organization-process.ts'), [], {
      cwd: join(BENCH_DIR, '..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let event: OrganizationEvent | undefined;
    child.once('message', (message: OrganizationEvent) => {
      event = message;
    });
    child.once('exit', (code) => {
      if (event?.type === 'observed') resolve(event.observation);
      else
        reject(
          new Error(
            `the organization process failed (${code}): ${event?.type === 'failed' ? event.message : 'no answer'}`,
          ),
        );
    });
    child.send(command);
  });
}

/**
 * The fault of the second pass: the spoke with the slowest own bound (its run is surely still going) loses its
 * enforcer role at half that bound, or at half the baseline's time to end all when every spoke fits its burst.
 */
export function faultFor(baseline: OrganizationFigures, organization: GeneratedOrganization): OrganizationFault {
  const slowest = [...baseline.spokes].sort(
    (left, right) => right.boundSeconds - left.boundSeconds || right.terminateCalls - left.terminateCalls,
  )[0];
  const generated = organization.spokes.find((spoke) => placementKey(spoke.placement) === slowest?.spoke);
  if (!slowest || !generated) throw new Error('organization fault: the baseline has no spoke to make unreachable');
  const halfSeconds =
    baseline.slowestBoundSeconds > 0 ? baseline.slowestBoundSeconds / 2 : baseline.timeToEndAllSeconds / 2;
  return {
    placement: generated.placement,
    atMs: Math.round(1000 * (Number.isFinite(halfSeconds) ? halfSeconds : 0)),
    kind: 'role-deleted',
  };
}

/** The organization section of `npm run bench`; returns the figures it wrote. */
export async function runOrganizationSection(options: {
  readonly spec: OrganizationSpec;
  /** Simulated ms every EC2 call takes. */
  readonly ec2LatencyMs: number;
  readonly out: string;
  /** The machine the figures come from, as the results name it. */
  readonly machine: object;
}): Promise<{ baseline: OrganizationFigures; comparison: FaultComparison }> {
  const { spec } = options;
  const organization = generateOrganization(spec);
  const spokes = organization.spokes.length;
  const perSpoke = spec.endpointsPerSpoke * spec.connectionsPerEndpoint;
  console.log(
    `\norganization: a hub and ${spec.accounts} accounts × ${spec.regions.length} Regions = ${spokes} spokes, ` +
      `${spec.endpointsPerSpoke} × ${spec.connectionsPerEndpoint} connections each, ${fixed(spec.targetedShare * 100, 0)} % targeted by ` +
      `${organization.rows.length} revoked-user rows in the hub (every spoke, one account, one Region, one spoke), at ${spec.speed}×; ` +
      `each spoke's EC2 with latency ${options.ec2LatencyMs} ms and its own throttling, each enforcer the stack's defaults ` +
      `(${SPOKE_BUCKET.ratePerSecond}/s burst ${SPOKE_BUCKET.burst}) with the per-run cap raised to ${Math.round(spec.targetedShare * perSpoke)}; ` +
      'every spoke started at the same instant by one tick each (not the hub stream); times in simulated s from that instant',
  );
  const baseline = organizationFigures(organization, await observe({ spec, ec2LatencyMs: options.ec2LatencyMs }));
  console.log(
    `baseline: ${fixed(baseline.observedSeconds, 0)} simulated s (${fixed(baseline.wallSeconds, 0)} s wall, ` +
      `set-up ${fixed(baseline.setupWallSeconds, 0)} s wall)`,
  );
  process.stdout.write(spokeTable(baseline));
  const fault = faultFor(baseline, organization);
  const faultPass = organizationFigures(
    organization,
    await observe({ spec, ec2LatencyMs: options.ec2LatencyMs, fault }),
  );
  const comparison = compareUnderFault(baseline, faultPass, placementKey(fault.placement));
  console.log(
    `\n${faultedLine(comparison, fault.atMs / 1000, FAULT_WHAT)} ` +
      `(${fixed(faultPass.observedSeconds, 0)} simulated s, ${fixed(faultPass.wallSeconds, 0)} s wall)`,
  );
  process.stdout.write(comparisonTable(comparison));
  const checks = checkOrganizationTargets(baseline, comparison);
  console.log('');
  process.stdout.write(targetLines(checks));
  writeFileSync(
    options.out,
    `${JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        machine: options.machine,
        spec,
        ec2LatencyMs: options.ec2LatencyMs,
        started: 'one tick each, every spoke at the same simulated instant',
        fault: { ...fault, what: FAULT_WHAT },
        baseline,
        faultPass,
        comparison,
        targets: checks,
        markdown: {
          spokes: spokeMarkdown(baseline),
          comparison: comparisonMarkdown(comparison),
          targets: targetMarkdown(checks),
        },
      },
      (_, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
      2,
    )}\n`,
  );
  console.log(`organization results in ${options.out}`);
  return { baseline, comparison };
}
