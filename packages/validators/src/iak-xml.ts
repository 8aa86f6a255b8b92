/**
 * IAK's `<mp>` XML form, converted to and from the JSON form of the same message.
 *
 * IAK accepts and answers every postpaid command either as JSON or as XML with root `<mp>`. The XML
 * form differs from the JSON form in three ways this codec undoes:
 * - responses put the fields of `data` directly under `<mp>` (no `<data>` wrapper), except the
 *   pricelist, whose XML keeps `<mp><data><pasca>…`;
 * - XML has no arrays: one bill is a single `<detail>`, several bills are sibling `<detail>`s, so
 *   the paths IAK documents as lists are named explicitly in {@link IAK_XML_ARRAY_PATHS};
 * - XML has no types: every value stays a string (numbers are never guessed, `"09128374655"` keeps
 *   its leading zero). Money is converted later, by the client, from strings or JSON numbers alike.
 *
 * Parsing is done by fast-xml-parser after its well-formedness validator; a DOCTYPE is refused
 * (no entity definitions, so no billion laughs), only the five predefined XML entities and
 * numeric character references are decoded, and size and nesting are bounded.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** Thrown for input that is not a well-formed, acceptable IAK `<mp>` document. */
export class IakXmlError extends Error {
  override readonly name = 'IakXmlError';
  /** 1-based position reported by the XML validator, when it found the fault. */
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

/** Default upper bound on the document length, in UTF-16 code units (a full pricelist is far below it). */
export const IAK_XML_DEFAULT_MAX_LENGTH = 5_000_000;

/** Default upper bound on element nesting; IAK documents are at most six levels deep. */
export const IAK_XML_DEFAULT_MAX_DEPTH = 32;

export interface ParseIakXmlOptions {
  /**
   * `response` → `{ data, meta? }`; `request` → the flat request object; `auto` (default) picks
   * `request` when `<mp>` carries `commands` or `username` (responses carry neither).
   */
  form?: 'auto' | 'request' | 'response';
  /** Replaces {@link IAK_XML_ARRAY_PATHS}. */
  arrayPaths?: readonly string[];
  /** Longest accepted document, default {@link IAK_XML_DEFAULT_MAX_LENGTH}. */
  maxLength?: number;
  /** Deepest accepted element nesting, `<mp>` included (at least 2), default {@link IAK_XML_DEFAULT_MAX_DEPTH}. */
  maxDepth?: number;
}

type XmlTree = { [key: string]: XmlValue };
type XmlValue = string | XmlTree | XmlValue[];

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
function decodeXmlText(text: string): string {
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

/**
 * fast-xml-parser hands every DOCTYPE it meets to `addInputEntities`; refusing there rejects all
 * DOCTYPEs, whether or not they define entities. IAK never sends one.
 */
const entityDecoder = {
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new IakXmlError('DOCTYPE declarations are not accepted in IAK XML');
  },
  reset(): void {},
  decode: decodeXmlText,
  setXmlVersion(): void {},
};

const parserCache = new Map<string, XMLParser>();

function parserFor(arrayPaths: readonly string[], maxDepth: number): XMLParser {
  const key = `${maxDepth}\u0000${arrayPaths.join('\u0000')}`;
  let parser = parserCache.get(key);
  if (parser === undefined) {
    const arrays = new Set(arrayPaths);
    parser = new XMLParser({
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      processEntities: true,
      htmlEntities: false,
      entityDecoder,
      // fast-xml-parser's limit counts the levels below the first element.
      maxNestedTags: maxDepth - 1,
      jPath: true,
      isArray: (_tagName, jPath) => typeof jPath === 'string' && arrays.has(jPath),
    });
    if (parserCache.size > 16) parserCache.clear();
    parserCache.set(key, parser);
  }
  return parser;
}

function isRecord(value: unknown): value is Record<string, unknown> {
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

function integerOption(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new TypeError(`parseIakXml: ${name} must be an integer of at least ${min}, got ${String(value)}`);
  return value;
}

/**
 * Parses an IAK XML document into IAK's JSON shape: `{ data: {...} }` for responses (pricelist:
 * `{ data: { pasca: [...] } }`), the flat `{ commands, username, ..., sign }` for requests.
 * Every leaf is a string. Throws {@link IakXmlError} for malformed or refused input.
 */
export function parseIakXml(text: string, options: ParseIakXmlOptions = {}): unknown {
  if (typeof text !== 'string') {
    throw new TypeError(`parseIakXml: text must be a string, got ${text === null ? 'null' : typeof text}`);
  }
  const maxLength = integerOption(options.maxLength, IAK_XML_DEFAULT_MAX_LENGTH, 1, 'maxLength');
  const maxDepth = integerOption(options.maxDepth, IAK_XML_DEFAULT_MAX_DEPTH, 2, 'maxDepth');
  const arrayPaths = options.arrayPaths ?? IAK_XML_ARRAY_PATHS;
  const form = options.form ?? 'auto';

  if (text.length > maxLength) {
    throw new IakXmlError(`IAK XML document is ${text.length} characters long, above the limit of ${maxLength}`);
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  // The parser alone accepts mismatched closing tags (e.g. IAK's own `<no_registrasi>…</daya>`
  // sample), so well-formedness is checked first.
  const verdict = XMLValidator.validate(source);
  if (verdict !== true) {
    throw new IakXmlError(`Malformed IAK XML: ${verdict.err.msg} (line ${verdict.err.line}, column ${verdict.err.col})`, {
      line: verdict.err.line,
      col: verdict.err.col,
    });
  }

  let parsed: unknown;
  try {
    parsed = parserFor(arrayPaths, maxDepth).parse(source);
  } catch (error) {
    if (error instanceof IakXmlError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new IakXmlError(`Malformed IAK XML: ${message}`, { cause: error });
  }

  if (!isRecord(parsed)) throw new IakXmlError('IAK XML document has no root element');
  const rootNames = Object.keys(parsed);
  if (rootNames.length !== 1 || rootNames[0] !== 'mp') {
    throw new IakXmlError(`IAK XML root element must be <mp>, got <${rootNames.join('>, <')}>`);
  }
  const mp = parsed['mp'];
  if (mp === '') return form === 'request' ? {} : { data: {} };
  if (!isRecord(mp)) throw new IakXmlError('IAK XML <mp> must contain elements, not text');

  const body = restoreEmptyLists(mp as XmlTree, 'mp', arrayPaths) as XmlTree;
  const isRequest = form === 'request' || (form === 'auto' && ('commands' in body || 'username' in body));
  if (isRequest) return body;
  if ('data' in body && isRecord(body['data'])) return body;
  return { data: body };
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** Conservative ASCII element names: IAK's field names are all of this form. */
function isElementName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) return false;
  if (name.length >= 3 && name.slice(0, 3).toLowerCase() === 'xml') return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function assertXmlText(text: string, path: string): string {
  for (const ch of text) {
    if (!isXmlChar(ch.codePointAt(0)!)) {
      throw new TypeError(`buildIakXml: ${path} contains a character that XML 1.0 cannot carry (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
    }
  }
  return text;
}

type BuildValue = string | BuildTree | BuildValue[];
type BuildTree = { [key: string]: BuildValue };

/** Turns JSON-form values into strings and checks names, so the builder only sees what XML can hold. */
function toBuildValue(value: unknown, path: string, seen: Set<object>): BuildValue | undefined {
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
            const built = toBuildValue(item, `${path}[${index}]`, seen);
            if (built !== undefined) items.push(built);
          });
          return items;
        }
        const out: BuildTree = {};
        for (const [key, item] of Object.entries(value)) {
          if (!isElementName(key)) throw new TypeError(`buildIakXml: ${path} has key ${JSON.stringify(key)}, which is not a usable XML element name`);
          const built = toBuildValue(item, `${path}.${key}`, seen);
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

/** The XML declaration IAK's request samples use. */
export const IAK_XML_DECLARATION = '<?xml version="1.0" ?>';

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

/**
 * Serialises a request (`{ commands, username, ..., sign }`) or a response (`{ data, meta? }`) into
 * IAK's XML form: `<?xml version="1.0" ?>` declaration, arrays as repeated elements, text escaped,
 * two-space indentation. A response's `data` fields go directly under the root, except the
 * pricelist's (see {@link IAK_XML_WRAPPED_DATA_KEYS}); `meta` has no XML form and is dropped.
 * `null` becomes an empty element, `undefined` is omitted.
 */
export function buildIakXml(value: object, root = 'mp'): string {
  if (!isRecord(value)) throw new TypeError('buildIakXml: value must be a plain object');
  if (typeof root !== 'string' || !isElementName(root)) throw new TypeError(`buildIakXml: root ${JSON.stringify(root)} is not a usable XML element name`);

  let content: Record<string, unknown> = value;
  const data = value['data'];
  if (isRecord(data) && !('commands' in value) && !('username' in value)) {
    const keepWrapper = IAK_XML_WRAPPED_DATA_KEYS.some((key) => key in data);
    content = keepWrapper ? { data } : data;
  }
  const tree = toBuildValue(content, root, new Set());
  const xml: string = builder.build({ [root]: tree });
  return `${IAK_XML_DECLARATION}\n${xml}`;
}
