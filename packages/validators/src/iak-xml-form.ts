/**
 * What an `<mp>` document means in IAK's JSON form, however the XML was read or is written: the error type,
 * the paths that are lists, entity decoding, the mapping between the `<mp>` tree and the JSON message, and
 * the conversion of a JSON value into what XML can hold before it is written. The codec (`iak-xml.ts`) reads
 * and writes the XML around it; the differential test reuses it with the fast-xml-parser reader and builder
 * the codec replaced, so that test compares the reading and writing alone.
 */
import { isPlainObject as isRecord } from './merge-patch.js';

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
  return (
    c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
  );
}

export { isRecord };

/**
 * An empty element whose child is a documented list stands for an empty list: TVBIG answers
 * `<tagihan/>` in XML where its JSON says `"tagihan": {"detail": []}`. Maps the path of each such
 * parent (never the root) to the name of its list; the first array path under a parent wins.
 */
export function emptyListChildren(arrayPaths: readonly string[]): ReadonlyMap<string, string> {
  const lists = new Map<string, string>();
  for (const arrayPath of arrayPaths) {
    const dot = arrayPath.lastIndexOf('.');
    if (dot <= 0) continue;
    const parent = arrayPath.slice(0, dot);
    if (!lists.has(parent)) lists.set(parent, arrayPath.slice(dot + 1));
  }
  return lists;
}

function restoreEmptyLists(node: XmlValue, path: string, lists: ReadonlyMap<string, string>): XmlValue {
  if (Array.isArray(node)) return node.map((item) => restoreEmptyLists(item, path, lists));
  if (typeof node === 'string') {
    const list = node === '' ? lists.get(path) : undefined;
    return list === undefined ? node : { [list]: [] };
  }
  const out: XmlTree = {};
  for (const [key, value] of Object.entries(node)) out[key] = restoreEmptyLists(value, `${path}.${key}`, lists);
  return out;
}

/**
 * A document's tree (root element name → content) as IAK's JSON form: `{ data: {...} }` for responses
 * (pricelist: `{ data: { pasca: [...] } }`), the flat `{ commands, username, ..., sign }` for requests.
 * With `arrayPaths`, empty elements standing for empty lists are restored here (see {@link emptyListChildren});
 * `undefined` when the reader has restored them already.
 */
export function iakJsonForm(parsed: unknown, arrayPaths: readonly string[] | undefined, form: 'auto' | 'request' | 'response'): unknown {
  if (!isRecord(parsed)) throw new IakXmlError('IAK XML document has no root element');
  const rootNames = Object.keys(parsed);
  if (rootNames.length !== 1 || rootNames[0] !== 'mp')
    throw new IakXmlError(`IAK XML root element must be <mp>, got <${rootNames.join('>, <')}>`);
  const mp = parsed['mp'];
  if (mp === '') return form === 'request' ? {} : { data: {} };
  if (!isRecord(mp)) throw new IakXmlError('IAK XML <mp> must contain elements, not text');

  const body = arrayPaths === undefined ? mp : (restoreEmptyLists(mp as XmlTree, 'mp', emptyListChildren(arrayPaths)) as XmlTree);
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

// ---------------------------------------------------------------------------------------------
// Writing: what a JSON value may hold to be written as XML
// ---------------------------------------------------------------------------------------------

export function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Conservative ASCII element names: IAK's field names are all of this form. */
export function isElementName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) return false;
  if (name.length >= 3 && name.slice(0, 3).toLowerCase() === 'xml') return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

function assertXmlText(text: string, path: string): string {
  for (const ch of text) {
    if (!isXmlChar(ch.codePointAt(0)!)) {
      throw new TypeError(
        `buildIakXml: ${path} contains a character that XML 1.0 cannot carry (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
      );
    }
  }
  return text;
}

export type BuildValue = string | BuildTree | BuildValue[];
export type BuildTree = { [key: string]: BuildValue };

/**
 * Elements nest at most this deep, the root being level 1. fast-xml-builder stopped at the same
 * depth; the codec's limit also bounds the recursion below and in its writer.
 */
export const MAX_BUILD_DEPTH = 100;

/**
 * Turns JSON-form values into strings and checks names, so the writer only sees what XML can hold.
 * `levelsLeft`: how many levels of elements may still open below `value`'s element; an object (an element
 * holding elements) is refused when none may. The items of an array are elements on the same level.
 */
export function toBuildValue(value: unknown, path: string, seen: Set<object>, levelsLeft: number): BuildValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return assertXmlText(value, path);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`buildIakXml: ${path} must be a finite number, got ${String(value)}`);
      return String(value);
    case 'object': {
      if (value === null) return '';
      if (seen.has(value)) throw new TypeError(`buildIakXml: ${path} is circular`);
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          const items: BuildValue[] = [];
          value.forEach((item, index) => {
            if (Array.isArray(item)) throw new TypeError(`buildIakXml: ${path}[${index}] is a nested array, which XML cannot express`);
            const built = toBuildValue(item, `${path}[${index}]`, seen, levelsLeft);
            if (built !== undefined) items.push(built);
          });
          return items;
        }
        if (levelsLeft <= 0) throw new TypeError(`buildIakXml: ${path} nests elements more than ${MAX_BUILD_DEPTH} levels deep`);
        const out: BuildTree = {};
        for (const [key, item] of Object.entries(value)) {
          if (!isElementName(key))
            throw new TypeError(`buildIakXml: ${path} has key ${JSON.stringify(key)}, which is not a usable XML element name`);
          const built = toBuildValue(item, `${path}.${key}`, seen, levelsLeft - 1);
          if (built !== undefined) out[key] = built;
        }
        return out;
      } finally {
        seen.delete(value);
      }
    }
    default:
      throw new TypeError(`buildIakXml: ${path} is a ${typeof value}, which XML cannot carry`);
  }
}
