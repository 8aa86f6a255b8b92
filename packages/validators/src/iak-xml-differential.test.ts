/**
 * The hand-written `<mp>` codec against the fast-xml-parser configuration it replaced, kept here as
 * the oracle (fast-xml-parser is a devDependency for this file only). The rule: whatever the new
 * reader accepts, the old one accepted with the same result; whatever it refuses, it refuses with an
 * IakXmlError. The builder must write the old bytes exactly.
 *
 * Input the old codec accepted and the new one refuses on purpose (asserted in "deliberate refusals"):
 * - an element holding both text and elements (fast-xml-parser made a `#text` key of the text);
 * - element, attribute and entity names outside ASCII, entity names starting with a digit, `&#;`;
 * - a self-closing element one level deeper than `maxDepth` (fast-xml-parser only counted open tags);
 * - anything but whitespace, comments and processing instructions after a self-closing root, or an
 *   entity reference after the root (its validator only looked for text after a closing root tag);
 * - characters XML cannot carry, `]]>` in text, `--` in a comment, `<` in an attribute value;
 * - an XML declaration inside the root, markup starting `<!` other than a comment or CDATA, CDATA
 *   outside the root, a processing instruction that is not a target name and pseudo-attributes
 *   (`name="value"`, as in the declaration; fast-xml-parser did not look inside them).
 * And one the builder refuses differently: an element holding elements deeper than 100 levels
 * (fast-xml-builder threw a plain Error, the new builder a TypeError, as for other unusable values).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  buildIakXml,
  IAK_XML_ARRAY_PATHS,
  IAK_XML_DECLARATION,
  IAK_XML_DEFAULT_MAX_DEPTH,
  IakXmlError,
  type ParseIakXmlOptions,
  parseIakXml,
} from './iak-xml.js';
import { decodeXmlText, iakJsonForm, isRecord, toBuildValue, type XmlTree, type XmlValue, xmlContent } from './iak-xml-form.js';

// ---------------------------------------------------------------------------------------------
// The oracle: fast-xml-parser reading and writing as the codec did, options unchanged. What the
// document means (entities, lists, the JSON form: iak-xml-form.ts) did not change and is shared.
// ---------------------------------------------------------------------------------------------

const oracleEntityDecoder = {
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new IakXmlError('DOCTYPE declarations are not accepted in IAK XML');
  },
  reset(): void {},
  decode: decodeXmlText,
  setXmlVersion(): void {},
};

function oracleParser(arrayPaths: readonly string[], maxDepth: number): XMLParser {
  const arrays = new Set(arrayPaths);
  return new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    entityDecoder: oracleEntityDecoder,
    maxNestedTags: maxDepth - 1,
    jPath: true,
    isArray: (_tagName, jPath) => typeof jPath === 'string' && arrays.has(jPath),
  });
}

function oracleParse(text: string, options: ParseIakXmlOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? IAK_XML_DEFAULT_MAX_DEPTH;
  const arrayPaths = options.arrayPaths ?? IAK_XML_ARRAY_PATHS;
  const form = options.form ?? 'auto';
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const verdict = XMLValidator.validate(source);
  if (verdict !== true) throw new IakXmlError(`Malformed IAK XML: ${verdict.err.msg}`, { line: verdict.err.line, col: verdict.err.col });
  let parsed: unknown;
  try {
    parsed = oracleParser(arrayPaths, maxDepth).parse(source);
  } catch (error) {
    if (error instanceof IakXmlError) throw error;
    throw new IakXmlError(`Malformed IAK XML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return iakJsonForm(parsed, arrayPaths, form);
}

const oracleBuilder = new XMLBuilder({
  ignoreAttributes: true,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
  processEntities: true,
});

/** The codec's conversion without its depth limit: fast-xml-builder's own limit is the one that applies. */
function oracleBuild(value: Record<string, unknown>): string {
  return `${IAK_XML_DECLARATION}\n${oracleBuilder.build({ mp: toBuildValue(xmlContent(value), 'mp', new Set(), Number.POSITIVE_INFINITY) })}`;
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The new reader accepts only what the oracle accepted, with the oracle's result, and refuses with IakXmlError. */
function expectNoLaxerThanOracle(xml: string, options?: ParseIakXmlOptions): { oracle: Outcome; codec: Outcome } {
  const codec = outcome(() => parseIakXml(xml, options));
  const oracle = outcome(() => oracleParse(xml, options));
  if (codec.ok) {
    expect(oracle, `oracle on ${JSON.stringify(xml)}`).toEqual(codec);
  } else {
    expect(codec.error, `error for ${JSON.stringify(xml)}`).toBeInstanceOf(IakXmlError);
  }
  return { oracle, codec };
}

/** Same verdict and same result. */
function expectSameAsOracle(xml: string, options?: ParseIakXmlOptions): void {
  const { oracle, codec } = expectNoLaxerThanOracle(xml, options);
  expect(
    codec.ok,
    `verdicts on ${JSON.stringify(xml)}: oracle ${oracle.ok ? 'accepts' : String((oracle as { error: unknown }).error)}`,
  ).toBe(oracle.ok);
}

function expectOnlyOracleAccepts(xml: string, options?: ParseIakXmlOptions): void {
  expect(() => oracleParse(xml, options), JSON.stringify(xml)).not.toThrow();
  expect(() => parseIakXml(xml, options), JSON.stringify(xml)).toThrow(IakXmlError);
}

function expectSameBuild(value: Record<string, unknown>): string | undefined {
  const codec = outcome(() => buildIakXml(value));
  const oracle = outcome(() => oracleBuild(value));
  expect(codec).toEqual(oracle);
  return codec.ok ? (codec.value as string) : undefined;
}

// ---------------------------------------------------------------------------------------------
// What XML keeps of a JSON value: the expected result of parsing a built document back
// ---------------------------------------------------------------------------------------------

const ARRAY_PATHS = new Set(IAK_XML_ARRAY_PATHS);

function emptyListAt(path: string): XmlValue {
  for (const arrayPath of IAK_XML_ARRAY_PATHS) {
    const dot = arrayPath.lastIndexOf('.');
    if (arrayPath.slice(0, dot) === path) return { [arrayPath.slice(dot + 1)]: [] };
  }
  return '';
}

/** Strings trimmed with their line ends normalised, empty lists gone, single items unwrapped, lists on the array paths kept. */
function xmlImage(value: unknown, path: string): XmlValue | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => elementImage(item, path)).filter((item): item is XmlValue => item !== undefined);
    if (items.length === 0) return undefined;
    return ARRAY_PATHS.has(path) || items.length > 1 ? items : items[0];
  }
  const image = elementImage(value, path)!;
  return ARRAY_PATHS.has(path) ? [image] : image;
}

