/**
 * The modular API: `createIakConnection` and the operation functions, against the embedded sandbox and
 * a loopback IAK server. A connection shows no secret, refuses look-alikes, and one made without the
 * `<mp>` codec reports an XML answer as a typed MalformedResponseError, which payAndConfirm settles by
 * checkstatus like any unreadable payment answer, never by posting again blind.
 */
import { inspect } from 'node:util';
import { MalformedResponseError, ProviderError, RequestAbortedError, SignatureError } from '@billerkit/core';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { iakValidators } from '@billerkit/validators/iak';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkStatus,
  createIakClient,
  createIakConnection,
  type IakConnection,
  type IakConnectionOptions,
  iakXml,
  inquiry,
  pay,
  payAndConfirm,
  pricelist,
  receipt,
} from './index.js';
import { FAKE_API_KEY, FAKE_USERNAME, type FakeIak, startFakeIak } from './test-support/fake-iak.js';

let sandbox: Sandbox;
let fake: FakeIak;
beforeAll(async () => {
  [sandbox, fake] = await Promise.all([startSandbox({ deterministic: true, settle: { afterChecks: 2 } }), startFakeIak()]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), fake?.close()]);
});
beforeEach(() => {
  sandbox.reset();
  fake.reset();
});

function sandboxConnection(extra: Partial<IakConnectionOptions> = {}) {
  return createIakConnection({ baseUrl: sandbox.url, ...sandbox.credentials.iak, validators: iakValidators, validate: 'strict', ...extra });
}

function fakeConnection(extra: Partial<IakConnectionOptions> = {}) {
  return createIakConnection({
    baseUrl: fake.url,
    username: FAKE_USERNAME,
    apiKey: FAKE_API_KEY,
    timeoutMs: 10_000,
    retry: { maxRetries: 0 },
    ...extra,
  });
}

describe('the modular operations against the sandbox', () => {
  it('inquires, pays and checks the status through a connection without the XML codec', async () => {
    const iak = sandboxConnection();
    expect(iak).toEqual({ baseUrl: sandbox.url.replace(/\/+$/, ''), environment: 'custom', format: 'json' });
    const before = sandbox.balances().iak;

    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'MOD1' });
    expect(bill).toMatchObject({ outcome: 'success', refId: 'MOD1', responseCode: '00' });
    expect(typeof bill.price).toBe('bigint');
    expect(bill.price).toBe(bill.nominal + bill.admin);

    const paid = await pay(iak, { trId: bill.trId });
    expect(paid.outcome).toBe('success');
    expect(paid.balance).toBe(before - bill.sellingPrice);

    const status = await checkStatus(iak, { refId: bill.refId });
    expect(status).toMatchObject({ outcome: 'success', status: 1, trId: bill.trId });

    const prices = await pricelist(iak, { type: 'pln' });
    expect(prices.products.length).toBeGreaterThan(0);
    const pdf = await receipt(iak, { trId: bill.trId });
    expect(pdf.kind).toBe('pdf');

    expect(sandbox.balances().iak).toBe(before - bill.sellingPrice);
    expect(sandbox.transactions().filter((t) => t.provider === 'iak')).toHaveLength(1);
  });

  it('speaks <mp> XML with `xml: iakXml`, with the same typed results', async () => {
    const iak = sandboxConnection({ format: 'xml', xml: iakXml });
    expect(iak.format).toBe('xml');
    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'MODX1' });
    expect(bill).toMatchObject({ outcome: 'success', refId: 'MODX1' });
    expect(typeof bill.sellingPrice).toBe('bigint');
    await expect(pay(iak, { trId: bill.trId })).resolves.toMatchObject({ outcome: 'success', trId: bill.trId });
    await expect(checkStatus(iak, { refId: 'MODX1' })).resolves.toMatchObject({ outcome: 'success', status: 1 });
  });

  it('settles a pending payment with payAndConfirm and throws typed errors as the client does', async () => {
    const iak = sandboxConnection();
    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000007', refId: 'MOD2' });
    const result = await payAndConfirm(iak, bill, { poll: { initialDelayMs: 10, maxDelayMs: 50 }, deadlineMs: 5000 });
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1 });

    await expect(inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000004', refId: 'MOD3' })).rejects.toMatchObject({
      code: '01',
      kind: 'already_paid',
    });
    const failing = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000006', refId: 'MOD4' });
    await expect(pay(iak, { trId: failing.trId })).rejects.toBeInstanceOf(ProviderError);
    const wrong = createIakConnection({ baseUrl: sandbox.url, username: sandbox.credentials.iak.username, apiKey: 'not-the-key' });
    await expect(checkStatus(wrong, { refId: 'MOD1' })).rejects.toBeInstanceOf(SignatureError);
  });
});

