import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildIakXml, IAK_XML_ARRAY_PATHS, IAK_XML_DEFAULT_MAX_LENGTH, IakXmlError, parseIakXml } from './iak-xml.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/iak-xml/', import.meta.url));
const files = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.xml'))
  .sort();
const wellFormed = files.filter((name) => !name.endsWith('.malformed.xml'));
const malformed = files.filter((name) => name.endsWith('.malformed.xml'));
const read = (name: string): string => readFileSync(FIXTURES + name, 'utf8');

function expectXmlError(run: () => unknown, message?: string | RegExp): IakXmlError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IakXmlError);
  const error = caught as IakXmlError;
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('IakXmlError');
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

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

describe('IAK XML samples from the published documentation', () => {
  it('has all 13 samples of the reference as fixtures', () => {
    expect(files).toHaveLength(13);
    expect(malformed).toEqual(['pln-nontaglist-inquiry-response.malformed.xml']);
  });

  it.each(wellFormed)('%s round-trips through build and parse', (name) => {
    const parsed = parseIakXml(read(name));
    const rebuilt = buildIakXml(parsed as object);
    expect(parseIakXml(rebuilt)).toEqual(parsed);
    // Rebuilding is stable: the codec's own output is a fixed point.
    expect(buildIakXml(parseIakXml(rebuilt) as object)).toBe(rebuilt);
  });

  it.each(malformed)('%s (mismatched closing tags as published) is refused', (name) => {
    const error = expectXmlError(() => parseIakXml(read(name)), /Expected closing tag 'no_registrasi'.*'daya'/);
    expect(error.line).toBe(17);
  });

  it('rebuilds the PLN inquiry request sample byte for byte', () => {
    const sample = read('pln-inquiry-request.xml');
    expect(buildIakXml(parseIakXml(sample) as object)).toBe(sample);
  });

  it('parses a request into the flat JSON request form', () => {
    expect(parseIakXml(read('pln-inquiry-request.xml'))).toEqual({
      commands: 'inq-pasca',
      username: '123123123',
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: '09128374655',
      sign: '1ac8362ae9a517eadf4a47715555b022',
    });
  });

  it('parses a PLN inquiry response into { data } with strings only and the bill list as an array', () => {
    expect(parseIakXml(read('pln-inquiry-response.xml'))).toEqual({
      data: {
        tr_id: '9732792',
        code: 'PLNPOSTPAID',
        hp: '530000000001',
        tr_name: 'SUBCRIBER NAME',
        period: '201608',
        nominal: '300000',
        admin: '2500',
        ref_id: '09128374655',
        response_code: '00',
        message: 'INQUIRY SUCCESS',
        price: '302500',
        selling_price: '302500',
        desc: {
          tarif: 'R1',
          daya: '1300',
          lembar_tagihan: '1',
          tagihan: { detail: [{ periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: '302500' }] },
        },
      },
    });
  });

  it('keeps leading zeros and long digit strings exactly (no number coercion)', () => {
    const parsed = parseIakXml(read('pln-payment-response.xml')) as { data: Record<string, unknown> };
    expect(parsed.data['ref_id']).toBe('09128374655');
    const desc = parsed.data['desc'] as { tagihan: { detail: Array<Record<string, string>> } };
    expect(desc.tagihan.detail[0]?.['meter_awal']).toBe('00080000');
    const pending = parseIakXml(read('checkstatus-pending-response.xml')) as { data: Record<string, unknown> };
    expect(pending.data['balance']).toBe('99995833900');
    expect(pending.data['message']).toBe('PENDING / TRANSAKSI SEDANG DIPROSES');
  });

  it('keeps three sibling <detail> elements as a three-element array', () => {
    const parsed = parseIakXml(read('internet-telkom-inquiry-response.xml')) as { data: { desc: { tagihan: { detail: unknown[] } } } };
    expect(parsed.data.desc.tagihan.detail.map((d) => (d as { periode: string }).periode)).toEqual(['MEI 2014', 'JUN 2014', 'JUL 2014']);
  });

  it('reads the PDAM bill list (desc.bill.detail) as an array', () => {
    const parsed = parseIakXml(read('pdam-inquiry-response.xml')) as { data: { desc: { bill: { detail: unknown[] } } } };
    expect(parsed.data.desc.bill.detail).toHaveLength(1);
    expect(parsed.data.desc.bill.detail[0]).toMatchObject({ period: '201412', stand: '' });
  });

  it('keeps the pricelist <data> wrapper and its entries as an array', () => {
    const parsed = parseIakXml(read('pricelist-response.xml')) as { data: { pasca: Array<Record<string, string>> } };
    expect(parsed.data.pasca.map((p) => p['code'])).toEqual(['AETRA', 'BPJS']);
    expect(buildIakXml(parsed)).toContain('<mp>\n  <data>\n    <pasca>\n      <code>AETRA</code>');
  });

  it('reads TVBIG <tagihan/> as the empty list its JSON twin shows', () => {
    const parsed = parseIakXml(read('tv-nontelkomvision-inquiry-response.xml')) as { data: { desc: Record<string, unknown> } };
    expect(parsed.data.desc['tagihan']).toEqual({ detail: [] });
    expect(parsed.data.desc['product_category']).toBe('');
  });

  it('leaves <desc> absent when the sample omits it', () => {
    const parsed = parseIakXml(read('church-member-inquiry-response.xml')) as { data: Record<string, unknown> };
    expect(parsed.data).not.toHaveProperty('desc');
  });
});

