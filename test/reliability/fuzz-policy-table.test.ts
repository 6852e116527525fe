/**
 * Hand-edited rows in the real policies table: copies of the scenario's rows, each broken by one to
 * three edits, are written into the sandbox's DynamoDB as a console edit would store them (sets,
 * NULLs, huge lists, odd unicode…), and the real handler runs over them. The run completes, reports
 * each broken row by name as `invalid-policy`, and ends exactly what the intact rows end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { parsePolicyRow } from '../../lambda/domain/index.js';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { scanAll } from '../support/sandbox-enforcer.js';
import { FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { editsOf, type Row } from './support/hand-edits.js';
import { SandboxLambda } from './support/harness.js';
import { checkInvariants } from './support/invariants.js';
import { expectationOf, POLICIES, scenario, SELECTED_ENV, START } from './support/scenario.js';

/** Intact rows of the scenario (the malformed one left out), and broken copies of them under new ids. */
function brokenCopies(count: number): Row[] {
  const intact = POLICIES.filter((row) => parsePolicyRow(row).ok);
  const arbCopy = fc
    .tuple(fc.constantFrom(...intact), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }))
    .map(([row, seeds]) =>
      seeds.reduce<Row>(
        (edited, seed) => fc.sample(editsOf(row), { seed, numRuns: 1 })[0]?.apply(edited) ?? edited,
        row,
      ),
    );
  return fc
    .sample(arbCopy, { seed: FUZZ_SEED, numRuns: count })
    .map((row, index) => ({ ...row, policyId: `${String(row.policyId ?? 'no-id')}-edit-${index}` }))
    .filter((row) => {
      try {
        marshall(row, { removeUndefinedValues: true, convertClassInstanceToMap: true });
        return true;
      } catch {
        return false; // DynamoDB could not hold it: no console edit leaves it there
      }
    });
}

describe(`hand-edited rows in the policies table (seed ${FUZZ_SEED})`, () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('a run over 200 broken copies completes, names each rejected row, and ends only what the intact rows end', async () => {
    // Arrange
    const expectation = expectationOf(sandbox);
    const copies = brokenCopies(fuzzParameters(200).numRuns);
    await sandbox.putItems('policies', copies);
    const rejected = copies.filter((row) => !parsePolicyRow(row).ok).map((row) => String(row.policyId));
    const lambda = new SandboxLambda(sandbox, {
      env: { ...SELECTED_ENV, CVPN_GUARD_MAX_TERMINATIONS_PER_RUN: '1000' },
    });

    // Act
    const result = await lambda.invoke();

    // Assert
    expect(result.ok && result.report.status).toBe('completed');
    if (!result.ok) return;
    expect(copies.length).toBeGreaterThan(150);
    expect(rejected.length).toBeGreaterThan(100);
    const invalid = (await scanAll(lambda.clients, sandbox.tables.audit)).filter(
      (item) => item.outcome === 'invalid-policy',
    );
    const named = invalid.map((item) => String(item.policyId));
    for (const policyId of rejected) expect(named).toContain(policyId);
    for (const item of invalid) expect(String(item.errorMessage)).toMatch(/^[\w.()[\] -]+: expected /);
    expect(result.report.counts.terminated).toBe(expectation.targets.size);
    expect((await checkInvariants(sandbox, lambda.clients, expectation, { settled: true })).violations).toEqual([]);
  });
});
