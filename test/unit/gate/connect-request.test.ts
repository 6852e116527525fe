import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import { escapeField, readConnectRequest, requestFieldsForLog } from '../../../lambda/gate/index.js';
import { ENDPOINT_A } from '../domain/fixtures.js';
import { connectRequest } from './support.js';

describe('readConnectRequest', () => {
  it('reads a well-formed v2 request as an attempt, and the client versions beside it', () => {
    expect(readConnectRequest(connectRequest())).toEqual({
      wellFormed: true,
      problems: [],
      attempt: {
        endpointId: ENDPOINT_A,
        connectionId: 'cvpn-connection-0123456789abcdef0',
        username: 'alice',
        commonName: 'alice-laptop',
        groups: ['staff'],
        platform: 'macos',
        publicIp: '198.51.100.7',
      },
      client: { platformVersion: '15.1', clientOpenVpnVersion: '2.6.12' },
    });
  });

  it('reads groups sent as one text of names separated by commas, as well as a list', () => {
    expect(readConnectRequest(connectRequest({ groups: ' engineering, vpn-users ,' }))).toMatchObject({
      wellFormed: true,
      attempt: { groups: ['engineering', 'vpn-users'] },
    });
    expect(readConnectRequest(connectRequest({ groups: '' })).attempt?.groups).toEqual([]);
    expect(readConnectRequest(connectRequest({ groups: ['engineering'] })).attempt?.groups).toEqual(['engineering']);
  });

  it('reads an empty user name (certificate authentication) as none', () => {
    expect(readConnectRequest(connectRequest({ username: '' })).attempt?.username).toBeUndefined();
  });

  it('still reads the identity of a malformed request, and says what is wrong', () => {
    // Act
    const read = readConnectRequest({ username: 'alice', 'endpoint-id': 7, groups: ['a', 3] });

    // Assert
    expect(read.wellFormed).toBe(false);
    expect(read.attempt).toMatchObject({ username: 'alice', endpointId: '', groups: ['a'] });
    expect(read.problems.join('; ')).toContain('endpoint-id');
  });

  it.each([
    ['a comma-separated text', 'staff, vendors,,', ['staff', 'vendors']],
    ['an empty text', '', []],
    ['a list', ['staff', 'vendors'], ['staff', 'vendors']],
  ])('reads groups sent as %s', (_, groups, expected) => {
    const read = readConnectRequest(connectRequest({ groups }));

    expect(read.wellFormed).toBe(true);
    expect(read.attempt?.groups).toEqual(expected);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (event) => {
        expect(typeof readConnectRequest(event).wellFormed).toBe('boolean');
        expect(typeof requestFieldsForLog(event)).toBe('object');
      }),
    );
  });
});

describe('escapeField', () => {
  it('escapes control characters and truncates to 256 characters', () => {
    expect(escapeField('a\nb\u001b[0m\u2028')).toBe('a\\u000ab\\u001b[0m\\u2028');
    expect(escapeField('x'.repeat(1000))).toHaveLength(256);
  });
});
