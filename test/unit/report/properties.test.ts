import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { AdmissionRecord, RunSummary } from '../../../lambda/ports/index.js';
import { ReportAccumulator, type EvidenceReport, type ReportScope } from '../../../lambda/report/index.js';
import { PROPERTY_PARAMETERS } from '../domain/arbitraries.js';
import {
  ACCOUNT,
  admission,
  decision,
  invalid,
  OTHER_ACCOUNT,
  options,
  REGION,
  SINCE,
  summary,
  UNTIL,
  type EvidenceDecision,
} from './records.js';

type Item = EvidenceDecision | AdmissionRecord | ReturnType<typeof invalid> | RunSummary;

const POLICIES = ['idle-30', 'max-8h', 'offboarded'] as const;
const KIND_OF = { 'idle-30': 'idle', 'max-8h': 'max-session', offboarded: 'revoked-user' } as const;
const PERIOD_MS = UNTIL.getTime() - SINCE.getTime();

/** An instant a little before, inside, or a little after the period, on whole seconds. */
const arbAt = fc
  .integer({ min: -3600, max: PERIOD_MS / 1000 + 3600 })
  .map((seconds) => new Date(SINCE.getTime() + seconds * 1000).toISOString());
const arbPlacement = fc.record({
  accountId: fc.constantFrom(ACCOUNT, OTHER_ACCOUNT, undefined),
  region: fc.constantFrom(REGION, 'us-east-1'),
});
const arbIdentity = fc.record({
  username: fc.constantFrom('alice', 'Alice', 'bob', 'carol', undefined),
  commonName: fc.constantFrom('laptop-7', undefined),
});

const arbDecision: fc.Arbitrary<Item> = fc
  .record({
    policyId: fc.constantFrom(...POLICIES),
    outcome: fc.constantFrom('terminated', 'failed', 'would-terminate', 'exempted', 'capped', 'deferred', 'pending'),
    at: arbAt,
    firstSeen: fc.constantFrom('absent', 'same', 'earlier'),
    runId: fc.constantFrom('run-1', 'run-2', 'run-3'),
    conditionLeadSeconds: fc.option(fc.integer({ min: -60, max: 7200 }), { nil: undefined }),
    connectedHoursBefore: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    completedLaterSeconds: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
    placement: arbPlacement,
    identity: arbIdentity,
  })
  .map((drawn) => {
    const atMs = Date.parse(drawn.at);
    const seconds = (offset: number | undefined) =>
      offset === undefined ? undefined : new Date(atMs + offset * 1000).toISOString();
    return decision({
      policyId: drawn.policyId,
      policyKind: KIND_OF[drawn.policyId],
      outcome: drawn.outcome,
      at: drawn.at,
      runId: drawn.runId,
      ...(drawn.firstSeen === 'same' ? { firstSeenAt: drawn.at } : {}),
      ...(drawn.firstSeen === 'earlier' ? { firstSeenAt: seconds(-300) } : {}),
      conditionAt: seconds(drawn.conditionLeadSeconds === undefined ? undefined : -drawn.conditionLeadSeconds),
      connectedAt: seconds(drawn.connectedHoursBefore === undefined ? undefined : -drawn.connectedHoursBefore * 3600),
      completedAt: seconds(drawn.completedLaterSeconds),
      ...drawn.placement,
      ...drawn.identity,
    });
  });

const arbAdmission: fc.Arbitrary<Item> = fc
  .record({
    outcome: fc.constantFrom('refused', 'would-refuse', 'admitted', 'admitted-fail-open', 'refused-fail-closed'),
    exempted: fc.boolean(),
    at: arbAt,
    placement: arbPlacement,
    identity: arbIdentity,
  })
  .map(({ outcome, exempted, at, placement, identity }) =>
    outcome === 'admitted-fail-open' || outcome === 'refused-fail-closed'
      ? admission({ outcome, at, policyId: undefined, policyKind: undefined, failMode: 'deadline', ...placement })
      : admission({ outcome, at, ...(exempted ? { exemptedBy: 'on-call' } : {}), ...placement, ...identity }),
  );

const arbInvalid: fc.Arbitrary<Item> = fc
  .record({ at: arbAt, placement: arbPlacement, message: fc.constantFrom('bad idleMinutes', 'bad kind') })
  .map(({ at, placement, message }) => invalid({ at, reason: message, ...placement }));

const arbSummary: fc.Arbitrary<Item> = fc
  .record({
    at: arbAt,
    trigger: fc.constantFrom('schedule', 'manual', 'change', 'continuation', undefined),
    connections: fc.nat({ max: 50 }),
    placement: arbPlacement,
  })
  .map(({ at, trigger, connections, placement }) =>
    summary({ at, trigger, connectionsSeen: connections, ...placement }),
  );

const arbItems = fc.array(fc.oneof(arbDecision, arbDecision, arbAdmission, arbInvalid, arbSummary), {
  maxLength: 120,
});
const arbScope: fc.Arbitrary<ReportScope> = fc.record({
  accounts: fc.constantFrom([], [ACCOUNT]),
  regions: fc.constantFrom([], [REGION]),
  policyIds: fc.constantFrom([], ['idle-30'], ['idle-30', 'offboarded']),
});