describe('parseIakXml: arrays', () => {
  it('exports the documented list paths', () => {
    expect([...IAK_XML_ARRAY_PATHS].sort()).toEqual(['mp.data.pasca', 'mp.desc.bill.detail', 'mp.desc.tagihan.detail']);
  });

  it('makes a single pricelist entry an array', () => {
    const xml = '<mp><data><pasca><code>PLNPOSTPAID</code><fee>2500</fee></pasca></data></mp>';
    expect(parseIakXml(xml)).toEqual({ data: { pasca: [{ code: 'PLNPOSTPAID', fee: '2500' }] } });
  });

  it('reads an empty pricelist as an empty array', () => {
    expect(parseIakXml('<mp><data></data></mp>')).toEqual({ data: { pasca: [] } });
  });

  it('does not guess arrays for paths outside the list', () => {
    const xml = '<mp><response_code>00</response_code><desc><footer>ONE</footer><detail><a>1</a></detail></desc></mp>';
    expect(parseIakXml(xml)).toEqual({ data: { response_code: '00', desc: { footer: 'ONE', detail: { a: '1' } } } });
  });

  it('accepts its own list of array paths', () => {
    const xml = '<mp><response_code>00</response_code><desc><footer>ONE</footer></desc></mp>';
    expect(parseIakXml(xml, { arrayPaths: ['mp.desc.footer'] })).toEqual({ data: { response_code: '00', desc: { footer: ['ONE'] } } });
  });

  it('lets the caller force the request or response form', () => {
    const xml = '<mp><ref_id>r1</ref_id></mp>';
    expect(parseIakXml(xml)).toEqual({ data: { ref_id: 'r1' } });
    expect(parseIakXml(xml, { form: 'request' })).toEqual({ ref_id: 'r1' });
    expect(parseIakXml('<mp><commands>checkstatus</commands></mp>', { form: 'response' })).toEqual({ data: { commands: 'checkstatus' } });
  });

  it('reads an empty <mp/> as an empty response', () => {
    expect(parseIakXml('<mp/>')).toEqual({ data: {} });
  });
});

