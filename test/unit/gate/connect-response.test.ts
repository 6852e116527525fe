import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REFUSAL_MESSAGE } from '../../../lambda/domain/index.js';
import { connectResponse, displayMessage } from '../../../lambda/gate/index.js';

describe('connectResponse', () => {
  it('answers an admission with every field Client VPN requires', () => {
    expect(connectResponse(true)).toEqual({
      allow: true,
      'error-msg-on-denied-connection': '',
      'posture-compliance-statuses': [],
      'schema-version': 'v2',
    });
  });

  it('answers a refusal with the message, control characters removed', () => {
    expect(connectResponse(false, 'Access\u0000 revoked\n\u001b[31m today ')['error-msg-on-denied-connection']).toBe(
      'Access revoked [31m today',
    );
  });

  it('falls back to the neutral message when there is nothing to show', () => {
    expect(displayMessage(undefined)).toBe(DEFAULT_REFUSAL_MESSAGE);
    expect(displayMessage(' \u0007 ')).toBe(DEFAULT_REFUSAL_MESSAGE);
  });

  it('keeps the message within 255 characters without splitting a surrogate pair', () => {
    // Act
    const message = displayMessage(`${'a'.repeat(254)}😀${'b'.repeat(100)}`);

    // Assert
    expect(message.length).toBeLessThanOrEqual(255);
    expect(message).toBe('a'.repeat(254));
    expect(displayMessage('😀'.repeat(200)).length).toBe(254);
  });
});
