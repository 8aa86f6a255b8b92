import { iakSign } from '@billerkit/signing';
import { parseIakXml, validate } from '@billerkit/validators';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  type Body,
  call,
  checkStatus,
  type HttpAnswer,
  inquiry,
  newProvider,
  parseAnswer,
  payment,
  post,
  priceList,
  serve,
  strictIssues,
  type TestServer,
  USERNAME,
} from './iak.test.helpers.js';
import type { IakProvider } from './index.js';

const PATH = '/api/v1/bill/check';

/** A refused request: HTTP 400, rc 107 and error_details naming `field`, valid against BillCheckBadRequest. */
function expectRefused(answer: HttpAnswer, field: string): void {
  expect(answer.status).toBe(400);
  const body = parseAnswer(answer);
  if (answer.contentType === 'application/json') expect(strictIssues('BillCheckBadRequest', body)).toEqual([]);
  const data = body['data'] as Record<string, unknown>;
  expect(data['response_code']).toBe('107');
  expect(data['message']).toBe('XML FORMAT ERROR');
  expect(Object.keys(data['error_details'] as object)).toContain(field);
}

describe('IAK provider: bad input gets a documented error shape, never a 500 or a hang', () => {
  let provider: IakProvider;
  let server: TestServer;
  beforeAll(async () => {
    ({ provider } = newProvider());
    server = await serve(provider);
  });
  afterAll(async () => {
    await server.close();
    expect(server.thrown).toEqual([]);
  });

  it('invalid JSON, empty bodies and JSON that is no object', async () => {
    for (const body of ['{"commands": "inq-pasca",', '', '   ', 'null', '[1,2]', '"inq-pasca"', '42', '{"a":1}{"b":2}']) {
      const answer = await call(server.url, PATH, { body });
      expectRefused(answer, 'body');
    }
    // IAK's own PBB sample request (missing comma, trailing comma) is invalid JSON too.
    const pbb =
      '{\n  "commands" : "inq-pasca",\n  "username" : "123123123",\n  "code" : "PBBKOT.CIMAHI",\n  "hp" : "329801092375999901",\n  "ref_id" : "978994691278",\n  "sign" : "6c6a046a14c444e44cfab5e4bbb01b01"\n  "year" : "2023",\n}';
    expectRefused(await call(server.url, PATH, { body: pbb }), 'body');
  });

  it('malformed XML, a non-<mp> root and DOCTYPE entity bombs', async () => {
    const bodies = [
      '<mp><commands>checkstatus</commands>',
      '<?xml version="1.0"?><mp><no_registrasi>5392112011703</daya></mp>',
      '<request><commands>checkstatus</commands></request>',
      '<mp>text only</mp>',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><mp><username>&lol2;</username></mp>',
      '<mp>' + '<a>'.repeat(200) + '</a>'.repeat(200) + '</mp>',
    ];
    for (const body of bodies) {
      const answer = await call(server.url, PATH, { body, contentType: 'application/xml' });
      expect(answer.contentType).toBe('application/xml');
      expect(answer.status).toBe(400);
      const decoded = parseIakXml(answer.text, { form: 'response' }) as { data: Record<string, unknown> };
      expect(decoded.data['response_code']).toBe('107');
    }
  });

  it('bodies that are not UTF-8', async () => {
    expectRefused(await call(server.url, PATH, { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), 'body');
  });

  it('wrong or missing Content-Type', async () => {
    const body = JSON.stringify(checkStatus('ct01'));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const answer = await call(server.url, PATH, { body, contentType });
      expect(answer.contentType).toBe('application/json');
      expectRefused(answer, 'content-type');
    }
    // Parameters and case do not matter.
    const ok = await call(server.url, PATH, { body, contentType: 'Application/JSON; charset=utf-8' });
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.text) as { data: Record<string, unknown> }).data['response_code']).toBe('06');
  });

  it('a wrong sign answers rc 100 INVALID SIGNATURE for every command', async () => {
    const wrongKey = (extra: string) => iakSign(USERNAME, 'not-the-key', extra);
    const bodies: Body[] = [
      { ...inquiry('PLNPOSTPAID', '530000000001', 'sig01'), sign: wrongKey('sig01') },
      { ...inquiry('PLNPOSTPAID', '530000000001', 'sig02'), sign: iakSign(USERNAME, API_KEY, 'sig01') }, // sign of another ref_id
      { ...payment(123), sign: wrongKey('123') },
      { ...checkStatus('sig03'), sign: iakSign(USERNAME, API_KEY, 'pl') }, // the pricelist extra on checkstatus
      { ...priceList(), sign: iakSign(USERNAME, API_KEY, 'cs') },
    ];
    for (const body of bodies) {
      const { answer, data, envelope } = await post(server.url, body);
      expect(answer.status).toBe(200);
      expect(strictIssues('BillCheckResponse', envelope)).toEqual([]);
      expect(data).toEqual({ response_code: '100', message: 'INVALID SIGNATURE' });
      expect(answer.text).not.toContain(String(body['sign']));
    }
    expect(provider.transactions()).toEqual([]);
  });

  it('a wrong username answers rc 100 even with a sign made for that username', async () => {
    const other = '089999999999';
    const { data } = await post(server.url, { ...checkStatus('user01'), username: other, sign: iakSign(other, API_KEY, 'cs') });
    expect(data).toEqual({ response_code: '100', message: 'INVALID SIGNATURE' });
    // Authentication comes before the contract check: a username that is no phone number at all is just wrong.
    expect((await post(server.url, { ...checkStatus('user02'), username: 'admin' })).data).toEqual({
      response_code: '100',
      message: 'INVALID SIGNATURE',
    });
  });

  it('missing fields of each command are refused with error_details naming them', async () => {
    const cases: Array<[Body, string]> = [
      [{ commands: 'inq-pasca', username: USERNAME, code: 'PLNPOSTPAID', ref_id: 'm1', sign: iakSign(USERNAME, API_KEY, 'm1') }, 'hp'],
      [{ commands: 'inq-pasca', username: USERNAME, hp: '530000000001', ref_id: 'm2', sign: iakSign(USERNAME, API_KEY, 'm2') }, 'code'],
      [
        { commands: 'inq-pasca', username: USERNAME, code: 'PLNPOSTPAID', hp: '530000000001', sign: iakSign(USERNAME, API_KEY, '') },
        'ref_id',
      ],
      [{ commands: 'pay-pasca', username: USERNAME, sign: iakSign(USERNAME, API_KEY, '') }, 'tr_id'],
      [{ commands: 'checkstatus', username: USERNAME, ref_id: 'm3' }, 'sign'],
      [{ commands: 'pricelist-pasca', sign: iakSign(USERNAME, API_KEY, 'pl') }, 'username'],
      [inquiry('ESAMSAT.JABAR', '9658548523568701', 'm4'), 'nomor_identitas'],
      [inquiry('PBBKOT.CIMAHI', '329801092375999901', 'm5'), 'year'],
      [inquiry('SHOPEEPAY', '082100000001', 'm6'), 'desc'],
    ];
    for (const [body, field] of cases) {
      expectRefused((await post(server.url, body)).answer, field);
      expectRefused((await post(server.url, body, { format: 'xml' })).answer, field);
    }
  });

  it('fields of the wrong type or format are refused; a ref_id that is not alphanumeric is rc 03', async () => {
    expectRefused((await post(server.url, payment('55x'))).answer, 'tr_id');
    expectRefused((await post(server.url, inquiry('PLNPOSTPAID', '53000000000A', 'f1'))).answer, 'hp');
    expectRefused((await post(server.url, inquiry('BPJS', '8801234560001', 'f2', { month: 'two' }))).answer, 'month');
    // A sign of the wrong form is a wrong sign: authentication is checked before the contract.
    expect((await post(server.url, { ...checkStatus('f3'), sign: 'ABCDEF'.padEnd(32, '0') })).data).toEqual({
      response_code: '100',
      message: 'INVALID SIGNATURE',
    });
    expectRefused((await post(server.url, { ...checkStatus('f4'), extra: 'field' })).answer, 'extra');
    const signed = `"username":"${USERNAME}","sign":"${iakSign(USERNAME, API_KEY, 'cs')}"`;
    const proto = await call(server.url, '/api/v1/bill/check', {
      body: `{"commands":"checkstatus",${signed},"__proto__":{"polluted":1},"ref_id":"f5"}`,
    });
    expectRefused(proto, '__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expectRefused((await post(server.url, priceList({ status: 'sometimes' }))).answer, 'status');
    const ref = await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'ref-14_May_2022_0.03.39'));
    expect(ref.answer.status).toBe(200);
    expect(strictIssues('InqPascaResponse', ref.envelope)).toEqual([]);
    expect(ref.data).toEqual({ response_code: '03', message: 'INVALID REF ID' });
  });

  it('unknown or missing commands', async () => {
    for (const commands of ['inq-prepaid', 'balance', 'INQ-PASCA', '']) {
      const { answer, data } = await post(server.url, { commands, username: USERNAME, sign: iakSign(USERNAME, API_KEY, 'bl') });
      expect(answer.status).toBe(200);
      expect(data).toEqual({ response_code: '101', message: 'INVALID COMMAND' });
    }
    expectRefused((await post(server.url, { username: USERNAME })).answer, 'commands');
    expectRefused((await post(server.url, { commands: ['inq-pasca'] })).answer, 'commands');
    // A key named like an Object.prototype member is just an unknown command.
    expect((await post(server.url, { commands: '__proto__' })).data).toEqual({ response_code: '101', message: 'INVALID COMMAND' });
    expect((await post(server.url, { commands: 'toString' })).data).toEqual({ response_code: '101', message: 'INVALID COMMAND' });
  });

  it('huge fields and deeply nested JSON are refused quickly', async () => {
    const started = Date.now();
    expectRefused((await post(server.url, inquiry('PLNPOSTPAID', '5'.repeat(200_000), 'huge1'))).answer, 'body');
    expectRefused((await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'r'.repeat(100_000)))).answer, 'body');
    expect((await post(server.url, { ...checkStatus('huge2'), sign: 'a'.repeat(400) })).data).toEqual({
      response_code: '100',
      message: 'INVALID SIGNATURE',
    });
    const deep = `{"commands":"checkstatus","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect((await call(server.url, PATH, { body: deep })).status).toBe(400);
    const deeper = `{"commands":"checkstatus","x":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`;
    expect((await call(server.url, PATH, { body: deeper })).status).toBe(400);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("wrong methods and unknown IAK paths answer IAK-shaped 405 / 404; foreign paths are not IAK's", async () => {
    const get = await call(server.url, PATH, { method: 'GET', contentType: null });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((JSON.parse(get.text) as { data: unknown }).data).toEqual({ response_code: '117', message: 'PAGE NOT FOUND' });
    for (const path of ['/api/v1/bill/check/pln/extra', '/api/v1/bill/payment', '/api/v1/download', '/api/v1/download/1/2/3']) {
      const answer = await call(server.url, path, { body: '{}' });
      expect(answer.status, path).toBe(404);
      expect((JSON.parse(answer.text) as { data: unknown }).data).toEqual({ response_code: '117', message: 'PAGE NOT FOUND' });
    }
    for (const path of ['/rest/biller/inquirytransaction', '/api/v2/bill/check', '/']) {
      expect(
        await provider.handle({ method: 'POST', path, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) }),
      ).toBeUndefined();
    }
  });

  it('never echoes the sign or the API key in any answer', async () => {
    const sign = iakSign(USERNAME, API_KEY, 'leak01');
    const answers = [
      await post(server.url, inquiry('PLNPOSTPAID', '530000000001', 'leak01')),
      await post(server.url, { ...inquiry('PLNPOSTPAID', '530000000001', 'leak02'), sign }),
      await post(server.url, { ...inquiry('PLNPOSTPAID', 'x', 'leak03'), sign }),
      await post(server.url, { ...inquiry('PLNPOSTPAID', '530000000001', 'leak04'), sign }, { format: 'xml' }),
    ];
    for (const { answer } of answers) {
      expect(answer.text).not.toContain(sign);
      expect(answer.text).not.toContain(API_KEY);
    }
  });

  it('property: arbitrary bodies always get a parseable IAK envelope with a documented status', async () => {
    const fieldValue = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    const command = fc.constantFrom('inq-pasca', 'pay-pasca', 'checkstatus', 'pricelist-pasca', 'other');
    const body = fc.record(
      {
        commands: command,
        username: fc.oneof(fc.constant(USERNAME), fieldValue),
        code: fc.oneof(fc.constantFrom('PLNPOSTPAID', 'BPJS', 'SHOPEEPAY', 'ESAMSAT.JABAR'), fieldValue),
        hp: fc.oneof(fc.constantFrom('530000000001', '530000000007', '082100000001'), fieldValue),
        ref_id: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}$/), fieldValue),
        tr_id: fc.oneof(fc.stringMatching(/^[0-9]{1,14}$/), fieldValue),
        sign: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fieldValue),
        month: fieldValue,
        desc: fc.oneof(fc.record({ amount: fieldValue }), fieldValue),
        status: fieldValue,
      },
      { requiredKeys: [] },
    );
    const shapes = ['BillCheckResponse', 'BillCheckBadRequest'];
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('json', 'xml') as fc.Arbitrary<'json' | 'xml'>, async (value, format) => {
        let text: string;
        try {
          text = format === 'json' ? JSON.stringify(value) : (await import('@billerkit/validators')).buildIakXml(value as object);
        } catch {
          return; // not expressible as XML (nested arrays…): nothing to send
        }
        const answer = await call(server.url, PATH, {
          body: text,
          contentType: format === 'json' ? 'application/json' : 'application/xml',
        });
        expect([200, 400]).toContain(answer.status);
        const parsed = parseAnswer(answer);
        if (format === 'json') {
          expect(
            shapes.some((shape) => validate('iak', shape, 'strict', parsed).valid),
            answer.text,
          ).toBe(true);
        } else {
          expect(
            typeof (parsed['data'] as Record<string, unknown>)['response_code'] === 'string' || 'pasca' in (parsed['data'] as object),
          ).toBe(true);
        }
      }),
      { numRuns: 300, seed: 20250101 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('application/json', 'application/xml', 'text/xml'),
        async (bytes, contentType) => {
          const answer = await call(server.url, PATH, { body: Buffer.from(bytes), contentType });
          expect([200, 400]).toContain(answer.status);
          expect(() => parseAnswer(answer)).not.toThrow();
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  }, 60_000);
});

describe("IAK provider: the tolerant request profile accepts what IAK's own samples send", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve(newProvider({}, { requestProfile: 'tolerant' }).provider);
  });
  afterAll(async () => {
    await server.close();
  });

  it('numeric tr_id, string month, ref_id with punctuation and the non-active spelling', async () => {
    const inq = await post(server.url, inquiry('BPJS', '8801234560001', 'ref-14_May_2022_0.03.39', { month: '2' }));
    expect(inq.data).toMatchObject({ response_code: '00', period: '02', ref_id: 'ref-14_May_2022_0.03.39' });
    const trId = inq.data['tr_id'] as number;
    const pay = await post(server.url, { ...payment(trId), tr_id: trId });
    expect(pay.data).toMatchObject({ response_code: '00' });
    const list = await post(server.url, priceList({ status: 'non-active' }));
    expect(list.data).toEqual({ pasca: [] });
  });
});
