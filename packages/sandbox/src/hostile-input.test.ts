/**
 * Hostile input (issue 15), each finding a regression test: a megabyte of keys, four senders of it at once,
 * a replayed Espay payment, cross-site requests to /__sandbox, a clock pushed out of range, `__proto__`,
 * NUL and right-to-left-override characters, lenient Basic auth. Assertions are on sizes and contents
 * (and on generous bounds only); the measured times are in the issue's report, not asserted here.
 */
import { request as httpRequest } from 'node:http';
import { espayRqUuidKey, iakSign } from '@billerkit/signing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { espayDatetime } from './espay/wire.js';
import { EspayTestClient, PATHS } from './espay/espay.test.helpers.js';
import { type Sandbox, startSandbox } from './sandbox.js';

const ANSWER_LIMIT = 16 * 1024;

let sandbox: Sandbox;
let espay: EspayTestClient;
beforeAll(async () => {
  sandbox = await startSandbox(); // the live clock: the rq_datetime window is on, as from the CLI
  espay = new EspayTestClient(sandbox, 'HX');
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

/** A body of about `bytes` bytes made of distinct keys, starting with the given (signed) fields. */
function manyKeys(format: 'json' | 'xml' | 'form', lead: Record<string, string>, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = format === 'json' ? `"k${i}":1` : format === 'xml' ? `<k${i}>1</k${i}>` : `k${i}=1`;
    parts.push(part);
    size += part.length + 1;
  }
  if (format === 'json')
    return `{${Object.entries(lead)
      .map(([k, v]) => `"${k}":"${v}"`)
      .join(',')},${parts.join(',')}}`;
  if (format === 'xml')
    return `<?xml version="1.0"?><mp>${Object.entries(lead)
      .map(([k, v]) => `<${k}>${v}</${k}>`)
      .join('')}${parts.join('')}</mp>`;
  return `${new URLSearchParams(lead).toString()}&${parts.join('&')}`;
}

async function send(path: string, contentType: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, text, bytes: Buffer.byteLength(text) };
}