/** One element's value; an empty one stands for an empty list where its child is a documented list. */
function elementImage(value: unknown, path: string): XmlValue | undefined {
  if (value === undefined) return undefined;
  let image: XmlValue;
  if (isRecord(value)) {
    const out: XmlTree = {};
    for (const [key, item] of Object.entries(value)) {
      const child = xmlImage(item, `${path}.${key}`);
      if (child !== undefined) out[key] = child;
    }
    image = Object.keys(out).length === 0 ? '' : out;
  } else {
    image = (value === null ? '' : String(value)).trim().replace(/\r\n?/g, '\n');
  }
  return image === '' ? emptyListAt(path) : image;
}

function expectedRoundTrip(value: Record<string, unknown>): unknown {
  const body = xmlImage(xmlContent(value), 'mp');
  if (!isRecord(body)) return { data: {} };
  if ('commands' in body || 'username' in body || ('data' in body && isRecord(body['data']))) return body;
  return { data: body };
}

// ---------------------------------------------------------------------------------------------
// Corpus: the recorded IAK samples and the XML of iak-xml.test.ts
// ---------------------------------------------------------------------------------------------

const SAMPLES = fileURLToPath(new URL('../../../conformance/samples/iak/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/iak-xml/', import.meta.url));

const sampleBodies = readdirSync(SAMPLES)
  .filter((name) => name.endsWith('.sample.json'))
  .sort()
  .flatMap((name) => {
    const sample = JSON.parse(readFileSync(SAMPLES + name, 'utf8')) as { messages: Array<Record<string, unknown>> };
    return sample.messages.flatMap((message) =>
      (['raw', 'wire'] as const)
        .filter((key) => typeof message[key] === 'string')
        // `defective`: recorded as IAK published it, not well-formed (`wire` holds the repair).
        .map((key) => ({ name, body: message[key] as string, defective: key === 'raw' && message['rawFormat'] === 'defective' })),
    );
  });