describe('a connection', () => {
  const secret = 'very-secret-api-key-Qz81';

  it('shows only where it points: no inspection or JSON form reaches the API key', async () => {
    const logged: string[] = [];
    const connection = createIakConnection({
      baseUrl: fake.url,
      username: FAKE_USERNAME,
      apiKey: secret,
      xml: iakXml,
      logger: { debug: (message, meta) => logged.push(message, JSON.stringify(meta)) },
    });
    // A call through it, so that everything it keeps internally has been used once.
    await expect(checkStatus(connection, { refId: 'NOPE' })).rejects.toBeInstanceOf(SignatureError);

    expect(Reflect.ownKeys(connection)).toEqual(['baseUrl', 'environment', 'format']);
    expect(Object.isFrozen(connection)).toBe(true);
    expect(() => {
      (connection as unknown as Record<string, unknown>)['baseUrl'] = 'https://evil.example';
    }).toThrow(TypeError);
    const shown = [
      inspect(connection, { showHidden: true, depth: 5, getters: true }),
      inspect(connection, { showHidden: true, depth: Number.POSITIVE_INFINITY, showProxy: true }),
      JSON.stringify(connection),
      String(connection),
      ...logged,
    ];
    for (const text of shown) expect(text).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(connection))).toEqual({ baseUrl: fake.url, environment: 'custom', format: 'json' });
  });

  it('is required by every operation: a plain object, a copy, a client or null is a TypeError and nothing is sent', async () => {
    const real = fakeConnection();
    const lookAlikes: unknown[] = [
      { baseUrl: fake.url, environment: 'custom', format: 'json' },
      { ...real },
      Object.freeze(Object.create(real) as object),
      createIakClient({ baseUrl: fake.url, username: FAKE_USERNAME, apiKey: FAKE_API_KEY }),
      null,
      undefined,
      fake.url,
    ];
    for (const notOne of lookAlikes) {
      const c = notOne as IakConnection;
      await expect(inquiry(c, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'B1' })).rejects.toThrow(
        /^iak\.inquiry: the first argument must be an IAK connection from createIakConnection/,
      );
      await expect(pay(c, { trId: '1' })).rejects.toThrow(TypeError);
      await expect(checkStatus(c, { refId: 'B1' })).rejects.toThrow(TypeError);
      await expect(pricelist(c)).rejects.toThrow(TypeError);
      await expect(receipt(c, { trId: '1' })).rejects.toThrow(TypeError);
      await expect(payAndConfirm(c, { trId: '1', refId: 'B1' })).rejects.toThrow(TypeError);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('checks its options as createIakClient does, under its own name', () => {
    const creds = { username: FAKE_USERNAME, apiKey: FAKE_API_KEY };
    expect(() => createIakConnection({ username: '1', apiKey: '' })).toThrow(/^createIakConnection: apiKey must not be empty/);
    expect(() => createIakConnection({ ...creds, validate: 'strict' })).toThrow(
      /^createIakConnection: validate 'strict' needs the validators/,
    );
    expect(() => createIakConnection(null as never)).toThrow(/^createIakConnection: options must be an object/);
    expect(() => createIakConnection({ ...creds, xml: {} as never })).toThrow(/^createIakConnection: xml must be the iakXml codec/);
    // The client keeps its own name in the same errors.
    expect(() => createIakClient({ username: '1', apiKey: '' })).toThrow(/^createIakClient: apiKey must not be empty/);
    expect(() => createIakClient({ ...creds, format: 'xml' })).not.toThrow();
  });
});