describe('a body of many keys is refused before any parsing, auth or schema work', () => {
  const iakLead = () => {
    const { username, apiKey } = sandbox.credentials.iak;
    return {
      commands: 'inq-pasca',
      username,
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: 'big1',
      sign: iakSign(username, apiKey, 'big1'),
    };
  };

  it.each([
    ['1 MB', 1_000_000, /must be at most 65536 bytes/],
    ['60 kB', 60_000, /has more than 64 fields/],
  ])(
    'IAK JSON and XML of %s, with and without credentials: HTTP 400, rc 107, a small answer',
    { timeout: 60_000 },
    async (_label, bytes, reason) => {
      for (const format of ['json', 'xml'] as const) {
        for (const lead of [iakLead(), { commands: 'inq-pasca' }]) {
          const body = manyKeys(format, lead, bytes);
          const answer = await send('/api/v1/bill/check', `application/${format}`, body);
          expect(answer.status, `${format} ${body.length}`).toBe(400);
          expect(answer.text).toMatch(/107/);
          expect(answer.text).toMatch(reason);
          expect(answer.bytes).toBeLessThan(ANSWER_LIMIT);
        }
      }
      expect(sandbox.stats().internalErrors).toBe(0);
    },
  );

  it.each([
    ['1 MB', 1_000_000, 413, /body larger than 65536 bytes/],
    ['60 kB', 60_000, 200, /the form has more than 64 fields/],
  ])(
    'Espay form of %s: 401 without Basic auth, 0001 with it, a small answer',
    { timeout: 60_000 },
    async (_label, bytes, status, reason) => {
      const body = manyKeys('form', espay.inquiryFields('081234', 'SPBFRE'), bytes);
      const anonymous = await send(PATHS.inquiry, 'application/x-www-form-urlencoded', body);
      expect(anonymous.status).toBe(bytes > 65_536 ? 413 : 401);
      expect(anonymous.bytes).toBeLessThan(ANSWER_LIMIT);
      const signedIn = await send(PATHS.inquiry, 'application/x-www-form-urlencoded', body, { authorization: espay.authHeader() });
      expect(signedIn.status).toBe(status);
      expect(JSON.parse(signedIn.text)).toMatchObject({ error_code: '0001', error_desc: expect.stringMatching(reason) });
      expect(signedIn.bytes).toBeLessThan(ANSWER_LIMIT);
    },
  );

  it('an error answer names at most 20 problems and counts the rest', async () => {
    const { username, apiKey } = sandbox.credentials.iak;
    const lead: Record<string, unknown> = { commands: 'checkstatus', username, ref_id: 'R1', sign: iakSign(username, apiKey, 'cs') };
    for (let i = 0; i < 40; i++) lead[`unknown${i}`] = 'x';
    const answer = await send('/api/v1/bill/check', 'application/json', JSON.stringify(lead));
    const details = (JSON.parse(answer.text) as { data: { error_details: Record<string, string[]> } }).data.error_details;
    expect(Object.keys(details)).toHaveLength(21);
    expect(details['_omitted']).toEqual(['20 more problems not listed']);
  });

  it('/__sandbox/health keeps answering while four senders loop megabyte bodies', async () => {
    const bodies = [
      ['/api/v1/bill/check', 'application/json', manyKeys('json', iakLead(), 1_000_000)],
      ['/api/v1/bill/check', 'application/xml', manyKeys('xml', iakLead(), 1_000_000)],
      [PATHS.inquiry, 'application/x-www-form-urlencoded', manyKeys('form', espay.inquiryFields('081234', 'SPBFRE'), 1_000_000)],
      ['/api/v1/bill/check', 'application/json', manyKeys('json', { commands: 'inq-pasca' }, 60_000)],
    ] as const;
    let stop = false;
    let sent = 0;
    const senders = bodies.map(async ([path, type, body]) => {
      while (!stop) {
        const answer = await send(path, type, body, { authorization: espay.authHeader() });
        expect(answer.bytes).toBeLessThan(ANSWER_LIMIT);
        sent++;
      }
    });
    const healthy: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${sandbox.url}/__sandbox/health`, { signal: AbortSignal.timeout(10_000) });
      healthy.push(response.status);
      expect(((await response.json()) as { status: string }).status).toBe('ok');
    }
    stop = true;
    await Promise.all(senders);
    expect(healthy.every((s) => s === 200)).toBe(true);
    expect(sent).toBeGreaterThan(4);
  }, 120_000);
});

describe('a captured Espay payment cannot be replayed', () => {
  it('refuses the same rq_uuid with its case changed (210), and pays once', async () => {
    const inquiry = await espay.inquiry('081234500001', 'SPBFRE');
    const fields = espay.paymentFields('081234500001', 'SPBFRE', inquiry.body.amount, { data: JSON.stringify(inquiry.body.data) });
    expect((await espay.post(PATHS.payment, fields)).body.error_code).toBe('0000');
    const balance = sandbox.balances().espay;
    for (const variant of [fields.rq_uuid?.toLowerCase(), `${fields.rq_uuid?.slice(0, 2).toLowerCase()}${fields.rq_uuid?.slice(2)}`]) {
      // The signature upper-cases its input, so the copy still verifies: only the canonical rq_uuid check stops it.
      const replay = await espay.post(PATHS.payment, { ...fields, rq_uuid: variant as string });
      expect(espayRqUuidKey(variant as string)).toBe(espayRqUuidKey(fields.rq_uuid as string));
      expect(replay.body).toMatchObject({ error_code: '210', error_desc: 'UUID already exist' });
    }
    expect(sandbox.balances().espay).toBe(balance);
    expect(sandbox.transactions()).toHaveLength(1);
  });

  it('refuses an rq_datetime more than 5 minutes off the sandbox clock, either way', async () => {
    const at = (offsetMs: number) => espayDatetime(new Date(sandbox.now().getTime() + offsetMs));
    for (const [offset, word] of [
      [-6 * 60_000, 'old'],
      [6 * 60_000, 'ahead'],
    ] as const) {
      const answer = await espay.post(PATHS.inquiry, espay.inquiryFields('081234500002', 'SPBFRE', { rq_datetime: at(offset) }));
      expect(answer.body).toMatchObject({ error_code: '0001', error_desc: `Invalid request: rq_datetime is more than 5 minutes ${word}` });
    }
    const within = await espay.post(PATHS.inquiry, espay.inquiryFields('081234500002', 'SPBFRE', { rq_datetime: at(-4 * 60_000) }));
    expect(within.body.error_code).toBe('0000');
  });
});

describe('/__sandbox refuses cross-site requests and changes nothing', () => {
  const inspect = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: sandbox.port, path, method: init.method ?? 'GET', headers: init.headers ?? {} },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });

  it('takes JSON only (415), checks Host and Origin (403), and leaves the state alone', async () => {
    await espay.inquireAndPay('081234500003', 'SPBFRE');
    const json = { 'content-type': 'application/json' };
    expect((await inspect('/__sandbox/reset', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect(
      (await inspect('/__sandbox/reset', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }))
        .status,
    ).toBe(415);
    expect((await inspect('/__sandbox/state', { method: 'POST', body: '{"provider":"espay","state":"reset"}' })).status).toBe(415);
    expect((await inspect('/__sandbox/clock', { method: 'POST', body: '{"advanceMs":1000}' })).status).toBe(415);
    expect(
      (await inspect('/__sandbox/reset', { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body: '{}' })).status,
    ).toBe(403);
    expect((await inspect('/__sandbox/reset', { method: 'POST', headers: { ...json, origin: 'null' }, body: '{}' })).status).toBe(403);
    expect(
      (await inspect('/__sandbox/reset', { method: 'POST', headers: { ...json, host: `evil.example:${sandbox.port}` }, body: '{}' }))
        .status,
    ).toBe(403);
    expect((await inspect('/__sandbox/transactions', { headers: { host: `rebound.example:${sandbox.port}` } })).status).toBe(403);
    expect((await inspect('/__sandbox/health', { headers: { host: '127.0.0.1:1' } })).status).toBe(403);
    expect(sandbox.transactions()).toHaveLength(1);
    // Same-origin requests (what curl, node and the CLI's users send) work.
    const own = { ...json, host: `localhost:${sandbox.port}`, origin: `http://localhost:${sandbox.port}` };
    expect((await inspect('/__sandbox/reset', { method: 'POST', headers: own, body: '{}' })).status).toBe(200);
    expect(sandbox.transactions()).toHaveLength(0);
  });

  it('refuses a clock move out of range before moving it; health and payments keep working', async () => {
    const before = sandbox.now().getTime();
    const json = { 'content-type': 'application/json' };
    for (const body of [
      '{"advanceMs":1e308}',
      '{"advanceMs":8.64e15}',
      '{"set":8.64e15}',
      '{"set":-1}',
      '{"set":"+275760-09-13T00:00:00.000Z"}',
      '{"advanceMs":-5}',
    ]) {
      const answer = await inspect('/__sandbox/clock', { method: 'POST', headers: json, body });
      expect(answer.status, body).toBe(400);
      expect(Math.abs(sandbox.now().getTime() - before)).toBeLessThan(60_000);
    }
    expect(() => sandbox.advanceClock(Number.MAX_VALUE)).toThrow(RangeError);
    expect(() => sandbox.setClock(8.64e15)).toThrow(RangeError);
    expect((await inspect('/__sandbox/health')).status).toBe(200);
    expect((await inspect('/__sandbox/transactions')).status).toBe(200);
    const { payment } = await espay.inquireAndPay('081234500004', 'SPBFRE');
    expect(payment.body.error_code).toBe('0000');
    expect(sandbox.stats().internalErrors).toBe(0);
  });
});

