/**
 * Policy rows as a hand edit in the DynamoDB console could leave them: wrong types, required
 * attributes gone, sets instead of lists, huge lists, odd unicode, time zones that do not exist,
 * typos, wrong case, wildcards where none is allowed, numbers no row means. Starting from valid
 * rows (the domain's own arbitraries), each case breaks one in realistic ways and checks: parsing
 * never throws, through the DynamoDB item path too; a rejection names the row and the attribute at
 * fault with what is accepted; and the edited row never makes the engine end a connection the
 * intact row would not have.
 *
 * Left out on purpose, by design (DESIGN.md, SECURITY.md): deleting `enabled`, `expiresAt` or the
 * optional selectors of the kinds that apply to everyone when unselected is a change of policy a
 * person may make, not a corruption, and it does widen the row.
 */
import { describe, expect, it } from '@jest/globals';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { unwrapNumbers } from '../../lambda/adapters/DynamoPolicyRepository.js';
import { type Evaluation, evaluate, NO_POLICY_ID, parsePolicyRow } from '../../lambda/domain/index.js';
import { arbRun, arbValidRow, arbValidRows } from '../unit/domain/arbitraries.js';
import { NOW } from '../unit/domain/fixtures.js';
import { FUZZ_SEED, fuzzParameters } from './support/fuzz.js';
import { editsOf, type Row } from './support/hand-edits.js';

/** The row as the enforcer reads it back from DynamoDB, when DynamoDB can hold it at all. */
function throughDynamoDb(row: Row): unknown {
  let item;
  try {
    item = marshall(row, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  } catch {
    return undefined;
  }
  return unwrapNumbers(unmarshall(item, { wrapNumbers: true }));
}

/** Connections some rule wants to end (terminate, would-terminate, or capped), by key. */
function wantedEnded(evaluation: Evaluation): Set<string> {
  return new Set(
    evaluation.decisions
      .filter(
        (decision) =>
          decision.verdict === 'terminate' || decision.verdict === 'would-terminate' || decision.verdict === 'capped',
      )
      .map((decision) => `${decision.connection.endpointId}/${decision.connection.connectionId}`),
  );
}

const arbEdited = arbValidRow.chain((row) => fc.tuple(fc.constant(row), editsOf(row)));

describe(`fuzzing hand-edited policy rows (seed ${FUZZ_SEED})`, () => {
  it('never throws, and every rejection names the row and the attribute at fault with what is accepted (4000 cases)', () => {
    fc.assert(
      fc.property(arbEdited, ([row, edit]) => {
        // Act
        const edited = edit.apply(row);
        const direct = parsePolicyRow(edited);
        const stored = throughDynamoDb(edited);
        const fromTable = stored === undefined ? direct : parsePolicyRow(stored);

        // Assert
        for (const result of [direct, fromTable]) {
          if (result.ok) {
            expect(edit.mustReject).toBe(false);
            continue;
          }
          const { error } = result;
          expect(error.issues.length).toBeGreaterThan(0);
          // The row is named by its id whenever the edit left the id alone.
          if (edit.field !== 'policyId') expect(error.policyId).toBe(row.policyId);
          expect(error.message).toContain(`policy row ${JSON.stringify(error.policyId)}`);
          for (const issue of error.issues) {
            expect(issue.field).not.toBe('');
            expect(issue.expected).not.toBe('');
          }
          const named = error.issues.map((issue) => issue.field.split('.')[0]);
          const accepted = [edit.field, ...(edit.alsoNamed ?? [])];
          if (edit.field !== 'kind') expect(named.some((field) => accepted.includes(field ?? ''))).toBe(true);
          for (const issue of error.issues.slice(0, 10))
            expect(error.message).toContain(`${issue.field}: expected ${issue.expected}`);
        }
      }),
      fuzzParameters(4000),
    );
  });

  it('never ends a connection the intact row would not have; a rejected row is reported by name (2000 cases)', () => {
    const arbCase = fc.tuple(
      arbValidRows,
      fc.nat(),
      fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      arbRun,
      fc.option(fc.nat({ max: 6 }), { nil: undefined }),
    );
    fc.assert(
      fc.property(arbCase, ([rows, pick, editSeeds, [connections, idleState], cap]) => {
        // Arrange: break one row (not an exemption: a broken exemption protects no one, and is reported) with one to three edits.
        const index = pick % rows.length;
        const original = rows[index] as Row;
        fc.pre(original.kind !== 'exempt');
        let edited = original;
        for (const editSeed of editSeeds) {
          const [edit] = fc.sample(editsOf(original), { seed: editSeed, numRuns: 1 });
          if (edit) edited = edit.apply(edited);
        }
        const withEdit = rows.map((row, position) => (position === index ? edited : row));

        // Act
        const intact = evaluate(rows, connections, idleState, NOW, { maxTerminationsPerRun: cap });
        const broken = evaluate(withEdit, connections, idleState, NOW, { maxTerminationsPerRun: cap });

        // Assert
        for (const key of wantedEnded(broken)) expect(wantedEnded(intact)).toContain(key);
        const parsed = parsePolicyRow(edited);
        if (!parsed.ok) {
          expect(broken.findings.map((finding) => finding.policyId)).toContain(parsed.error.policyId);
          if (edited.policyId === original.policyId) expect(parsed.error.policyId).toBe(original.policyId);
          else
            expect(
              parsed.error.policyId === NO_POLICY_ID ||
                typeof edited.policyId !== 'string' ||
                edited.policyId.startsWith(parsed.error.policyId.replace(/…$/, '')),
            ).toBe(true);
        }
      }),
      fuzzParameters(2000),
    );
  });
});
