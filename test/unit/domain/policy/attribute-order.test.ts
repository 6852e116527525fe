import { describe, expect, it } from '@jest/globals';
import { POLICY_ATTRIBUTE_ORDER, ROW_SCHEMAS } from '../../../../lambda/domain/index.js';

const KINDS = Object.entries(ROW_SCHEMAS).map(([kind, schema]) => [kind, Object.keys(schema.shape)] as const);

describe('POLICY_ATTRIBUTE_ORDER', () => {
  it('covers every attribute of every kind, each once, and nothing else', () => {
    // Arrange
    const attributes = new Set(KINDS.flatMap(([, names]) => names));

    // Assert
    expect(new Set(POLICY_ATTRIBUTE_ORDER)).toEqual(attributes);
    expect(POLICY_ATTRIBUTE_ORDER).toHaveLength(attributes.size);
  });

  it.each(KINDS)("keeps a %s row's attributes in its schema's order", (_kind, names) => {
    // Act
    const ordered = POLICY_ATTRIBUTE_ORDER.filter((name) => names.includes(name));

    // Assert
    expect(ordered).toEqual(names);
  });

  it('reads key, kind, mode and scope first, then what each kind checks, then the refusal message, placement (accounts, regions), expiry, cap and bookkeeping', () => {
    // Assert
    expect(POLICY_ATTRIBUTE_ORDER).toEqual([
      'policyId',
      'kind',
      'enabled',
      'mode',
      'endpoints',
      'usernames',
      'commonNames',
      'groups',
      'idleMinutes',
      'minBytes',
      'maxSessionMinutes',
      'days',
      'start',
      'end',
      'timezone',
      'maxConnections',
      'message',
      'accounts',
      'regions',
      'expiresAt',
      'maxTerminations',
      'reason',
      'updatedBy',
      'updatedAt',
      'version',
    ]);
  });
});
