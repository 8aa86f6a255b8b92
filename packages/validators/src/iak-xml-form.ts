/**
 * What an `<mp>` document means in IAK's JSON form, however the XML was read or is written: the error type,
 * the paths that are lists, entity decoding, and the mapping between the `<mp>` tree and the JSON message.
 * The codec (`iak-xml.ts`) reads and writes the XML around it; the differential test reuses it with the
 * fast-xml-parser reader the codec replaced, so that test compares the reading and writing alone.
 */

/** Thrown for input that is not a well-formed, acceptable IAK `<mp>` document. */
export class IakXmlError extends Error {
  override readonly name = 'IakXmlError';
  /** 1-based position of the fault, when the document was read that far. */
  readonly line: number | undefined;
  readonly col: number | undefined;

  constructor(message: string, details: { line?: number; col?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.line = details.line;
    this.col = details.col;
  }
}

/**
 * Element paths (from the root, dot separated) that IAK documents as lists. An element on one of
 * these paths is always an array after parsing, even when it occurs once.
 * - `mp.desc.tagihan.detail`: bills of PLN, telco, internet and TV products (`desc.tagihan.detail[]`).
 * - `mp.desc.bill.detail`: PDAM bills (`desc.bill.detail[]`).
 * - `mp.data.pasca`: pricelist entries (`data.pasca[]`).
 */
export const IAK_XML_ARRAY_PATHS: readonly string[] = Object.freeze(['mp.desc.tagihan.detail', 'mp.desc.bill.detail', 'mp.data.pasca']);

/**
 * `data` keys whose responses keep the `<data>` element in XML. Only the pricelist does
 * (`<mp><data><pasca>…`); every other response puts its fields straight under `<mp>`.
 */
export const IAK_XML_WRAPPED_DATA_KEYS: readonly string[] = Object.freeze(['pasca']);

export type XmlTree = { [key: string]: XmlValue };
export type XmlValue = string | XmlTree | XmlValue[];

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze({
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
});

/** Longest entity or character reference we look for after `&` (`&#x10FFFF;` is 10 characters). */
const MAX_REFERENCE_LENGTH = 10;

function isDigits(text: string, hex: boolean): boolean {
  if (text.length === 0) return false;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const digit = c >= 48 && c <= 57;
    const hexLetter = hex && ((c >= 65 && c <= 70) || (c >= 97 && c <= 102));
    if (!digit && !hexLetter) return false;
  }
  return true;
}

function decodeReference(name: string): string | undefined {
  const named = PREDEFINED_ENTITIES[name];
  if (named !== undefined) return named;
  if (name[0] !== '#') return undefined;
  const hex = name[1] === 'x';
  const digits = name.slice(hex ? 2 : 1);
  if (!isDigits(digits, hex)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  if (!isXmlChar(code)) return undefined;
  return String.fromCodePoint(code);
}

/**
 * Decodes the five predefined entities and numeric character references; anything else that
 * looks like an entity is left as written. Linear in the text length.
 */
export function decodeXmlText(text: string): string {
  let at = text.indexOf('&');
  if (at === -1) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    // Bounded look-ahead keeps this linear even for text full of bare `&`.
    const end = text.slice(at + 1, at + 2 + MAX_REFERENCE_LENGTH).indexOf(';') + at + 1;
    if (end > at) {
      const decoded = decodeReference(text.slice(at + 1, end));
      if (decoded !== undefined) {
        out += text.slice(from, at) + decoded;
        from = end + 1;
        at = text.indexOf('&', from);
        continue;
      }
    }
    at = text.indexOf('&', at + 1);
  }
  return out + text.slice(from);
}

export function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An empty element whose child is a documented list stands for an empty list: TVBIG answers
 * `<tagihan/>` in XML where its JSON says `"tagihan": {"detail": []}`.
 */
function restoreEmptyLists(node: XmlValue, path: string, arrayPaths: readonly string[]): XmlValue {
  if (Array.isArray(node)) return node.map((item) => restoreEmptyLists(item, path, arrayPaths));
  if (typeof node === 'string') {
    if (node !== '') return node;
    for (const arrayPath of arrayPaths) {
      const dot = arrayPath.lastIndexOf('.');
      if (dot > 0 && arrayPath.slice(0, dot) === path) return { [arrayPath.slice(dot + 1)]: [] };
    }
    return node;
  }
  const out: XmlTree = {};
  for (const [key, value] of Object.entries(node)) out[key] = restoreEmptyLists(value, `${path}.${key}`, arrayPaths);
  return out;
}

/**
 * A document's tree (root element name → content) as IAK's JSON form: `{ data: {...} }` for responses
 * (pricelist: `{ data: { pasca: [...] } }`), the flat `{ commands, username, ..., sign }` for requests.
 */
export function iakJsonForm(parsed: unknown, arrayPaths: readonly string[], form: 'auto' | 'request' | 'response'): unknown {
  if (!isRecord(parsed)) throw new IakXmlError('IAK XML document has no root element');
  const rootNames = Object.keys(parsed);
  if (rootNames.length !== 1 || rootNames[0] !== 'mp') throw new IakXmlError(`IAK XML root element must be <mp>, got <${rootNames.join('>, <')}>`);
  const mp = parsed['mp'];
  if (mp === '') return form === 'request' ? {} : { data: {} };
  if (!isRecord(mp)) throw new IakXmlError('IAK XML <mp> must contain elements, not text');

  const body = restoreEmptyLists(mp as XmlTree, 'mp', arrayPaths) as XmlTree;
  const isRequest = form === 'request' || (form === 'auto' && ('commands' in body || 'username' in body));
  if (isRequest) return body;
  if ('data' in body && isRecord(body['data'])) return body;
  return { data: body };
}

/**
 * What goes under the root when a JSON message is written as XML: a request as it is; a response's `data`
 * fields directly, except the pricelist's, which keep their `<data>` (see {@link IAK_XML_WRAPPED_DATA_KEYS}).
 */
export function xmlContent(value: Record<string, unknown>): Record<string, unknown> {
  const data = value['data'];
  if (!isRecord(data) || 'commands' in value || 'username' in value) return value;
  return IAK_XML_WRAPPED_DATA_KEYS.some((key) => key in data) ? { data } : data;
}
