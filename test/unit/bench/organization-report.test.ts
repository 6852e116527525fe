import { describe, expect, it } from '@jest/globals';
import {
  compareUnderFault,
  type OrganizationFigures,
  organizationFigures,
  sameFigures,
} from '../../../bench/organization-figures.js';
import type { ObservedSpoke, OrganizationObservation } from '../../../bench/organization-protocol.js';
import { checkOrganizationTargets, spokeMarkdown } from '../../../bench/organization-report.js';
import {
  generateOrganization,
  type GeneratedSpoke,
  placementKey,
  QUICK_ORGANIZATION,
} from '../../../bench/organization-scenario.js';

const ORGANIZATION = generateOrganization(QUICK_ORGANIZATION);

/** What a pass saw of one spoke: `calls` terminate calls spread evenly up to `lastMs`, the targeted ones ended. */
function seen(
  spoke: GeneratedSpoke,
  options: { calls?: number; lastMs?: number; endAlso?: readonly string[]; skipEnding?: number; retried?: number } = {},
): ObservedSpoke {
  const targeted = spoke.connections.filter((connection) => connection.targeted).map((connection) => connection.id);
  const ended = [...targeted.slice(options.skipEnding ?? 0), ...(options.endAlso ?? [])];
  const calls = options.calls ?? targeted.length;
  const lastMs = options.lastMs ?? 10_000;
  return {
    placement: spoke.placement,
    invocation: { returnedAtMs: lastMs + 500, runId: 'r', status: 'completed' },
    terminateCalls: Array.from({ length: calls }, (_, index) => ({
      atMs: Math.round(((index + 1) * lastMs) / calls),
      endpointId: spoke.endpoints[0] ?? '',
      movedToTerminating: [],
    })),
    ended,
    auditTerminated: targeted,
    summaries: [
      {
        runId: 'r',
        status: 'completed',
        durationMs: lastMs,
        terminateCalls: calls + (options.retried ?? 0),
        throttledCalls: 0,
      },
    ],
  };
}

function observation(spokes: ObservedSpoke[], dynamodbThrottles: Record<string, number> = {}): OrganizationObservation {
  return {
    spokes,
    dynamodbThrottles,
    dynamodbCalls: { PutItem: 100, UpdateItem: 40 },
    observedMs: 20_000,
    wallMs: 5000,
    setupWallMs: 1000,
  };
}

/** Every spoke alike: `calls` calls each, the last at `lastMs`. */
function pass(calls: number, lastMs: number, change: Partial<Record<string, ObservedSpoke>> = {}): OrganizationFigures {
  return organizationFigures(
    ORGANIZATION,
    observation(
      ORGANIZATION.spokes.map((spoke) => change[placementKey(spoke.placement)] ?? seen(spoke, { calls, lastMs })),
    ),
  );
}

describe('organizationFigures', () => {
  it("counts each spoke's ended, wrongly ended and audited connections, its calls and its own bound", () => {
    // Arrange
    const [first, second] = ORGANIZATION.spokes as [GeneratedSpoke, GeneratedSpoke];
    const bystander = first.connections.find((connection) => !connection.targeted)?.id ?? '';

    // Act
    const figures = organizationFigures(
      ORGANIZATION,
      observation(
        [
          seen(first, { calls: 75, retried: 5, lastMs: 7200, endAlso: [bystander] }),
          seen(second, { skipEnding: 3 }),
          ...ORGANIZATION.spokes.slice(2).map((spoke) => seen(spoke)),
        ],
        { PutItem: 2, UpdateItem: 1 },
      ),
    );

    // Assert
    const [one, two] = figures.spokes;
    expect(one).toMatchObject({
      spoke: placementKey(first.placement),
      connections: 200,
      targeted: 20,
      ended: 20,
      wronglyEnded: 1,
      auditTerminated: 20,
      auditAgrees: true,
      terminateCalls: 75,
      runTerminateCalls: 80,
      boundSeconds: 6, // (80 the run made − 50) / 5
      lastTerminateSeconds: 7.2,
      ratioToOwnBound: 1.2,
      outcome: 'completed',
    });
    expect(two).toMatchObject({ ended: 17, wronglyEnded: 0, boundSeconds: 0, lastTerminateSeconds: 10 });
    expect(two?.ratioToOwnBound).toBeUndefined();
    expect(figures.totals).toMatchObject({ targeted: 120, ended: 117, wronglyEnded: 1 });
    expect(figures.slowestBoundSeconds).toBe(6);
    expect(figures.timeToEndAllSeconds).toBe(10);
    expect(figures.dynamodbThrottles).toBe(3);
  });

  it('says when the audit table disagrees with the targeted connections', () => {
    const [first] = ORGANIZATION.spokes as [GeneratedSpoke];
    const short = { ...seen(first), auditTerminated: seen(first).auditTerminated.slice(1) };

    const figures = pass(20, 10_000, { [placementKey(first.placement)]: short });

    expect(figures.spokes[0]).toMatchObject({ auditTerminated: 19, auditAgrees: false });
    expect(checkOrganizationTargets(figures, undefined)[2]).toMatchObject({
      met: false,
      figure: `1 spokes disagree: ${placementKey(first.placement)}`,
    });
  });

  it('names a spoke the pass did not see', () => {
    expect(() => organizationFigures(ORGANIZATION, observation([]))).toThrow(
      `organization figures: the pass saw no spoke ${placementKey(ORGANIZATION.spokes[0]?.placement ?? { accountId: '', region: '' })}`,
    );
  });
});

