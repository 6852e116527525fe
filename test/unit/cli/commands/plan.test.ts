import { describe, expect, it } from '@jest/globals';
import { unknownGroupsNote } from '../../../../cli/commands/plan.js';

describe('unknownGroupsNote', () => {
  it('says nothing while no row in force selects by groups, however many groups are unknown', () => {
    expect(unknownGroupsNote({ unknown: 12, mismatched: 1, selectingRows: [] })).toBeUndefined();
  });

  it('says nothing when every active connection has known groups', () => {
    expect(unknownGroupsNote({ unknown: 0, mismatched: 0, selectingRows: ['contractors-out'] })).toBeUndefined();
  });

  it('counts the connections with unknown groups and names the rows they escape', () => {
    expect(unknownGroupsNote({ unknown: 3, mismatched: 0, selectingRows: ['contractors-out', 'sre-stay'] })).toBe(
      '3 active connections have unknown groups (the client connect handler kept no facts of them): the rows selecting by groups (contractors-out, sre-stay) do not match them through groups.',
    );
  });

  it('says so, in the singular, when facts named another identity than EC2 lists', () => {
    expect(unknownGroupsNote({ unknown: 1, mismatched: 1, selectingRows: ['contractors-out'] })).toBe(
      [
        '1 active connection has unknown groups (the client connect handler kept no facts of it): the rows selecting by groups (contractors-out) do not match it through groups.',
        '1 kept facts name another user name or common name than EC2 lists under the same connection id: not used.',
      ].join('\n'),
    );
  });
});