const sampleXml = sampleBodies.filter(({ body }) => body.startsWith('<'));
const sampleJson = sampleBodies.flatMap(({ name, body }) => {
  if (!body.startsWith('{')) return [];
  try {
    return [{ name, value: JSON.parse(body) as Record<string, unknown> }];
  } catch {
    return []; // samples recorded as defective JSON on purpose
  }
});

const fixtureXml = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.xml'))
  .sort()
  .map((name) => ({ name, body: readFileSync(FIXTURES + name, 'utf8') }));

/** Single-quoted string literals of the unit tests that start with `<`, escapes decoded. */
const unitTestXml = [...readFileSync(fileURLToPath(new URL('./iak-xml.test.ts', import.meta.url)), 'utf8').matchAll(/'(<[^'\n]*)'/g)].map(
  (match) => JSON.parse(`"${match[1]!.replace(/"/g, '\\"')}"`) as string,
);

const corpus = [...sampleXml.map(({ body }) => body), ...fixtureXml.map(({ body }) => body), ...unitTestXml];
const wellFormedCorpus = [
  ...sampleXml.filter(({ defective }) => !defective).map(({ body }) => body),
  ...fixtureXml.filter(({ name }) => !name.includes('malformed')).map(({ body }) => body),
];

describe('the corpus', () => {
  it('has the recorded XML and JSON bodies and the unit tests’ XML', () => {
    expect(sampleXml.length).toBeGreaterThanOrEqual(14);
    expect(sampleJson.length).toBeGreaterThanOrEqual(35);
    expect(fixtureXml).toHaveLength(13);
    expect(unitTestXml.length).toBeGreaterThanOrEqual(30);
  });
});

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