describe('parseIakXml: text and entities', () => {
  it('decodes the five predefined entities and numeric references, once', () => {
    const xml = '<mp><tr_name>A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; &#39;F&#x27; &amp;lt;</tr_name></mp>';
    expect(parseIakXml(xml)).toEqual({ data: { tr_name: `A & B <C> "D" 'E' 'F' &lt;` } });
  });

  it('leaves unknown entities as written instead of expanding them', () => {
    expect(parseIakXml('<mp><tr_name>A&nbsp;B &copy; &#0; &#xD800;</tr_name></mp>')).toEqual({
      data: { tr_name: 'A&nbsp;B &copy; &#0; &#xD800;' },
    });
  });

  it('refuses a bare ampersand, as XML requires', () => {
    expectXmlError(() => parseIakXml('<mp><tr_name>A & B</tr_name></mp>'), /'&'/);
  });

  it('reads CDATA as text and ignores attributes and comments', () => {
    expect(parseIakXml('<mp a="1"><!-- c --><message><![CDATA[<b>OK</b>]]></message></mp>')).toEqual({ data: { message: '<b>OK</b>' } });
  });

  it('keeps a repeated element that is not a documented list as IAK sent it', () => {
    // IAK's TVBIG payment sample carries two <ref_id>s; the tolerant validator decides what that means.
    expect(parseIakXml('<mp><ref_id>a</ref_id><ref_id>b</ref_id></mp>')).toEqual({ data: { ref_id: ['a', 'b'] } });
  });

  it('accepts a byte order mark and CRLF line ends', () => {
    expect(parseIakXml('\ufeff<?xml version="1.0"?>\r\n<mp>\r\n<rc>00</rc>\r\n</mp>\r\n')).toEqual({ data: { rc: '00' } });
  });

  it('refuses prototype-polluting element names and pollutes nothing', () => {
    expectXmlError(() => parseIakXml('<mp><__proto__><polluted>yes</polluted></__proto__></mp>'), /__proto__/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const parsed = parseIakXml('<mp><rc>00</rc><hasOwnProperty>x</hasOwnProperty></mp>') as { data: Record<string, unknown> };
    expect(Object.getPrototypeOf(parsed.data)).toBe(Object.prototype);
  });
});

describe('parseIakXml: hostile and broken input', () => {
  it('refuses the billion laughs DOCTYPE without expanding anything', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE mp [',
      '  <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<mp><message>&lol9;</message></mp>',
    ].join('\n');
    expect(cpuMs(() => expectXmlError(() => parseIakXml(laughs), /DOCTYPE/))).toBeLessThan(1000);
  });

  it('refuses external entities and a bare DOCTYPE', () => {
    expectXmlError(
      () => parseIakXml('<!DOCTYPE mp [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mp><message>&xxe;</message></mp>'),
      /DOCTYPE|entit/i,
    );
    expectXmlError(() => parseIakXml('<!DOCTYPE mp><mp><rc>00</rc></mp>'), /DOCTYPE/);
    expectXmlError(() => parseIakXml('<!DOCTYPE mp SYSTEM "http://127.0.0.1:1/x.dtd"><mp/>'), /DOCTYPE/);
  });

  it('refuses a document above the length limit before parsing it', () => {
    const huge = `<mp><message>${'x'.repeat(IAK_XML_DEFAULT_MAX_LENGTH)}</message></mp>`;
    expect(cpuMs(() => expectXmlError(() => parseIakXml(huge), /above the limit/))).toBeLessThan(200);
    expectXmlError(() => parseIakXml('<mp><rc>00</rc></mp>', { maxLength: 10 }), /above the limit of 10/);
  });

  it('parses a large but allowed document (a 20 000-entry pricelist) in bounded time', () => {
    const entry = '<pasca><code>PDAM</code><name>PDAM &amp; CO</name><status>1</status><fee>2500</fee></pasca>';
    const xml = `<mp><data>${entry.repeat(20_000)}</data></mp>`;
    let parsed: { data: { pasca: unknown[] } } | undefined;
    expect(
      cpuMs(() => {
        parsed = parseIakXml(xml) as { data: { pasca: unknown[] } };
      }),
    ).toBeLessThan(5000);
    expect(parsed?.data.pasca).toHaveLength(20_000);
  });

  it('stays linear on text full of bare ampersands', () => {
    const xml = `<mp><message>${'&'.repeat(2_000_000)}</message></mp>`;
    expect(cpuMs(() => expectXmlError(() => parseIakXml(xml)))).toBeLessThan(5000);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const depth = 200_000;
    const xml = `<mp>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</mp>`;
    expectXmlError(() => parseIakXml(xml), /nested/i);
    expectXmlError(() => parseIakXml('<mp><a><b><c>1</c></b></a></mp>', { maxDepth: 3 }), /nested/i);
    expect(parseIakXml('<mp><a><b><c>1</c></b></a></mp>', { maxDepth: 4 })).toEqual({ data: { a: { b: { c: '1' } } } });
    // The default leaves room for every documented shape (pricelist and PLN bills are 5 deep).
    expect(() => parseIakXml(`<mp>${'<a>'.repeat(31)}x${'</a>'.repeat(31)}</mp>`)).not.toThrow();
    expectXmlError(() => parseIakXml(`<mp>${'<a>'.repeat(32)}x${'</a>'.repeat(32)}</mp>`), /nested/i);
  });

  it.each(wellFormed)('every truncation of %s is refused', (name) => {
    const sample = read(name);
    const complete = sample.lastIndexOf('</mp>') + '</mp>'.length;
    let refused = 0;
    for (let length = 0; length < complete; length++) {
      expect(() => parseIakXml(sample.slice(0, length)), `prefix of ${length} characters`).toThrow(IakXmlError);
      refused++;
    }
    expect(refused).toBe(complete);
    expect(() => parseIakXml(sample.slice(0, complete))).not.toThrow();
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'INQUIRY SUCCESS'],
    ['JSON', '{"data":{"response_code":"00"}}'],
    ['an HTML error page', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['two roots', '<mp><rc>00</rc></mp><mp><rc>01</rc></mp>'],
    ['a closing tag that was never opened', '<mp></rc></mp>'],
    ['an unclosed comment', '<mp><!-- <rc>00</rc></mp>'],
    ['an unclosed CDATA', '<mp><rc><![CDATA[00</rc></mp>'],
    ['text in <mp>', '<mp>hello</mp>'],
    ['an invalid tag name', '<mp><1rc>00</1rc></mp>'],
    ['a lowercase doctype', '<!doctype mp><mp/>'],
  ])('refuses %s', (_label, xml) => {
    expectXmlError(() => parseIakXml(xml));
  });

  it('refuses a root other than <mp>', () => {
    expectXmlError(() => parseIakXml('<data><rc>00</rc></data>'), /root element must be <mp>/);
  });

  it('rejects a non-string argument with a TypeError', () => {
    expect(() => parseIakXml(Buffer.from('<mp/>') as unknown as string)).toThrow(TypeError);
    expect(() => parseIakXml(null as unknown as string)).toThrow(/got null/);
    expect(() => parseIakXml('<mp/>', { maxLength: 0 })).toThrow(TypeError);
    expect(() => parseIakXml('<mp/>', { maxDepth: 1 })).toThrow(TypeError);
  });
});

