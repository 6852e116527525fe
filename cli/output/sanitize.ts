/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAK = /\r\n|[\n\r\t]/g;

/**
 * Text that came from outside (user names and common names come from VPN clients) as safe to print on
 * a terminal: control characters and bidirectional overrides, which could move the cursor, recolour
 * the screen or disguise a name, are shown as `\u{…}` escapes.
 */
export function safeText(text: string): string {
  return text.replace(CONTROL, (character) => `\\u{${character.codePointAt(0)!.toString(16)}}`);
}

/** {@link safeText} on one line: line breaks and tabs become spaces (table cells). */
export function safeCell(text: string): string {
  return safeText(text.replace(LINE_BREAK, ' '));
}
