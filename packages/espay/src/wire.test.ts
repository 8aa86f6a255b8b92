/**
 * Byte-for-byte proof of what goes on the wire, against the signature vectors of @billerkit/signing
 * (sender SENDERID, key keyforsignature, order 9900990099, product STCKAI, rq_uuid 5441217).
 * The expected bodies are written out literally; nothing here recomputes them with the code under test.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espayValidators } from '@billerkit/validators/espay';
import { createEspayClient } from './client.js';

interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const captured: Captured[] = [];
const answers: Record<string, unknown> = {
  '/rest/biller/inquirytransaction': {
    rq_uuid: '5441217',
    rs_datetime: '2019-09-26 21:03:36',
    error_code: '0000',
    error_desc: 'Success',
    order_id: '9900990099',
    amount: '12540000',
    bill_amount: '12540000',
    admin_fee: '0',
    data: {
      phone_no: '0888666777',
      bill_total: '1',
      bill_ref: '108A000000',
      bill_amount: '000000125400',
      customer_name: 'SMARTFREN CUSTOMER POSTPAID',
      region_code: '00',
    },
  },
  '/rest/biller/paymentreport': {
    rq_uuid: '5441217',
    rs_datetime: '2019-09-26 21:08:17',
    error_code: '0000',
    error_desc: 'Success',
    order_id: '9900990099',
    ref_id: 'TX20190918155254952',
    data: {
      phone_no: '0888666777',
      bill_total: '1',
      bill_ref: '108A000000',
      bill_amount: '000000125400',
      customer_name: 'SMARTFREN CUSTOMER POSTPAID',
      region_code: '00',
    },
  },
  '/rest/billertools/gettransactioninfo': {
    rq_uuid: '5441217',
    rs_datetime: '2019-09-26 21:10:00',
    error_code: '0000',
    error_desc: 'Success',
    ref_id: 'TX20190918155254952',
  },
  '/rest/billertools/getbalance': {
    rq_uuid: '5441217',
    rs_datetime: '2018-01-15 10:33:45',
    error_code: '0000',
    error_desc: 'Success',
    balance: '16127451.00',
  },
};
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      captured.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[req.url ?? ''] ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const vectors = JSON.parse(readFileSync(new URL('../../signing/fixtures/espay-signature.vectors.json', import.meta.url), 'utf8')) as {
  biller: { service: string; fields: Record<string, string>; key: string; signature: string }[];
};
const vector = (service: string) => {
  const v = vectors.biller.find((b) => b.service === service && b.fields['sender_id'] === 'SENDERID');
  if (!v) throw new Error(`no ${service} vector`);
  return v;
};

function client() {
  return createEspayClient({
    baseUrl,
    senderId: 'SENDERID',
    password: 'TeJ9LtGs7xWZNwwm',
    signatureKey: 'keyforsignature',
    basicAuth: { username: 'espay-test', password: 'test' },
    now: () => new Date('2019-09-26T14:03:33Z'), // 21:03:33 in Jakarta
    validators: espayValidators,
    validate: 'strict',
  });
}

function last(): Captured {
  const c = captured.at(-1);
  if (!c) throw new Error('nothing captured');
  return c;
}

describe('exact wire format', () => {
  it('inquiry: body, signature and headers', async () => {
    expect(vector('inquiry').signature).toBe('bad06402f42b1244c88e3c2da24543e5708a96322819af6cc08b809d8aab5405');
    const result = await client().inquiry({ productCode: 'STCKAI', orderId: '9900990099', rqUuid: '5441217' });
    const c = last();
    expect(c.method).toBe('POST');
    expect(c.path).toBe('/rest/biller/inquirytransaction');
    expect(c.body).toBe(
      'rq_uuid=5441217&rq_datetime=2019-09-26%2021%3A03%3A33&sender_id=SENDERID&password=TeJ9LtGs7xWZNwwm&order_id=9900990099&product_code=STCKAI&signature=bad06402f42b1244c88e3c2da24543e5708a96322819af6cc08b809d8aab5405',
    );
    expect(c.headers['authorization']).toBe('Basic ZXNwYXktdGVzdDp0ZXN0');
    expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(c.headers['accept']).toBe('*/*');
    expect(c.headers['content-length']).toBe(String(Buffer.byteLength(c.body)));
    expect(result.amount).toBe(12540000n);
    expect(result.billAmount).toBe(12540000n);
    expect(result.adminFee).toBe(0n);
    expect(result.outcome).toBe('success');
  });

  it('payment: body with the inquiry data echoed, amount and signature', async () => {
    const espay = client();
    const inquiry = await espay.inquiry({ productCode: 'STCKAI', orderId: '9900990099', rqUuid: '5441217' });
    const paid = await espay.pay({ inquiry, rqUuid: '5441217' });
    const c = last();
    expect(c.path).toBe('/rest/biller/paymentreport');
    expect(vector('payment').signature).toBe('27d9cdc54f112a073a5ff23759735b3b1feb60df51ac7716c2347a5697ea123d');
    expect(c.body).toBe(
      'rq_uuid=5441217&rq_datetime=2019-09-26%2021%3A03%3A33&sender_id=SENDERID&password=TeJ9LtGs7xWZNwwm&order_id=9900990099&product_code=STCKAI&amount=12540000' +
        '&signature=27d9cdc54f112a073a5ff23759735b3b1feb60df51ac7716c2347a5697ea123d' +
        '&data=%7B%22phone_no%22%3A%220888666777%22%2C%22bill_total%22%3A%221%22%2C%22bill_ref%22%3A%22108A000000%22%2C%22bill_amount%22%3A%22000000125400%22%2C%22customer_name%22%3A%22SMARTFREN%20CUSTOMER%20POSTPAID%22%2C%22region_code%22%3A%2200%22%7D',
    );
    expect(paid).toMatchObject({ outcome: 'success', refId: 'TX20190918155254952', amount: 12540000n, errorCode: '0000' });
  });

  it('payment without inquiry: explicit bigint amount, no data field', async () => {
    await client().pay({ productCode: 'STCKAI', orderId: '9900990099', amount: 12540000n, rqUuid: '5441217' });
    expect(last().body).toBe(
      'rq_uuid=5441217&rq_datetime=2019-09-26%2021%3A03%3A33&sender_id=SENDERID&password=TeJ9LtGs7xWZNwwm&order_id=9900990099&product_code=STCKAI&amount=12540000&signature=27d9cdc54f112a073a5ff23759735b3b1feb60df51ac7716c2347a5697ea123d',
    );
  });

  it('status and balance', async () => {
    const espay = client();
    await espay.transactionInfo({ refId: 'TX20190918155254952', rqUuid: '5441217' });
    expect(last().path).toBe('/rest/billertools/gettransactioninfo');
    expect(last().body).toBe(
      'rq_uuid=5441217&rq_datetime=2019-09-26%2021%3A03%3A33&sender_id=SENDERID&password=TeJ9LtGs7xWZNwwm&signature=b90773f9249e9189f5c0eddead2c4320656afe7a929738f779d76a03eb148ec2&ref_id=TX20190918155254952',
    );
    expect(vector('status').signature).toBe('b90773f9249e9189f5c0eddead2c4320656afe7a929738f779d76a03eb148ec2');
    const bal = await espay.balance({ rqUuid: '5441217' });
    expect(last().body).toBe(
      'rq_uuid=5441217&rq_datetime=2019-09-26%2021%3A03%3A33&sender_id=SENDERID&password=TeJ9LtGs7xWZNwwm&signature=053d478aad1c5fa38abd9d382e825c22fd85ad37316f93fe02063877559d02bf',
    );
    expect(vector('balance').signature).toBe('053d478aad1c5fa38abd9d382e825c22fd85ad37316f93fe02063877559d02bf');
    expect(bal.balance).toBe(1612745100n);
  });

  it('each call sends exactly one request (the body is sent once)', async () => {
    const before = captured.length;
    await client().pay({ productCode: 'STCKAI', orderId: '9900990099', amount: 100n, rqUuid: '5441217' });
    expect(captured.length - before).toBe(1);
  });
});
