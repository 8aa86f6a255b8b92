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
 * The codec is hand-written rather than a general XML library because IAK's documents use a small
 * part of XML, and a client bundle should not carry the rest (fast-xml-parser and its dependencies
 * took about 23 kB gzip, this codec takes 4). Reading is one pass with an explicit stack, so its
 * cost is linear in the length and nesting costs no call stack. It is strict where being lenient
 * would be a risk or a guess:
 * - well-formedness is checked as the document is read: a mismatched closing tag (IAK's own
 *   `<no_registrasi>…</daya>` sample) or anything after the root is refused, not repaired;
 * - a DOCTYPE is refused (no entity definitions, so no billion laughs); only the five predefined
 *   entities and numeric character references are decoded, any other `&name;` stays as written;
 * - size and nesting are bounded, and characters XML cannot carry are refused;
 * - an element holding both text and elements is refused: IAK never sends one, and there is no
 *   JSON shape to give it.
 * Text is otherwise read as fast-xml-parser read it, so results did not change with it: each run of
 * text is trimmed, CDATA is kept verbatim, attributes, comments and processing instructions are
 * checked and dropped, and a repeated element becomes an array wherever it is.
 */
import {
  type BuildValue,
  decodeXmlText,
  emptyListChildren,
  IAK_XML_ARRAY_PATHS,
  IakXmlError,
  iakJsonForm,
  isElementName,
  isNameChar,
  isNameStart,
  isRecord,
  MAX_BUILD_DEPTH,
  toBuildValue,
  type XmlTree,
  type XmlValue,
  xmlContent,
} from './iak-xml-form.js';

export { IAK_XML_ARRAY_PATHS, IAK_XML_WRAPPED_DATA_KEYS, IakXmlError } from './iak-xml-form.js';

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

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Would reach `Object.prototype` through the result object; refused, as fast-xml-parser did. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An own property with one of these names would shadow the method every consumer calls implicitly
 * (`${value}` calls `toString`); renamed with a `__` prefix, as fast-xml-parser did, so results stay
 * what they were.
 */
