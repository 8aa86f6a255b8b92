/**
 * IAK's `<mp>` XML form of a body whose matchers were derived from the JSON components: the same fields
 * in the same order, every leaf text (so numbers become digit patterns), arrays as one element.
 */
import { MatchersV3, XmlBuilder } from '@pact-foundation/pact';

type XmlElement = Parameters<Parameters<XmlBuilder['build']>[0]>[0];
type Matcher = { 'pact:matcher:type': string; value?: unknown; regex?: string };

const isMatcher = (value: unknown): value is Matcher => value !== null && typeof value === 'object' && 'pact:matcher:type' in value;
const NO_ATTRIBUTES = new Map<string, string>();

function leaf(matcher: Matcher): unknown {
  const value = String(matcher.value);
  switch (matcher['pact:matcher:type']) {
    case 'regex':
      return MatchersV3.regex(String(matcher.regex), value);
    case 'integer':
      return MatchersV3.regex('^-?[0-9]+$', value);
    case 'decimal':
    case 'number':
      return MatchersV3.regex('^-?[0-9]+(\\.[0-9]+)?$', value);
    default:
      return MatchersV3.like(value);
  }
}

function append(element: XmlElement, name: string, value: unknown): void {
  let node = value;
  // Arrays and type-matched objects become their (first) element: IAK's XML has no list markers.
  while (isMatcher(node) && node['pact:matcher:type'] === 'type' && node.value !== null && typeof node.value === 'object')
    node = node.value;
  if (Array.isArray(node)) node = node[0];
  if (node !== null && typeof node === 'object' && !isMatcher(node)) {
    const children = node as Record<string, unknown>;
    element.appendElement(name, NO_ATTRIBUTES, (child: XmlElement) => {
      for (const [key, item] of Object.entries(children)) append(child, key, item);
    });
  } else {
    element.appendElement(name, NO_ATTRIBUTES, (isMatcher(node) ? leaf(node) : String(node)) as string);
  }
}

/** `<?xml …?><mp>…</mp>` with matchers on the leaves. */
export function mpXml(fields: Readonly<Record<string, unknown>>): string {
  return new XmlBuilder('1.0', 'UTF-8', 'mp').build((root) => {
    for (const [name, value] of Object.entries(fields)) append(root, name, value);
  });
}
