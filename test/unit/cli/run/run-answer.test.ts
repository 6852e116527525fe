import { describe, expect, it } from '@jest/globals';
import { CliOperationError } from '../../../../cli/errors.js';
import { decisionRecordsOf, parseRunAnswer } from '../../../../cli/run/run-answer.js';

describe('parseRunAnswer', () => {
  it('reads a report without decisions, its records capped, with what it left out', () => {
    // Arrange
    const payload = JSON.stringify({
      runId: 'manual-2026-11-26T10:00:00.000Z',
      status: 'completed',
      trigger: 'manual',
      records: [
        { recordType: 'decision', connectionId: 'c1', outcome: 'terminated' },
        { recordType: 'invalid-policy', policyId: 'broken', outcome: 'invalid-policy' },
      ],
      recordsOmitted: 1200,
      counts: { terminated: 1201 },
    });

    // Act
    const answer = parseRunAnswer(payload, 'cvpn-guard-enforcer');

    // Assert
    expect(answer).toMatchObject({ runId: 'manual-2026-11-26T10:00:00.000Z', trigger: 'manual', recordsOmitted: 1200 });
    expect(answer.endpointErrors).toEqual([]);
    expect(answer.findings).toEqual([]);
    expect(decisionRecordsOf(answer).map((record) => record.connectionId)).toEqual(['c1']);
  });

  it('counts nothing omitted when the enforcer says nothing of it', () => {
    expect(parseRunAnswer('{"runId":"r","status":"skipped"}', 'f').recordsOmitted).toBe(0);
  });

  it.each([
    ['not JSON', 'oops', /^f answered something that is not JSON \("oops"\): is it the cvpn-guard enforcer\?$/],
    ['without a run id', '{"statusCode":200}', /^f answered without a runId and status/],
    ['null', 'null', /^f answered without a runId and status/],
  ])('refuses an answer %s, naming what came back', (_case, payload, message) => {
    expect(() => parseRunAnswer(payload, 'f')).toThrow(CliOperationError);
    expect(() => parseRunAnswer(payload, 'f')).toThrow(message);
  });
});
