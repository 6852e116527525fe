/** Hand-written XML for the Query-protocol services: escaping and a few element builders. */

/** The declaration AWS puts before every XML answer. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an element body or an attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** `<name>value</name>` with the value escaped; nothing when the value is undefined. */
export function text(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>`, children being XML already; nothing when every child is empty and `keepEmpty` is false. */
export function node(name: string, children: readonly string[], keepEmpty = true): string {
  const body = children.join('');
  return body === '' && !keepEmpty ? '' : `<${name}>${body}</${name}>`;
}

/** `<name><item>…</item>…</name>`: EC2's list shape, each item's children being XML already. */
export function itemList(name: string, items: readonly string[]): string {
  return `<${name}>${items.map((item) => `<item>${item}</item>`).join('')}</${name}>`;
}