describe('a connection without the XML codec', () => {
  it("refuses format 'xml' at creation, telling how to get the codec", () => {
    const creds = { username: FAKE_USERNAME, apiKey: FAKE_API_KEY };
    expect(() => createIakConnection({ ...creds, format: 'xml' })).toThrow(TypeError);
    expect(() => createIakConnection({ ...creds, format: 'xml' })).toThrow("pass `xml: iakXml` (import { iakXml } from '@billerkit/iak')");
    expect(createIakConnection({ ...creds, format: 'xml', xml: iakXml }).format).toBe('xml');
  });

  it('reports an <mp> answer as a MalformedResponseError with the redacted body, the status and the request', async () => {
    fake.override('inq-pasca', async (req, f) => {
      const reply = await f.defaults['inq-pasca']!(req, f);
      // The key in the body proves the kept body is redacted.
      return { ...reply, format: 'xml', data: { ...reply.data, tr_name: `NAME ${FAKE_API_KEY}` } };
    });
    const error = await inquiry(fakeConnection(), { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'LEAN1' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MalformedResponseError);
    const malformed = error as MalformedResponseError;
    expect(malformed.message).toContain('iak inq-pasca: the answer is an XML document (HTTP 200)');
    expect(malformed.message).toContain("pass `xml: iakXml` from '@billerkit/iak'");
    expect(malformed).toMatchObject({ provider: 'iak', kind: 'malformed_response', httpStatus: 200 });
    expect(malformed.rawBody).toContain('<mp>');
    expect(malformed.rawBody).toContain('<tr_name>NAME [REDACTED]</tr_name>');
    expect(malformed.rawBody).not.toContain(FAKE_API_KEY);
    expect(malformed.request).toMatchObject({ operation: 'inq-pasca', method: 'POST', references: { ref_id: 'LEAN1' } });

    // The same answer is read by a JSON connection that has the codec (as createIakClient's is).
    fake.reset();
    fake.override('inq-pasca', async (req, f) => ({ ...(await f.defaults['inq-pasca']!(req, f)), format: 'xml' }));
    const bill = await inquiry(fakeConnection({ xml: iakXml }), { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'LEAN2' });
    expect(bill).toMatchObject({ outcome: 'success', price: 30250000n });
  });

  it.each([
    [
      'an <mp> error document',
      '<?xml version="1.0" ?>\n<mp><response_code>100</response_code><message>INVALID SIGNATURE</message></mp>',
      'application/xml',
      /XML document/,
    ],
    [
      'hostile XML (a DTD with entities)',
      '<?xml version="1.0"?><!DOCTYPE mp [<!ENTITY a "aaaa">]><mp><message>&a;</message></mp>',
      'application/xml',
      /XML document/,
    ],
    ['XML after a BOM and blank lines', '\ufeff\n\n  <mp><data/></mp>', 'text/plain', /XML document/],
    ['an HTML error page', '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', 'text/html', /HTML page instead of JSON/],
    ['an HTML page sent as XML', '<html><body>login</body></html>', 'application/xml', /HTML page instead of JSON/],
  ])('reads %s as a typed MalformedResponseError', async (_label, raw, contentType, message) => {
    fake.override('checkstatus', () => ({ raw, contentType }));
    const error = await checkStatus(fakeConnection(), { refId: 'LEAN3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).message).toMatch(message);
    // The transport decodes UTF-8 and so drops a BOM; the body is otherwise kept as sent.
    expect((error as MalformedResponseError).rawBody).toBe(raw.replace(/^\ufeff/, ''));
  });

  it("reports an <mp> receipt error as malformed where the codec's connection reads IAK's code", async () => {
    const unpaid = { trId: '9732792' };
    await expect(receipt(fakeConnection(), unpaid)).rejects.toBeInstanceOf(MalformedResponseError);
    await expect(receipt(fakeConnection({ xml: iakXml }), unpaid)).rejects.toMatchObject({
      name: 'ProviderError',
      code: '06',
      kind: 'not_found',
    });
  });
});

describe('payAndConfirm on a connection without the XML codec', () => {
  const FAST = { deadlineMs: 4000, poll: { initialDelayMs: 20, maxDelayMs: 60 }, rePostGraceMs: 150 };
  const xmlAnswers = (command: string, howMany = Number.POSITIVE_INFINITY) => {
    let left = howMany;
    fake.override(command, async (req, f) => {
      const reply = await f.defaults[command]!(req, f);
      return left-- > 0 ? { ...reply, format: 'xml' } : reply;
    });
  };

  it('settles an unreadable (XML) payment answer by checkstatus and never posts it again', async () => {
    const iak = fakeConnection();
    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'LPAC1' });
    xmlAnswers('pay-pasca');
    xmlAnswers('checkstatus', 2);

    const result = await payAndConfirm(iak, bill, FAST);

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(result).toMatchObject({ outcome: 'success', via: 'status', payments: 1, rePosted: false, statusChecks: 3 });
    expect(result.status).toMatchObject({ outcome: 'success', status: 1 });
  });

  it('reports unknown, never failed and never a second payment, when no answer can be read', async () => {
    const iak = fakeConnection();
    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'LPAC2' });
    xmlAnswers('pay-pasca');
    xmlAnswers('checkstatus');

    // Long enough for two unreadable status checks on a loaded machine; the verdict does not depend on how many.
    const result = await payAndConfirm(iak, bill, { ...FAST, deadlineMs: 3000 });

    expect(fake.counts['pay-pasca']).toBe(1);
    expect(fake.counts['checkstatus']).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ outcome: 'unknown', payments: 1, rePosted: false, references: { trId: bill.trId, refId: 'LPAC2' } });
    if (result.outcome !== 'unknown') throw new Error('unreachable');
    expect(result.statusChecks).toBeGreaterThanOrEqual(2);
    // The last error is an unreadable answer, or a status check cut short by the deadline.
    expect(result.lastError instanceof MalformedResponseError || result.lastError instanceof RequestAbortedError).toBe(true);
    expect(result.status).toBeUndefined();
  });

  it('re-posts once only after a readable checkstatus says IAK never received the payment', async () => {
    const iak = fakeConnection();
    const bill = await inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'LPAC3' });
    // The first payment is lost inside IAK (not recorded) and its answer is XML; the status says 42.
    let first = true;
    fake.override('pay-pasca', async (req, f) => {
      if (first) {
        first = false;
        return { format: 'xml', data: { response_code: '05', message: 'UNDEFINED ERROR' } };
      }
      return f.defaults['pay-pasca']!(req, f);
    });

    const result = await payAndConfirm(iak, bill, FAST);

    expect(fake.counts['pay-pasca']).toBe(2);
    expect(result).toMatchObject({ outcome: 'success', via: 'pay', payments: 2, rePosted: true });
    if (result.outcome === 'success') expect(result.status).toMatchObject({ outcome: 'not_found', responseCode: '42' });
    // This payment's requests only (a status check a previous test gave up on may still arrive).
    const mine = fake.requests
      .filter(
        (r) =>
          (r.command === 'pay-pasca' && r.body['tr_id'] === bill.trId) || (r.command === 'checkstatus' && r.body['ref_id'] === 'LPAC3'),
      )
      .map((r) => r.command);
    expect(mine[0]).toBe('pay-pasca');
    expect(mine[1]).toBe('checkstatus');
    expect(mine.lastIndexOf('pay-pasca')).toBe(mine.length - 1);
  });
});