/** Folds the items in pages of `pageSize`, noting each page as the reader does. */
function fold(items: readonly Item[], scope: ReportScope, pageSize: number): EvidenceReport {
  const accumulator = new ReportAccumulator(options({ scope }));
  items.forEach((item, index) => {
    if (index % pageSize === 0) accumulator.notePage();
    if (item.recordType === 'summary') accumulator.addSummary(item);
    else accumulator.addRecord(item);
  });
  return accumulator.finish();
}

/** Whether a record counts under the scope: in the period, and in its accounts, Regions and rows. */
function counted(item: Item, scope: ReportScope): boolean {
  const atMs = Date.parse(item.at);
  if (atMs < SINCE.getTime() || atMs >= UNTIL.getTime()) return false;
  if (scope.accounts.length > 0 && !scope.accounts.includes(item.accountId ?? '')) return false;
  if (scope.regions.length > 0 && !scope.regions.includes(item.region ?? '')) return false;
  if (item.recordType === 'summary') return true;
  return scope.policyIds.length === 0 || scope.policyIds.includes(item.policyId ?? '');
}

function isFirst(item: Item): boolean {
  return item.recordType !== 'decision' || item.firstSeenAt === undefined || item.firstSeenAt === item.at;
}

describe('ReportAccumulator › properties', () => {
  it('gives the same report however the items are shuffled or split into pages', () => {
    fc.assert(
      fc.property(
        arbItems.chain((items) =>
          fc.tuple(
            fc.constant(items),
            fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
          ),
        ),
        arbScope,
        fc.integer({ min: 1, max: 40 }),
        ([items, shuffled], scope, pageSize) => {
          const { read: _read, ...inOrder } = fold(items, scope, 1000);
          const { read: _shuffledRead, ...inPages } = fold(shuffled, scope, pageSize);
          expect(inPages).toEqual(inOrder);
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it('counts each policy figure as the number of matching records', () => {
    fc.assert(
      fc.property(arbItems, arbScope, (items, scope) => {
        const report = fold(items, scope, 10);
        const kept = items.filter((item) => counted(item, scope));
        const count = (policyId: string, outcome: string, firstOnly: boolean) =>
          kept.filter(
            (item) =>
              item.recordType !== 'summary' &&
              item.recordType !== 'invalid-policy' &&
              item.policyId === policyId &&
              item.outcome === outcome &&
              (!firstOnly || isFirst(item)),
          ).length;
        for (const policy of report.policies) {
          const exemptedAdmissions = kept.filter(
            (item) =>
              item.recordType === 'admission' &&
              item.policyId === policy.policyId &&
              item.outcome === 'admitted' &&
              item.exemptedBy !== undefined,
          ).length;
          expect(policy).toMatchObject({
            ended: count(policy.policyId, 'terminated', false),
            refused: count(policy.policyId, 'refused', false),
            wouldEnd: count(policy.policyId, 'would-terminate', true),
            wouldRefuse: count(policy.policyId, 'would-refuse', false),
            exempted: count(policy.policyId, 'exempted', true) + exemptedAdmissions,
            capped: count(policy.policyId, 'capped', true),
            exceptions: {
              failed: count(policy.policyId, 'failed', false),
              deferred: count(policy.policyId, 'deferred', true),
            },
          });
        }
        const ended = kept.filter((item) => item.recordType === 'decision' && item.outcome === 'terminated').length;
        const sum = (values: readonly { ended: number }[]) => values.reduce((total, { ended }) => total + ended, 0);
        expect(sum(report.policies)).toBe(ended);
        expect(sum(report.sessions.terminationsOverTime)).toBe(ended);
        expect(sum(report.sessions.endedAndRefusedOverTime)).toBe(ended);
        expect(report.health.runs.total).toBe(kept.filter((item) => item.recordType === 'summary').length);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('gives each time to enforce as nearest ranks of the measured seconds, within [min, max]', () => {
    fc.assert(
      fc.property(arbItems, (items) => {
        const scope = { accounts: [], regions: [], policyIds: [] };
        const report = fold(items, scope, 7);
        for (const policy of report.policies) {
          const seconds = items
            .filter(
              (item): item is EvidenceDecision =>
                counted(item, scope) &&
                item.recordType === 'decision' &&
                item.policyId === policy.policyId &&
                item.outcome === 'terminated' &&
                item.conditionAt !== undefined,
            )
            .map(
              (item) =>
                Math.max(0, Date.parse(item.completedAt ?? item.at) - Date.parse(item.conditionAt as string)) / 1000,
            )
            .sort((left, right) => left - right);
          const rank = (fraction: number) => seconds[Math.ceil(fraction * seconds.length) - 1];
          expect(policy.timeToEnforce).toEqual(
            seconds.length === 0
              ? { count: 0 }
              : { count: seconds.length, median: rank(0.5), p95: rank(0.95), max: seconds[seconds.length - 1] },
          );
          if (seconds.length > 0) {
            expect(policy.timeToEnforce.median).toBeGreaterThanOrEqual(seconds[0] as number);
            expect(policy.timeToEnforce.max).toBeLessThanOrEqual(seconds[seconds.length - 1] as number);
          }
        }
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