describe('parseIakXml against fast-xml-parser', () => {
  it.each(wellFormedCorpus.map((xml, index) => [index, xml] as const))(
    'reads well-formed document #%i as the oracle did',
    (_index, xml) => {
      expect(() => oracleParse(xml)).not.toThrow();
      expectSameAsOracle(xml);
      expectSameAsOracle(xml, { form: 'request' });
      expectSameAsOracle(xml, { arrayPaths: ['mp.desc', 'mp.desc.tagihan.detail', 'mp.tr_id'] });
    },
  );

  it('gives the unit tests’ XML the oracle’s verdict and result', () => {
    for (const xml of unitTestXml) expectSameAsOracle(xml);
  });

  it('refuses, as the oracle did, every truncation of every document', () => {
    for (const xml of corpus) {
      for (let length = 0; length < xml.length; length++) expectNoLaxerThanOracle(xml.slice(0, length));
    }
  });

  it('is never laxer than the oracle after random insertions and deletions', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.boolean(),
      insert: fc.oneof(
        fc.constantFrom(...'<>/&;#x"\'!?[]-= a\n\u0000'.split('')),
        fc.string({ minLength: 1, maxLength: 3 }),
        fc.constantFrom('<!--', '-->', ']]>', '&amp;', '<mp>', '</mp>', '<a/>'),
      ),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<ParseIakXmlOptions | undefined>(undefined, { maxDepth: 3 }),
        (xml, edits, options) => {
          let mutated = xml;
          for (const { at, remove, insert } of edits) {
            const position = at % (mutated.length + 1);
            mutated = remove
              ? mutated.slice(0, position) + mutated.slice(position + 1)
              : mutated.slice(0, position) + insert + mutated.slice(position);
          }
          expectNoLaxerThanOracle(mutated, options);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('is never laxer than the oracle with closing tags swapped', () => {
    for (const xml of wellFormedCorpus) {
      const closings = [...xml.matchAll(/<\/([^>\s]+)\s*>/g)];
      for (let i = 0; i + 1 < closings.length; i++) {
        for (const j of [i + 1, closings.length - 1]) {
          const [first, second] = [closings[i]!, closings[j]!];
          if (first[1] === second[1]) continue;
          const swapped =
            xml.slice(0, first.index) +
            second[0] +
            xml.slice(first.index + first[0].length, second.index) +
            first[0] +
            xml.slice(second.index + second[0].length);
          const { codec, oracle } = expectNoLaxerThanOracle(swapped);
          expect(codec.ok).toBe(false);
          // Both point at the first closing tag that does not match.
          const [codecError, oracleError] = [codec, oracle].map((o) => (o as { error: IakXmlError }).error);
          if (oracleError!.message.includes('Expected closing tag')) {
            expect({ line: codecError!.line, col: codecError!.col }).toEqual({ line: oracleError!.line, col: oracleError!.col });
          }
        }
      }
    }
  });

  // Generated documents: a small set of names (so that siblings repeat and array paths occur), text
  // with entities, CDATA, comments, processing instructions, attributes and every kind of whitespace.
  const NAMES = ['desc', 'tagihan', 'detail', 'bill', 'data', 'pasca', 'rc', 'message', 'hasOwnProperty', 'ns:item', 'x-y.z'];
  const ARRAY_PATH_CHOICES = [
    undefined,
    ['mp.desc', 'mp.rc', 'mp.desc.detail', 'mp.data.pasca', 'mp.desc.tagihan.detail', 'mp.hasOwnProperty'],
  ];
  const space = fc.constantFrom(' ', '\t', '\n', '\r\n', '\r', '  \n  ');
  const comment = fc
    .string({ unit: fc.constantFrom('a', '-', ' ', '<', '&', '>', '\r\n'), maxLength: 6 })
    .filter((text) => !text.includes('--') && !text.endsWith('-'))
    .map((text) => `<!--${text}-->`);
  const instruction = fc.constantFrom('<?pi?>', '<?pi a="1"?>', `<?xml-stylesheet href='a.xsl' type="text/xsl" ?>`);
  const gap = fc.array(fc.oneof(space, comment, instruction), { maxLength: 3 }).map((parts) => parts.join(''));
  const plainText = fc.string({
    unit: fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      'a',
      'Z',
      '0',
      '9',
      '>',
      '"',
      "'",
      '-',
      '?',
      '/',
      '=',
      ';',
      '#',
      'é',
      '€',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '😀',
    ),
    maxLength: 8,
  });
  const reference = fc.constantFrom(
    '&amp;',
    '&lt;',
    '&gt;',
    '&quot;',
    '&apos;',
    '&#65;',
    '&#x41;',
    '&#x1F600;',
    '&#32;',
    '&#10;',
    '&#13;',
    '&nbsp;',
    '&#0;',
    '&#xD800;',
    '&#1114112;',
    '&amp;lt;',
    '&_x1;',
  );
  const cdata = fc
    .string({ unit: fc.constantFrom('a', '<', '&', ']', '>', ' ', '\r\n', '&amp;'), maxLength: 6 })
    .filter((text) => !text.includes(']]>') && !text.endsWith(']'))
    .map((text) => `<![CDATA[${text}]]>`);
  const text = fc.array(fc.oneof(plainText, reference, cdata, comment, instruction), { maxLength: 4 }).map((parts) => parts.join(''));
  const attributeValue = fc.oneof(
    fc
      .string({ unit: fc.constantFrom('a', ' ', '>', '/', '?', "'", 'é', '&amp;', '=', '&#38;'), maxLength: 5 })
      .map((value) => `"${value}"`),
    fc.string({ unit: fc.constantFrom('b', '"', '\t', '>'), maxLength: 3 }).map((value) => `'${value}'`),
  );
  const attributes = fc
    .uniqueArray(fc.tuple(fc.constantFrom('id', 'xmlns', 'xmlns:xsi', 'a-b', 'x.y'), fc.constantFrom('=', ' = ', '\n='), attributeValue), {
      maxLength: 3,
      selector: ([name]) => name,
    })
    .chain((list) =>
      fc.tuple(fc.constant(list), fc.array(space, { minLength: list.length, maxLength: list.length }), fc.constantFrom('', ' ', '\n')),
    )
    .map(([list, spaces, tail]) => list.map(([name, equals, value], i) => `${spaces[i]}${name}${equals}${value}`).join('') + tail);

  const element = (name: string, attrs: string, content: string, selfClosing: boolean): string =>
    content === '' && selfClosing ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;

  const { node } = fc.letrec<{ node: string; content: string }>((tie) => ({
    node: fc
      .tuple(fc.constantFrom(...NAMES), attributes, tie('content'), fc.boolean())
      .map(([name, attrs, content, selfClosing]) => element(name, attrs, content, selfClosing)),
    content: fc.oneof(
      { depthSize: 'small' },
      text,
      fc
        .tuple(fc.array(fc.tuple(gap, tie('node')), { minLength: 1, maxLength: 4 }), gap)
        .map(([children, tail]) => children.map(([g, child]) => g + child).join('') + tail),
    ),
  }));

  const document = fc
    .tuple(
      fc.constantFrom('', '\ufeff'),
      fc.constantFrom('', '<?xml version="1.0" ?>', '<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' standalone='yes'?>"),
      gap,
      attributes,
      fc.oneof(
        {
          weight: 9,
          arbitrary: fc
            .tuple(fc.array(fc.tuple(gap, node), { maxLength: 5 }), gap)
            .map(([children, tail]) => children.map(([g, child]) => g + child).join('') + tail),
        },
        { weight: 1, arbitrary: text },
      ),
      fc.boolean(),
      gap,
    )
    .map(
      ([bom, declaration, prolog, attrs, content, selfClosing, epilog]) =>
        bom + declaration + prolog + element('mp', attrs, content, selfClosing) + epilog,
    );

  it('normalises line ends before reading markup: a CR before a comment and an LF after it are two line ends', () => {
    // Found by the generated documents below (seed -672400811).
    expectSameAsOracle('<mp><desc>a\r<!---->\n9</desc></mp>');
    expect(parseIakXml('<mp><desc>a\r<!---->\n9</desc></mp>')).toEqual({ data: { desc: 'a\n\n9' } });
  });

  it('reads generated well-formed documents as the oracle did', () => {
    fc.assert(
      fc.property(
        document,
        fc.constantFrom(...ARRAY_PATH_CHOICES),
        fc.constantFrom<ParseIakXmlOptions['form']>('auto', 'request'),
        (xml, arrayPaths, form) => {
          expectSameAsOracle(xml, { arrayPaths, form });
        },
      ),
      { numRuns: 600 },
    );
  });

  it('is never laxer than the oracle on generated documents with a byte changed', () => {
    fc.assert(
      fc.property(document, fc.nat(), fc.constantFrom('', '<', '>', '&', '/', '"', ']]>', '--', '\u0000'), (xml, at, replacement) => {
        const position = at % (xml.length + 1);
        expectNoLaxerThanOracle(xml.slice(0, position) + replacement + xml.slice(position + 1));
      }),
      { numRuns: 600 },
    );
  });
});

/**
 * CPU milliseconds this process spent running `work` (synchronous). A bound on CPU time holds on a busy machine,
 * where wall time also counts the wait for a free core; a super-linear parser still blows it.
 */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

describe('hostile shapes stay linear', () => {
  it.each([
    ['100 000 attributes', `<mp${Array.from({ length: 100_000 }, (_, i) => ` a${i}="&amp;"`).join('')}><rc>0</rc></mp>`, true],
    ['100 000 siblings', `<mp>${'<rc>0</rc>'.repeat(100_000)}</mp>`, true],
    ['100 000 distinct siblings', `<mp>${Array.from({ length: 100_000 }, (_, i) => `<f${i}/>`).join('')}</mp>`, true],
    ['a run of brackets', `<mp><rc>${']'.repeat(1_000_000)}</rc></mp>`, true],
    ['comments and text interleaved', `<mp><rc>${'a<!---->'.repeat(100_000)}</rc></mp>`, true],
    ['unclosed comment openers', `<mp>${'<!--'.repeat(250_000)}</mp>`, false],
    ['unclosed tags', `<mp>${'<rc>'.repeat(250_000)}`, false],
    ['an unclosed attribute value', `<mp a="${'x'.repeat(1_000_000)}><rc/></mp>`, false],
  ] as const)('reads %s in bounded time', (_label, xml, accepted) => {
    const spent = cpuMs(() => {
      if (accepted) expect(() => parseIakXml(xml)).not.toThrow();
      else expect(() => parseIakXml(xml)).toThrow(IakXmlError);
    });
    expect(spent).toBeLessThan(1500);
  });
});

describe('deliberate refusals: documents the oracle accepted', () => {
  it('refuses an element mixing text and elements, where fast-xml-parser made a #text key', () => {
    expect(oracleParse('<mp><a>x<b>1</b>y</a></mp>')).toEqual({ data: { a: { b: '1', '#text': 'xy' } } });
    expectOnlyOracleAccepts('<mp><a>x<b>1</b>y</a></mp>');
    expectOnlyOracleAccepts('<mp><a><b>1</b><![CDATA[ ]]></a></mp>');
    expectOnlyOracleAccepts('<mp>text<rc>00</rc></mp>');
    fc.assert(
      fc.property(fc.constantFrom('x', '&amp;', '<![CDATA[x]]>', '<![CDATA[ ]]>'), fc.nat(2), (text, where) => {
        const children = ['<b>1</b>', '<c/>'];
        children.splice(where, 0, text);
        expectOnlyOracleAccepts(`<mp><a>${children.join('')}</a></mp>`);
      }),
      { numRuns: 30 },
    );
    // Whitespace, comments and empty CDATA between elements are not text.
    expectSameAsOracle('<mp><a> <!-- x --> <b>1</b><![CDATA[]]>\n\u00a0</a></mp>');
  });

  it.each([
    ['a non-ASCII element name', '<mp><é>1</é></mp>', undefined],
    ['a non-ASCII attribute name', '<mp a\u00e9="1"/>', undefined],
    ['an entity name starting with a digit', '<mp><a>&1a;</a></mp>', undefined],
    ['an empty character reference', '<mp><a>&#;</a></mp>', undefined],
    ['a self-closing element below maxDepth', '<mp><a><b/></a></mp>', { maxDepth: 2 }],
    ['text after a self-closing root', '<mp/>tail', undefined],
    ['an entity after the root', '<mp></mp>&amp;', undefined],
    ['text after a self-closing root and a comment', '<mp/><!-- -->x', undefined],
    ['a NUL character', '<mp><a>\u0000</a></mp>', undefined],
    ['a lone surrogate', '<mp><a>\ud800</a></mp>', undefined],
    ['U+FFFE', '<mp><a>\ufffe</a></mp>', undefined],
    [']]> in text', '<mp><a>x]]>y</a></mp>', undefined],
    ['-- in a comment', '<mp><!-- a -- b --></mp>', undefined],
    ['< in an attribute value', '<mp a="<"/>', undefined],
    ['a bare & in an attribute value', '<mp a="&"/>', undefined],
    ['an XML declaration inside the root', '<mp><?xml version="1.0"?></mp>', undefined],
    ['<!…> markup that is neither comment nor CDATA', '<mp><a><!foo>x</a></mp>', undefined],
    ['a CDATA-like section', '<mp><a><![FOO[x]]></a></mp>', undefined],
    ['empty CDATA outside the root', '<![CDATA[]]><mp/>', undefined],
    ['a processing instruction that is not pseudo-attributes', '<mp><?php echo 1 ?></mp>', undefined],
  ])('refuses %s', (_label, xml, options) => {
    expectOnlyOracleAccepts(xml, options);
  });
});

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

describe('buildIakXml against fast-xml-builder', () => {
  it.each(sampleJson.map(({ name, value }, index) => [`${name} #${index}`, value] as const))(
    'writes the JSON body of %s byte for byte',
    (_name, value) => {
      const built = expectSameBuild(value);
      if (built !== undefined) expect(parseIakXml(built)).toEqual(expectedRoundTrip(value));
    },
  );

  it('writes every body the corpus parses to byte for byte', () => {
    for (const xml of wellFormedCorpus) {
      const parsed = parseIakXml(xml) as Record<string, unknown>;
      const built = expectSameBuild(parsed);
      expect(built === undefined ? undefined : parseIakXml(built)).toEqual(parsed);
    }
  });

  // Keys avoid what changes meaning in XML on purpose (`data`, `commands`, `username` move the
  // document between forms; `hasOwnProperty` is renamed when read), and include the array paths' names.
  const KEYS = ['desc', 'tagihan', 'detail', 'bill', 'rc', 'message', 'tr_id', 'x-y.z', '_a'];
  const leafText = fc.string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '\n', '\r\n', '&', '<', '>', '"', "'", ']]>', '&amp;', 'é', '😀', '\u00a0'),
    maxLength: 8,
  });
  const leaf = fc.oneof(
    { weight: 4, arbitrary: leafText },
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.bigInt(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const { value, object } = fc.letrec<{ value: unknown; object: Record<string, unknown>; list: unknown[] }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), tie('list')),
    object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
    list: fc.array(fc.oneof(leaf, tie('object')), { maxLength: 3 }),
  }));
  const response = fc.record({
    data: fc.oneof(object, fc.dictionary(fc.constant('pasca'), fc.array(object, { maxLength: 3 }))),
    meta: value,
  });
  const request = fc
    .record({ commands: fc.constantFrom('inq-pasca', 'pay-pasca'), username: fc.stringMatching(/^[0-9]{1,12}$/) })
    .chain((head) => object.map((rest) => ({ ...head, ...rest })));

  it('writes generated values byte for byte, and they read back as XML keeps them', () => {
    fc.assert(
      fc.property(fc.oneof(response, request), (input) => {
        const built = expectSameBuild(input as Record<string, unknown>);
        if (built !== undefined) expect(parseIakXml(built)).toEqual(expectedRoundTrip(input as Record<string, unknown>));
      }),
      { numRuns: 600 },
    );
  });

  it('refuses values XML cannot carry as the oracle did', () => {
    for (const input of [
      { a: '\u0000' },
      { a: '\ud800' },
      { 'a b': '1' },
      { a: [[1]] },
      { a: Number.NaN },
      { a: () => 1 },
      { a: Symbol('s') },
    ]) {
      const codec = outcome(() => buildIakXml(input));
      expect(codec.ok).toBe(false);
      expect(codec).toEqual(outcome(() => oracleBuild(input)));
    }
  });

  it('stops at the oracle’s depth: elements may hold elements up to level 99', () => {
    const nested = (depth: number, leafValue: unknown): Record<string, unknown> => {
      let inner = leafValue;
      for (let level = depth; level > 1; level--) inner = { a: inner };
      return { data: inner as Record<string, unknown> };
    };
    // The data's own fields are level 2 (under <mp>); the innermost <a> is at `depth`.
    for (const [depth, leafValue] of [
      [100, 'x'],
      [100, ['x']],
      [99, {}],
      [99, [{}]],
    ] as const) {
      expectSameBuild(nested(depth, leafValue));
    }
    for (const [depth, leafValue] of [
      [100, {}],
      [100, [{}]],
      [101, 'x'],
    ] as const) {
      expect(() => oracleBuild(nested(depth, leafValue))).toThrow(/Maximum nested tags exceeded/);
      expect(() => buildIakXml(nested(depth, leafValue))).toThrow(TypeError);
      expect(() => buildIakXml(nested(depth, leafValue))).toThrow(/nests elements more than 100 levels deep/);
    }
    // The oracle's conversion recursed without bound; the depth check now stops it first.
    expect(() => oracleBuild(nested(20_000, 'x'))).toThrow(RangeError);
    expect(() => buildIakXml(nested(20_000, 'x'))).toThrow(TypeError);
  });
});