describe('compareUnderFault', () => {
  it('leaves out the faulted spoke and calls the others unchanged when ended and calls match and time is within 5 %', () => {
    const faulted = placementKey(ORGANIZATION.spokes[0]?.placement ?? { accountId: '', region: '' });
    const other = placementKey(ORGANIZATION.spokes[1]?.placement ?? { accountId: '', region: '' });
    const baseline = pass(100, 10_000);

    const fault = pass(100, 10_400, {
      [faulted]: seen(ORGANIZATION.spokes[0] as GeneratedSpoke, { calls: 40, skipEnding: 12 }),
      [other]: seen(ORGANIZATION.spokes[1] as GeneratedSpoke, { calls: 100, lastMs: 10_600 }),
    });
    const comparison = compareUnderFault(baseline, fault, faulted);

    expect(comparison.faulted).toMatchObject({ spoke: faulted, ended: 8, terminateCalls: 40 });
    expect(comparison.others.map((row) => row.spoke)).not.toContain(faulted);
    expect(comparison.others).toHaveLength(ORGANIZATION.spokes.length - 1);
    expect(comparison.others.find((row) => row.spoke === other)?.unchanged).toBe(false);
    expect(comparison.unchanged).toBe(ORGANIZATION.spokes.length - 2);
    expect(checkOrganizationTargets(baseline, comparison).at(-1)).toMatchObject({
      met: false,
      figure: `${ORGANIZATION.spokes.length - 2}/${ORGANIZATION.spokes.length - 1} unchanged; changed: ${other}`,
    });
  });

  it('is unchanged only with equal ended and calls and a time within 5 % either way', () => {
    const base = { ended: 400, calls: 400, lastTerminateSeconds: 100 };

    expect(sameFigures(base, { ...base, lastTerminateSeconds: 95 })).toBe(true);
    expect(sameFigures(base, { ...base, lastTerminateSeconds: 105.5 })).toBe(false);
    expect(sameFigures(base, { ...base, calls: 401 })).toBe(false);
    expect(sameFigures(base, { ...base, ended: 399 })).toBe(false);
  });
});

describe('checkOrganizationTargets', () => {
  it('meets every target when all is ended in time, and misses the time when the slowest spoke is over 1.2× its bound', () => {
    // 100 calls: bound (100 − 50) / 5 = 10 s.
    const inTime = checkOrganizationTargets(pass(100, 12_000), undefined);
    const late = checkOrganizationTargets(pass(100, 12_100), undefined);

    expect(inTime.map((check) => check.met)).toEqual([true, true, true, true, true, true]);
    expect(inTime[3]).toMatchObject({ figure: '12.0 s against 10.0 s (1.20×)' });
    expect(late[3]).toMatchObject({ met: false, figure: '12.1 s against 10.0 s (1.21×)' });
    expect(late[5]).toMatchObject({ met: false });
    // Six spokes over: five named, the sixth counted.
    expect(late[5]?.figure).toMatch(
      /^6 of 6 over: (\d{12}\/[a-z0-9-]+ 1\.21×, ){4}\d{12}\/[a-z0-9-]+ 1\.21× and 1 more$/,
    );
  });

  it('does not judge time when every spoke fits its burst, and misses a throttled DynamoDB call', () => {
    const figures = organizationFigures(
      ORGANIZATION,
      observation(
        ORGANIZATION.spokes.map((spoke) => seen(spoke)),
        { PutItem: 1 },
      ),
    );

    const checks = checkOrganizationTargets(figures, undefined);

    expect(checks[3]).toMatchObject({ met: null });
    expect(checks[4]).toMatchObject({ met: false, figure: '1 throttled of 140 DynamoDB calls' });
    expect(checks[5]).toMatchObject({ met: null });
  });

  it('prints a total row under the spokes', () => {
    const markdown = spokeMarkdown(pass(100, 12_000));

    expect(markdown).toContain(
      `| total (${ORGANIZATION.spokes.length} spokes) | 1200 | 120 | 120 | 0 | 120 | 600 / 600 |`,
    );
  });
});