describe('buildIakXml', () => {
  it('writes a request with the declaration IAK uses and strings for numbers and bigints', () => {
    expect(buildIakXml({ commands: 'pay-pasca', username: '0812', tr_id: 9732792, amount: 10n, sign: 'abc' })).toBe(
      '<?xml version="1.0" ?>\n<mp>\n  <commands>pay-pasca</commands>\n  <username>0812</username>\n  <tr_id>9732792</tr_id>\n  <amount>10</amount>\n  <sign>abc</sign>\n</mp>\n',
    );
  });

  it('puts response fields directly under <mp> and drops meta', () => {
    const xml = buildIakXml({ data: { response_code: '00', message: 'OK', desc: [] }, meta: [] });
    expect(xml).toBe('<?xml version="1.0" ?>\n<mp>\n  <response_code>00</response_code>\n  <message>OK</message>\n</mp>\n');
  });

  it('writes arrays as repeated elements and nested objects as elements', () => {
    const xml = buildIakXml({ data: { desc: { tagihan: { detail: [{ periode: 'MEI' }, { periode: 'JUN' }] } } } });
    expect(xml).toContain(
      '<tagihan>\n      <detail>\n        <periode>MEI</periode>\n      </detail>\n      <detail>\n        <periode>JUN</periode>\n      </detail>\n    </tagihan>',
    );
  });

  it('escapes text so that it parses back to the same string', () => {
    const hostile = `</tr_name><sign>forged</sign> & "quotes" 'apos' ]]> <!DOCTYPE x>`;
    const xml = buildIakXml({ data: { tr_name: hostile } });
    expect(xml).not.toContain('<sign>');
    expect(parseIakXml(xml)).toEqual({ data: { tr_name: hostile } });
  });

  it('writes null as an empty element and omits undefined', () => {
    expect(buildIakXml({ data: { period: null, noref: undefined, rc: '00' } })).toBe(
      '<?xml version="1.0" ?>\n<mp>\n  <period></period>\n  <rc>00</rc>\n</mp>\n',
    );
  });

  it('accepts another root name', () => {
    expect(buildIakXml({ a: '1' }, 'root')).toBe('<?xml version="1.0" ?>\n<root>\n  <a>1</a>\n</root>\n');
  });

  it.each([
    ['a key with a space (receipt labels)', { data: { 'NO REFERENSI': '1' } }, /not a usable XML element name/],
    ['an attribute-looking key', { '@_x': '1' }, /not a usable XML element name/],
    ['a text-node key', { '#text': '1' }, /not a usable XML element name/],
    ['a control character', { message: 'a\u0000b' }, /U\+0000/],
    ['NaN', { price: Number.NaN }, /finite number/],
    ['a function', { f: () => 1 }, /function/],
    ['a nested array', { a: [[1]] }, /nested array/],
  ])('refuses %s', (_label, value, message) => {
    expect(() => buildIakXml(value as object)).toThrow(message);
  });

  it('refuses circular values and non-objects', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => buildIakXml(loop)).toThrow(/circular/);
    expect(() => buildIakXml([] as unknown as object)).toThrow(TypeError);
    expect(() => buildIakXml({ a: '1' }, '1bad')).toThrow(TypeError);
  });
});