describe('form keys and characters that used to slip through', () => {
  it('a __proto__ form key is an unknown field, not silently dropped', async () => {
    const raw = `${new URLSearchParams(espay.inquiryFields('081234500005', 'SPBFRE')).toString()}&__proto__=x`;
    const direct = await espay.raw(PATHS.inquiry, raw);
    expect(direct.status).toBe(200);
    expect(direct.body).toMatchObject({ error_code: '0001', error_desc: expect.stringContaining('unknown field __proto__') });
  });

  it.each([
    ['NUL', '081234\u0000'],
    ['right-to-left override', '081234\u202e5678'],
    ['line feed', '081234\n'],
  ])('%s in order_id is refused (0001) and never echoed', async (_name, orderId) => {
    const answer = await espay.post(PATHS.inquiry, espay.inquiryFields(orderId, 'SPBFRE'));
    expect(answer.body).toMatchObject({
      error_code: '0001',
      error_desc: 'Invalid request: control or bidirectional characters in order_id',
    });
    expect(answer.body.order_id).toBeUndefined();
    expect(answer.text).not.toContain(orderId);
  });

  it('IAK fields with control or bidirectional characters are refused with error_details', async () => {
    const { username, apiKey } = sandbox.credentials.iak;
    const refId = 'RTL1';
    const body = {
      commands: 'inq-pasca',
      username,
      code: 'PLNPOSTPAID',
      hp: '5300000\u202e00001',
      ref_id: refId,
      sign: iakSign(username, apiKey, refId),
    };
    const answer = await send('/api/v1/bill/check', 'application/json', JSON.stringify(body));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).data.error_details).toEqual({ hp: ['must not contain control or bidirectional characters'] });
  });

  it('Basic auth is strict: base64url, missing padding, trailing junk and a second token are 401', async () => {
    const { username, password } = sandbox.credentials.espay.basicAuth;
    const token = Buffer.from(`${username}:${password}`).toString('base64');
    expect((await espay.balance({ headers: { authorization: `Basic ${token}` } })).status).toBe(200);
    const variants = [
      `Basic ${token.replace(/\+/g, '-').replace(/\//g, '_')}x`,
      `Basic ${token.replace(/=+$/, '')}`,
      `Basic ${token}junk`,
      `Basic ${token} ${token}`,
      `Basic ${Buffer.from(`${username}:${password}`).toString('base64url')}`,
    ].filter((v) => v !== `Basic ${token}`);
    for (const authorization of variants) {
      expect((await espay.balance({ headers: { authorization } })).status, authorization).toBe(401);
    }
  });
});
