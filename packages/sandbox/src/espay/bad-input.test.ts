import { connect } from 'node:net';
import { espaySignature } from '@billerkit/signing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox.js';
import { CODES } from './codes.js';
import { checkContract, EspayTestClient, PATHS } from './espay.test.helpers.js';

let sandbox: Sandbox;
let client: EspayTestClient;
const logged: unknown[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    deterministic: true,
    maxBodyBytes: 64 * 1024,
    logger: { error: (message, details) => logged.push({ message, details }) },
  });
  client = new EspayTestClient(sandbox);
});

afterAll(async () => {
  await sandbox.close();
  expect(client.checks.length).toBeGreaterThan(50);
  expect(client.violations()).toEqual([]);
  // None of the bad input below reached the internal-error path.
  expect(logged).toEqual([]);
  expect(sandbox.stats().internalErrors).toBe(0);
});

const ALL = Object.values(PATHS);
const SECRETS = () => [
  sandbox.credentials.espay.password,
  sandbox.credentials.espay.signatureKey,
  sandbox.credentials.espay.basicAuth.password,
];

function expectNoSecrets(text: string) {
  for (const secret of SECRETS()) expect(text).not.toContain(secret);
}

describe('Basic authentication', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['missing', {}],
    ['wrong password', { authorization: `Basic ${Buffer.from('espay-test:nope').toString('base64')}` }],
    ['wrong user', { authorization: `Basic ${Buffer.from('someone:sandbox-basic-password').toString('base64')}` }],
    ['not Basic', { authorization: 'Bearer abc' }],
    ['no colon', { authorization: `Basic ${Buffer.from('espay-test').toString('base64')}` }],
    ['garbage', { authorization: 'Basic !!!!' }],
  ];
  it.each(ALL.flatMap((path) => cases.map(([name, headers]) => [path, name, headers] as const)))(
    '%s, %s → 401',
    async (path, _name, headers) => {
      const response = await fetch(`${sandbox.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(client.balanceFields()).toString(),
      });
      const text = await response.text();
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(JSON.parse(text)).toEqual({ error_code: '401', error_desc: 'Unauthorized' });
      client.checks.push(checkContract(path, 401, JSON.parse(text)));
    },
  );

  it('a wrong Basic password is refused before anything else is looked at (no rq_uuid is used up)', async () => {
    const fields = client.balanceFields();
    await client.post(PATHS.balance, fields, { headers: { authorization: `Basic ${Buffer.from('espay-test:x').toString('base64')}` } });
    expect((await client.post(PATHS.balance, fields)).body.error_code).toBe('0000');
  });
});

describe('content type and method', () => {
  it.each([
    ['application/json', JSON.stringify({ rq_uuid: 'X' })],
    ['text/plain', 'rq_uuid=X'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="rq_uuid"\r\n\r\nX\r\n--x--'],
    ['application/xml', '<mp/>'],
  ])('%s → 0001', async (contentType, body) => {
    const answer = await client.raw(PATHS.balance, body, { headers: { 'content-type': contentType } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ error_code: CODES.invalidRequest.code, rq_uuid: '-' });
    expect(answer.body.error_desc).toMatch(/Content-Type/);
  });

  it('accepts a charset parameter on the form content type', async () => {
    const answer = await client.raw(PATHS.balance, new URLSearchParams(client.balanceFields()).toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(answer.body.error_code).toBe('0000');
  });

  it('no content type at all → 0001', async () => {
    const response = await fetch(`${sandbox.url}${PATHS.balance}`, {
      method: 'POST',
      headers: { authorization: client.authHeader() },
      body: new Blob([new URLSearchParams(client.balanceFields()).toString()]),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { error_code: string }).error_code).toBe(CODES.invalidRequest.code);
  });

  it.each(['GET', 'PUT', 'DELETE'])('%s → 405 with the envelope', async (method) => {
    const answer = await client.raw(PATHS.inquiry, method === 'GET' ? undefined : 'a=b', { method });
    expect(answer.status).toBe(405);
    expect(answer.body).toMatchObject({ error_code: CODES.invalidRequest.code });
  });
});

describe('malformed form bodies', () => {
  it.each([
    ['empty', ''],
    ['only separators', '&&&&'],
    ['bad percent escapes', 'rq_uuid=%zz&order_id=%&product_code=%E0%A4%A'],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x3d, 0x26])],
    ['json in a form', '{"rq_uuid":"x"}'],
    ['a huge single field name', `${'a'.repeat(30_000)}=1`],
  ] as const)('%s → 0001', async (_name, body) => {
    for (const path of ALL) {
      const answer = await client.raw(path, body);
      expect(answer.status).toBe(200);
      expect(answer.body.error_code).toBe(CODES.invalidRequest.code);
      expect(answer.body.error_desc).toMatch(/^Invalid request: /);
      expect(answer.body.error_desc.length).toBeLessThanOrEqual(128);
    }
  });

  it('names missing fields, per endpoint, without echoing any value', async () => {
    const full = {
      [PATHS.inquiry]: client.inquiryFields('081234', 'SPBFRE'),
      [PATHS.payment]: client.paymentFields('081234', 'SPBFRE', '100000'),
      [PATHS.status]: client.statusFields('TX1'),
      [PATHS.balance]: client.balanceFields(),
      [PATHS.products]: client.balanceFields(),
    };
    for (const [path, fields] of Object.entries(full)) {
      for (const name of Object.keys(fields)) {
        const { [name]: _dropped, ...rest } = fields;
        const answer = await client.post(path, rest);
        expect(answer.body.error_code, `${path} without ${name}`).toBe(CODES.invalidRequest.code);
        expect(answer.body.error_desc).toContain(`missing ${name}`);
        expectNoSecrets(answer.text);
      }
    }
  });

  it('names malformed and unknown fields', async () => {
    const fields = client.inquiryFields('081234', 'SPBFRE', { rq_datetime: '2025/01/01', colour: 'blue' });
    const answer = await client.post(PATHS.inquiry, fields);
    expect(answer.body.error_desc).toMatch(/invalid rq_datetime/);
    expect(answer.body.error_desc).toMatch(/unknown field colour/);
  });

  it('refuses data and additional_data together, and JSON that is not an object', async () => {
    const both = await client.inquiry('081234', 'SPBFRE', { data: '{}', additional_data: '{}' });
    expect(both.body.error_code).toBe(CODES.invalidRequest.code);
    const notObject = await client.inquiry('081234', 'SPBFRE', { additional_data: '[1,2]' });
    expect(notObject.body.error_code).toBe(CODES.invalidRequest.code);
  });

  // The docs' own "150.000,00" is accepted (x-provider-accepts; see provider-accepts.test.ts); nothing else is.
  it('refuses an amount with other separators or decimals', async () => {
    for (const amount of ['150,000.00', '150.000', '1,000', '-100', '12 540 000', '1e5']) {
      const answer = await client.payment('4333333333', 'SINCBN', amount);
      expect(answer.body.error_code, amount).toBe(CODES.invalidRequest.code);
    }
    expect(sandbox.transactions()).toEqual([]);
  });

  it('never answers 5xx or hangs, whatever the form holds (property)', async () => {
    const field = fc.constantFrom(
      'rq_uuid',
      'rq_datetime',
      'sender_id',
      'password',
      'order_id',
      'product_code',
      'amount',
      'signature',
      'ref_id',
      'data',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL),
        fc.array(fc.tuple(field, fc.string({ maxLength: 80 })), { maxLength: 10 }),
        fc.string({ maxLength: 40 }),
        async (path, pairs, junk) => {
          const body = `${new URLSearchParams(pairs).toString()}&${junk}`;
          const answer = await client.raw(path, body);
          expect(answer.status).toBeLessThan(500);
          expect(answer.body).toHaveProperty('error_code');
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('credentials and signature', () => {
  it('a wrong password or sender_id answers 0012 and never echoes them', async () => {
    for (const change of [{ password: 'wrong-password' }, { sender_id: 'OTHER' }] as Record<string, string>[]) {
      const fields = { ...client.balanceFields(), ...change };
      const answer = await client.post(PATHS.balance, fields);
      expect(answer.body).toMatchObject({ error_code: '0012', error_desc: 'Invalid sender_id or password' });
      expect(answer.text).not.toContain('wrong-password');
      expectNoSecrets(answer.text);
    }
  });

  it.each(ALL)('%s with a wrong signature answers 0011', async (path) => {
    const make = {
      [PATHS.inquiry]: () => client.inquiryFields('081234', 'SPBFRE'),
      [PATHS.payment]: () => client.paymentFields('4333333333', 'SINCBN', '100000'),
      [PATHS.status]: () => client.statusFields('TX1'),
      [PATHS.balance]: () => client.balanceFields(),
      [PATHS.products]: () => client.balanceFields(),
    }[path];
    const fields = make();
    const sig = fields.signature as string;
    const variants = [
      `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`,
      espaySignature('balance', { sender_id: fields.sender_id as string, rq_uuid: fields.rq_uuid as string }, 'another-key'),
    ];
    for (const signature of variants) {
      const answer = await client.post(path, { ...fields, signature });
      expect(answer.body).toMatchObject({ error_code: '0011', error_desc: 'Invalid signature', rq_uuid: fields.rq_uuid });
      expectNoSecrets(answer.text);
    }
    expect(sandbox.transactions()).toEqual([]);
  });

  it('a signature over a different amount does not authorise this amount', async () => {
    const fields = client.paymentFields('4333333333', 'SINCBN', '100000');
    const answer = await client.post(PATHS.payment, { ...fields, amount: '999900' });
    expect(answer.body.error_code).toBe('0011');
  });

  it('accepts an upper-case hex signature only in the tolerant profile (strict: 64 lowercase hex)', async () => {
    const fields = client.balanceFields();
    const answer = await client.post(PATHS.balance, { ...fields, signature: (fields.signature as string).toUpperCase() });
    expect(answer.body.error_code).toBe(CODES.invalidRequest.code);
  });
});

describe('transport limits', () => {
  it('an oversize body gets a provider-shaped 413 and the server stays usable', async () => {
    const big = `rq_uuid=${'x'.repeat(200 * 1024)}`;
    const answer = await client.raw(PATHS.inquiry, big);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error_code: CODES.invalidRequest.code });
    expect(answer.body.error_desc).toMatch(/larger than 65536 bytes/);
    expect((await client.balance()).body.error_code).toBe('0000');
  });

  it('a body far beyond the cap is cut off without an answer, and the server stays usable', async () => {
    const error = await fetch(`${sandbox.url}${PATHS.inquiry}`, {
      method: 'POST',
      headers: { authorization: client.authHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a'.repeat(2 * 1024 * 1024),
    }).then(
      (response) => response.status,
      (err: Error) => err,
    );
    // Either the socket is cut while the client still writes, or (if it finished writing first) a 413.
    if (typeof error === 'number') expect(error).toBe(413);
    else expect(error).toBeInstanceOf(Error);
    expect((await client.balance()).body.error_code).toBe('0000');
  });

  it('a client that stops sending mid-body is timed out, not waited for forever', async () => {
    const slow = await startSandbox({ requestTimeoutMs: 400 });
    try {
      const started = Date.now();
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(slow.port, '127.0.0.1', () => {
          socket.write(
            `POST ${PATHS.balance} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nrq_uuid=1`,
          );
        });
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk.toString();
        });
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      // Node answers 408 or simply closes; either way no provider answer and no hang.
      if (outcome !== '') expect(outcome).toMatch(/^HTTP\/1\.1 408/);
      expect(slow.stats().internalErrors).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
