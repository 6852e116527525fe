import { describe, expect, it } from '@jest/globals';
import { readPolicyImage } from '../../../lambda/adapters/policy-image.js';
import { judgeBatch } from '../../../lambda/run/change-filter.js';
import { parseEnforcerEvent } from '../../../lambda/run/enforcer-event.js';
import { parseStreamBatch } from '../../../lambda/run/stream-batch.js';
import { POLICIES_STREAM_ARN, POLICIES_TABLE, streamRecord } from '../../support/stream-records.js';

const NOW = new Date('2026-11-26T10:00:00Z');
const REVOKED = {
  policyId: 'offboarded',
  kind: 'revoked-user',
  mode: 'enforce',
  endpoints: ['*'],
  usernames: ['mallory'],
  reason: 'left',
};

const parse = (records: unknown[]) => parseStreamBatch(records, POLICIES_TABLE, readPolicyImage);

describe('parseEnforcerEvent', () => {
  it.each([
    [{ scheduledTime: '2026-11-26T10:05:00Z', source: 'schedule' }, 'run'],
    [{ dryRun: true }, 'run'],
    [undefined, 'run'],
    [{ Records: [{}] }, 'stream'],
    [{ continuation: { of: 'run-2026-11-26T10:05:00Z', generation: 1, reason: 'deferred' } }, 'continuation'],
  ])('reads %j as a %s event', (event, shape) => {
    expect(parseEnforcerEvent(event)).toMatchObject({ ok: true, shape });
  });

  it.each([
    [{ Records: [] }, 'Records'],
    [{ Records: 'all' }, 'Records'],
    [{ Records: [{}], extra: 1 }, 'extra'],
    [{ continuation: { of: 'run-x+c1', generation: 1, reason: 'deferred' } }, 'continuation.of'],
    [{ continuation: { of: 'run-x', generation: 0, reason: 'deferred' } }, 'continuation.generation'],
    [{ continuation: { of: 'run-x', generation: 1, reason: 'bored' } }, 'continuation.reason'],
    [{ continuation: { of: 'run-x', generation: 1, reason: 'deferred', dryRun: true } }, 'continuation'],
    [{ scheduledTime: 'yesterday' }, 'scheduledTime'],
  ])('refuses %j naming %s', (event, named) => {
    const parsed = parseEnforcerEvent(event);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues).toContain(named);
  });
});

describe('parseStreamBatch', () => {
  it('reads an insert, a modify and a removal of the policies table, images as the repository reads items', () => {
    // Arrange
    const records = [
      streamRecord({ after: REVOKED }),
      streamRecord({ before: REVOKED, after: { ...REVOKED, mode: 'observe' } }),
      streamRecord({ before: REVOKED }),
    ];

    // Act
    const batch = parse(records);

    // Assert
    expect(batch.rejected).toEqual([]);
    expect(batch.changes.map((change) => change.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(batch.changes[0]).toMatchObject({ keys: { policyId: 'offboarded' }, after: REVOKED });
    expect(batch.changes[0]?.before).toBeUndefined();
    expect(batch.changes[1]).toMatchObject({ before: REVOKED, after: { mode: 'observe' } });
    expect(batch.changes[2]?.after).toBeUndefined();
    expect(batch.changes[0]?.eventSourceArn).toBe(POLICIES_STREAM_ARN);
  });

  it('keeps a number no JavaScript number holds as text, so the row schema refuses it by name', () => {
    const record = streamRecord({ after: { ...REVOKED, maxTerminations: 1 } });
    (record.dynamodb as { NewImage: Record<string, unknown> }).NewImage.maxTerminations = {
      N: '123456789012345678901',
    };

    const [change] = parse([record]).changes;

    expect(change?.after?.maxTerminations).toBe('123456789012345678901');
  });

  it.each<[string, (record: Record<string, unknown>) => unknown, RegExp]>([
    [
      'another table',
      (r) => ({ ...r, eventSourceARN: POLICIES_STREAM_ARN.replace('/p/', '/audit/') }),
      /is not the stream of the policies table p/,
    ],
    [
      'not DynamoDB',
      (r) => ({ ...r, eventSource: 'aws:kinesis' }),
      /eventSource is "aws:kinesis": expected "aws:dynamodb"/,
    ],
    ['no eventSourceARN', (r) => ({ ...r, eventSourceARN: undefined }), /eventSourceARN undefined/],
    ['not an object', () => 'INSERT', /not a DynamoDB Streams record/],
    ['no keys', (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), Keys: undefined } }), /dynamodb\.Keys/],
    ['empty keys', (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), Keys: {} } }), /dynamodb\.Keys is empty/],
    [
      'plain JSON image',
      (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), NewImage: { policyId: 'x' } } }),
      /dynamodb\.NewImage: policyId is not DynamoDB AttributeValue JSON/,
    ],
    [
      'two types in one value',
      (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), NewImage: { policyId: { S: 'x', N: '1' } } } }),
      /NewImage: policyId/,
    ],
    [
      'keys only',
      (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), StreamViewType: 'KEYS_ONLY' } }),
      /view type is KEYS_ONLY: expected NEW_AND_OLD_IMAGES/,
    ],
    [
      'an insert without its image',
      (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), NewImage: undefined } }),
      /INSERT without dynamodb\.NewImage/,
    ],
    ['an unknown event name', (r) => ({ ...r, eventName: 'UPSERT' }), /eventName/],
    [
      'no sequence number',
      (r) => ({ ...r, dynamodb: { ...(r.dynamodb as object), SequenceNumber: undefined } }),
      /SequenceNumber/,
    ],
  ])('rejects a record of %s by name and reads the rest', (_name, spoil, why) => {
    // Arrange
    const good = streamRecord({ after: REVOKED });
    const bad = spoil(streamRecord({ after: REVOKED }));

    // Act
    const batch = parse([bad, good]);

    // Assert
    expect(batch.changes).toHaveLength(1);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]?.index).toBe(0);
    expect(batch.rejected[0]?.why).toMatch(/^record 0/);
    expect(batch.rejected[0]?.why).toMatch(why);
  });

  it('accepts fields AWS may add, such as the userIdentity of a removal by TTL', () => {
    const record = {
      ...streamRecord({ before: REVOKED }),
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    };
    expect(parse([record]).rejected).toEqual([]);
  });
});

describe('judgeBatch', () => {
  it('sorts the changes into those that start a run and those that do not, and spans the batch', () => {
    // Arrange
    const first = streamRecord({ after: { ...REVOKED, mode: 'observe' } });
    const starting = streamRecord({ after: REVOKED });
    const foreign = streamRecord({ after: REVOKED, eventSourceARN: POLICIES_STREAM_ARN.replace('/p/', '/q/') });

    // Act
    const verdict = judgeBatch(parse([first, starting, foreign]), NOW);

    // Assert
    expect(verdict.records).toBe(3);
    expect(verdict.starting.map((effect) => effect.policyId)).toEqual(['offboarded']);
    expect(verdict.unchanged).toEqual(['INSERT offboarded: observe mode: it ends no session']);
    expect(verdict.rejected).toEqual([expect.stringMatching(/^record 2 \(eventID "event-\d+"\): eventSourceARN/)]);
    expect(verdict.span?.first.eventID).toBe(first.eventID);
    expect(verdict.span?.last.eventID).toBe(starting.eventID);
  });
});