const SHADOWING_NAMES: ReadonlySet<string> = new Set([
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Longest entity name accepted after `&`: fast-xml-parser's validator refused longer ones, and no
 * name IAK could send (the predefined five, an HTML name left as written) comes near it.
 */
const MAX_ENTITY_NAME_LENGTH = 20;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** ASCII subset of XML names, colon included (namespaced attributes such as `xmlns:xsi`). */
function isReadNameStart(c: number): boolean {
  return isNameStart(c) || c === 58;
}

function isReadNameChar(c: number): boolean {
  return isNameChar(c) || c === 58;
}

/** Index just past the name starting at `at` (`at` itself when there is none). */
function nameEnd(source: string, at: number): number {
  if (!isReadNameStart(source.charCodeAt(at))) return at;
  let end = at + 1;
  while (isReadNameChar(source.charCodeAt(end))) end++;
  return end;
}

function skipSpace(source: string, at: number): number {
  while (isSpace(source.charCodeAt(at))) at++;
  return at;
}

/** Code units taken by the XML character at `at`: 1, 2 for a surrogate pair, 0 for none. */
function xmlCharLength(source: string, at: number): number {
  const c = source.charCodeAt(at);
  if (c >= 0x20 && c < 0xd800) return 1;
  if (c === 0x9 || c === 0xa || c === 0xd || (c >= 0xe000 && c <= 0xfffd)) return 1;
  if (c >= 0xd800 && c <= 0xdbff) {
    const low = source.charCodeAt(at + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 0;
}

/** 1-based; only computed for an error, so reading stays linear. */
function positionOf(source: string, at: number): { line: number; col: number } {
  let line = 1;
  for (let nl = source.indexOf('\n'); nl !== -1 && nl < at; nl = source.indexOf('\n', nl + 1)) line++;
  const col = at - (at === 0 ? 0 : source.lastIndexOf('\n', at - 1) + 1) + 1;
  return { line, col };
}

function errorAt(source: string, at: number, message: string): IakXmlError {
  const { line, col } = positionOf(source, at);
  return new IakXmlError(`${message} (line ${line}, column ${col})`, { line, col });
}

function checkChars(source: string, from: number, to: number): void {
  for (let at = from; at < to; ) {
    const length = xmlCharLength(source, at);
    if (length === 0) throw notXmlChar(source, at);
    at += length;
  }
}

function notXmlChar(source: string, at: number): IakXmlError {
  const code = source.codePointAt(at)!.toString(16).toUpperCase().padStart(4, '0');
  return errorAt(source, at, `Malformed IAK XML: U+${code} is not an XML character`);
}

/** Index of the `;` closing the reference that starts with the `&` at `at`. */
function referenceEnd(source: string, at: number): number {
  let end = at + 1;
  if (source.charCodeAt(end) === 0x23) {
    end++;
    const hex = source.charCodeAt(end) === 0x78;
    if (hex) end++;
    const digits = end;
    while (hex ? isHexDigit(source.charCodeAt(end)) : isDigit(source.charCodeAt(end))) end++;
    if (end > digits && source.charCodeAt(end) === 0x3b) return end;
  } else if (isNameStart(source.charCodeAt(end))) {
    const name = end;
    while (end - name < MAX_ENTITY_NAME_LENGTH && (isNameStart(source.charCodeAt(end)) || isDigit(source.charCodeAt(end)))) end++;
    if (source.charCodeAt(end) === 0x3b) return end;
  }
  throw errorAt(source, at, "Malformed IAK XML: '&' does not start a character or entity reference");
}

/** Character data of an element or an attribute value: XML characters, references, no `<`, no `]]>`. */
function checkText(source: string, from: number, to: number): void {
  for (let at = from; at < to; ) {
    const c = source.charCodeAt(at);
    if (c === 0x26) {
      at = referenceEnd(source, at) + 1;
    } else if (c === 0x3c) {
      throw errorAt(source, at, "Malformed IAK XML: '<' is not allowed in an attribute value");
    } else if (c === 0x5d && source.startsWith(']]>', at)) {
      throw errorAt(source, at, "Malformed IAK XML: ']]>' is not allowed in text");
    } else {
      const length = xmlCharLength(source, at);
      if (length === 0) throw notXmlChar(source, at);
      at += length;
    }
  }
}

/**
 * Reads `(S name S? = S? quoted-value)* S?` from `at` and returns where the tag's closing
 * delimiter starts. Attributes are checked, not kept: IAK's data is all in elements.
 */
function skipAttributes(source: string, at: number): number {
  let seen: Set<string> | undefined;
  for (;;) {
    const next = skipSpace(source, at);
    const c = source.charCodeAt(next);
    if (c === 0x3e || c === 0x2f || c === 0x3f) return next;
    const end = nameEnd(source, next);
    if (next === at || end === next) {
      const what = Number.isNaN(c) ? 'the document ends inside a tag' : `unexpected ${JSON.stringify(source[next])} in a tag`;
      throw errorAt(source, next, `Malformed IAK XML: ${what}`);
    }
    const name = source.slice(next, end);
    seen ??= new Set();
    if (seen.has(name)) throw errorAt(source, next, `Malformed IAK XML: attribute '${name}' is repeated`);
    seen.add(name);
    const equals = skipSpace(source, end);
    if (source.charCodeAt(equals) !== 0x3d) throw errorAt(source, next, `Malformed IAK XML: attribute '${name}' has no value`);
    const open = skipSpace(source, equals + 1);
    const quote = source[open];
    if (quote !== '"' && quote !== "'") throw errorAt(source, open, `Malformed IAK XML: the value of attribute '${name}' is not quoted`);
    const close = source.indexOf(quote, open + 1);
    if (close === -1) throw errorAt(source, open, `Malformed IAK XML: the value of attribute '${name}' is not closed`);
    checkText(source, open + 1, close);
    at = close + 1;
  }
}

function normalizeLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

interface OpenElement {
  /** As written, to match the closing tag. */
  readonly name: string;
  /** Property name in the result. */
  readonly key: string;
  readonly path: string;
  /** Index of its `<`, for error positions. */
  readonly start: number;
  children: XmlTree | undefined;
  text: string;
  /**
   * Raw text not yet trimmed and decoded. As in fast-xml-parser, each run of text between tags,
   * CDATA sections and processing instructions is trimmed on its own; comments do not end a run.
   */
  run: string;
}

function endRun(element: OpenElement): void {
  const trimmed = element.run.trim();
  element.run = '';
  if (trimmed !== '') element.text += decodeXmlText(trimmed);
}

/**
 * `emptyLists`: see {@link emptyListChildren}; an empty element on one of its paths is read as its empty list
 * (`<tagihan/>` → `{ detail: [] }`), here rather than in a second pass over the tree.
 */
function addChild(
  parent: OpenElement,
  key: string,
  value: XmlValue,
  path: string,
  arrayPaths: ReadonlySet<string>,
  emptyLists: ReadonlyMap<string, string>,
): void {
  if (value === '' && parent.path !== '') {
    const list = emptyLists.get(path);
    if (list !== undefined) value = { [list]: [] };
  }
  parent.children ??= {};
  const siblings = parent.children;
  if (!Object.hasOwn(siblings, key)) {
    siblings[key] = arrayPaths.has(path) ? [value] : value;
    return;
  }
  const existing = siblings[key]!;
  if (Array.isArray(existing)) existing.push(value);
  else siblings[key] = [existing, value];
}

/**
 * One pass over the document with an explicit stack of open elements, so nesting costs no call
 * stack and every character is looked at a bounded number of times.
 */
function readDocument(source: string, arrayPaths: ReadonlySet<string>, emptyLists: ReadonlyMap<string, string>, maxDepth: number): XmlTree {
  const document: OpenElement = { name: '', key: '', path: '', start: 0, children: undefined, text: '', run: '' };
  const stack: OpenElement[] = [];
  let current = document;
  let at = 0;

  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const textEnd = lt === -1 ? source.length : lt;
    if (current === document) {
      for (let i = at; i < textEnd; i++) {
        if (!isSpace(source.charCodeAt(i))) throw errorAt(source, i, 'Malformed IAK XML: text outside the root element');
      }
    } else if (textEnd > at) {
      checkText(source, at, textEnd);
      // Line ends are normalised piece by piece, as XML does before any markup is read: a CR before a comment
      // and an LF after it are two line ends, not one CRLF.
      current.run += normalizeLineEnds(source.slice(at, textEnd));
    }
    if (lt === -1) break;

    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('--', lt + 4);
      if (end === -1) throw errorAt(source, lt, 'Malformed IAK XML: comment is not closed');
      if (source.charCodeAt(end + 2) !== 0x3e) throw errorAt(source, end, "Malformed IAK XML: '--' inside a comment");
      checkChars(source, lt + 4, end);
      at = end + 3;
    } else if (source.startsWith('<![CDATA[', lt)) {
      if (current === document) throw errorAt(source, lt, 'Malformed IAK XML: CDATA section outside the root element');
      const end = source.indexOf(']]>', lt + 9);
      if (end === -1) throw errorAt(source, lt, 'Malformed IAK XML: CDATA section is not closed');
      checkChars(source, lt + 9, end);
      endRun(current);
      current.text += normalizeLineEnds(source.slice(lt + 9, end));
      at = end + 3;
    } else if (source.startsWith('<!DOCTYPE', lt)) {
      throw errorAt(source, lt, 'DOCTYPE declarations are not accepted in IAK XML');
    } else if (source.startsWith('<!', lt)) {
      throw errorAt(source, lt, "Malformed IAK XML: '<!' starts neither a comment nor a CDATA section");
    } else if (source.startsWith('<?', lt)) {
      // Read as pseudo-attributes, like the declaration and xml-stylesheet: the only instructions a
      // web service sends, and what keeps `?>` inside quotes from being mistaken for the end.
      const targetEnd = nameEnd(source, lt + 2);
      if (targetEnd === lt + 2) throw errorAt(source, lt, 'Malformed IAK XML: processing instruction without a target');
      if (lt !== 0 && source.slice(lt + 2, targetEnd).toLowerCase() === 'xml') {
        throw errorAt(source, lt, 'Malformed IAK XML: the XML declaration is only allowed at the start of the document');
      }
      const end = skipAttributes(source, targetEnd);
      if (!source.startsWith('?>', end) || source.indexOf('?>', lt) !== end) {
        throw errorAt(source, lt, 'Malformed IAK XML: processing instruction is not closed');
      }
      endRun(current);
      at = end + 2;
    } else if (source.startsWith('</', lt)) {
      const end = nameEnd(source, lt + 2);
      const name = source.slice(lt + 2, end);
      const close = skipSpace(source, end);
      if (end === lt + 2 || source.charCodeAt(close) !== 0x3e)
        throw errorAt(source, lt, `Malformed IAK XML: closing tag '${name}' is not well formed`);
      if (current === document) throw errorAt(source, lt, `Malformed IAK XML: closing tag '${name}' has not been opened`);
      if (name !== current.name) {
        const opened = positionOf(source, current.start);
        throw errorAt(
          source,
          lt,
          `Malformed IAK XML: Expected closing tag '${current.name}' (opened in line ${opened.line}, col ${opened.col}) instead of closing tag '${name}'.`,
        );
      }
      endRun(current);
      if (current.children !== undefined && current.text !== '') {
        throw errorAt(source, current.start, `Malformed IAK XML: <${name}> mixes text with elements, which IAK never sends`);
      }
      const element = current;
      stack.pop();
      current = stack[stack.length - 1] ?? document;
      addChild(current, element.key, element.children ?? element.text, element.path, arrayPaths, emptyLists);
      at = close + 1;
    } else {
      const end = nameEnd(source, lt + 1);
      if (end === lt + 1) throw errorAt(source, lt, "Malformed IAK XML: '<' not followed by an element name");
      const name = source.slice(lt + 1, end);
      const close = skipAttributes(source, end);
      const selfClosing = source.startsWith('/>', close);
      if (!selfClosing && source.charCodeAt(close) !== 0x3e) throw errorAt(source, close, `Malformed IAK XML: tag '${name}' is not closed`);
      if (current === document && document.children !== undefined)
        throw errorAt(source, lt, 'Malformed IAK XML: more than one root element');
      if (stack.length >= maxDepth) throw errorAt(source, lt, `IAK XML elements are nested deeper than ${maxDepth} levels`);
      if (PROTOTYPE_NAMES.has(name)) throw errorAt(source, lt, `IAK XML element name '${name}' is not accepted`);
      const key = SHADOWING_NAMES.has(name) ? `__${name}` : name;
      const path = current === document ? key : `${current.path}.${key}`;
      endRun(current);
      if (selfClosing) {
        addChild(current, key, '', path, arrayPaths, emptyLists);
      } else {
        current = { name, key, path, start: lt, children: undefined, text: '', run: '' };
        stack.push(current);
      }
      at = close + (selfClosing ? 2 : 1);
    }
  }

  if (current !== document) throw errorAt(source, current.start, `Malformed IAK XML: unclosed tag '${current.name}'`);
  if (document.children === undefined) throw errorAt(source, source.length, 'Malformed IAK XML: no root element');
  return document.children;
}

function integerOption(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw new TypeError(`parseIakXml: ${name} must be an integer of at least ${min}, got ${String(value)}`);
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

  return iakJsonForm(readDocument(source, new Set(arrayPaths), emptyListChildren(arrayPaths), maxDepth), undefined, form);
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

/** The XML declaration IAK's request samples use. */
export const IAK_XML_DECLARATION = '<?xml version="1.0" ?>';

const TEXT_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
});

/**
 * The layout fast-xml-builder wrote (and IAK's samples use), kept byte for byte: one element per
 * line, two-space indentation, `<a></a>` for an empty element, all five special characters escaped.
 * Its recursion is bounded by {@link MAX_BUILD_DEPTH}, which {@link toBuildValue} enforces.
 */
function writeElement(name: string, value: BuildValue, indent: string): string {
  if (Array.isArray(value)) return value.map((item) => writeElement(name, item, indent)).join('');
  if (typeof value === 'string') return `${indent}<${name}>${value.replace(/[&<>'"]/g, (ch) => TEXT_ESCAPES[ch]!)}</${name}>\n`;
  let children = '';
  for (const [key, child] of Object.entries(value)) children += writeElement(key, child, `${indent}  `);
  return children === '' ? `${indent}<${name}></${name}>\n` : `${indent}<${name}>\n${children}${indent}</${name}>\n`;
}

/**
 * Serialises a request (`{ commands, username, ..., sign }`) or a response (`{ data, meta? }`) into
 * IAK's XML form: `<?xml version="1.0" ?>` declaration, arrays as repeated elements, text escaped,
 * two-space indentation. A response's `data` fields go directly under the root, except the
 * pricelist's (see {@link IAK_XML_WRAPPED_DATA_KEYS}); `meta` has no XML form and is dropped.
 * `null` becomes an empty element, `undefined` is omitted.
 */
export function buildIakXml(value: object, root = 'mp'): string {
  if (!isRecord(value)) throw new TypeError('buildIakXml: value must be a plain object');
  if (typeof root !== 'string' || !isElementName(root))
    throw new TypeError(`buildIakXml: root ${JSON.stringify(root)} is not a usable XML element name`);

  // The root is level 1: its children may open MAX_BUILD_DEPTH - 1 more levels.
  const tree = toBuildValue(xmlContent(value), root, new Set(), MAX_BUILD_DEPTH - 1)!;
  return `${IAK_XML_DECLARATION}\n${writeElement(root, tree, '')}`;
}
