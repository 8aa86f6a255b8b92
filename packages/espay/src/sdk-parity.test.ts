/**
 * The client sends straight through core's transport, not through the generated SDK's runtime; this proves
 * that what goes out is exactly the request the generated SDK builds for the same body (URL, method, every
 * header, body), so the generated code stays the contract for paths, auth and content type.
 */
import { describe, expect, it } from 'vitest';
import { createEspayClient } from './client.js';
import { type EspayOperation, espayBodySerializer } from './form.js';
import { createClient, createConfig } from './generated/client/index.js';
import { getBalance, getRegisteredProducts, getTransactionInfo, inquiryTransaction, paymentReport } from './generated/sdk.gen.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

const BASIC = { username: 'espay-test', password: 'test' };

function headerMap(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function viaClient(run: (client: ReturnType<typeof createEspayClient>) => Promise<unknown>): Promise<Sent> {
  return new Promise<Sent>((resolve, reject) => {
    const client = createEspayClient({
      baseUrl: 'HTTP://127.0.0.1:80/base/',
      senderId: 'SENDERID',
      password: 'TeJ9LtGs7xWZNwwm',
      signatureKey: 'keyforsignature',
      basicAuth: BASIC,
      now: () => new Date('2019-09-26T14:03:33Z'),
      validate: 'off',
      retry: { maxRetries: 0 },
      fetch: async (input, init) => {
        resolve({
          url: String(input),
          method: init?.method ?? 'GET',
          headers: headerMap(new Headers(init?.headers)),
          body: String(init?.body),
        });
        throw new Error('captured, not sent');
      },
    });
    run(client).then(
      () => reject(new Error('expected the stub fetch to fail the call')),
      () => {},
    );
  });
}

type SdkCall = (options: object) => Promise<unknown>;
const SDK: Record<EspayOperation, SdkCall> = {
  inquiryTransaction: inquiryTransaction as unknown as SdkCall,
  paymentReport: paymentReport as unknown as SdkCall,
  getTransactionInfo: getTransactionInfo as unknown as SdkCall,
  getBalance: getBalance as unknown as SdkCall,
  getRegisteredProducts: getRegisteredProducts as unknown as SdkCall,
};

async function viaGeneratedSdk(operation: EspayOperation, form: string): Promise<Sent> {
  let sent: Sent | undefined;
  const http = createClient(
    createConfig({ baseUrl: 'HTTP://127.0.0.1:80/base', auth: () => `${BASIC.username}:${BASIC.password}`, headers: { Accept: '*/*' } }),
  );
  await SDK[operation]({
    client: http,
    body: Object.fromEntries(new URLSearchParams(form)),
    bodySerializer: espayBodySerializer(operation),
    throwOnError: false,
    fetch: async (request: Request) => {
      sent = { url: request.url, method: request.method, headers: headerMap(request.headers), body: await request.text() };
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  if (!sent) throw new Error(`the generated ${operation} sent nothing`);
  return sent;
}

describe('requests match the generated SDK', () => {
  const cases: Array<[EspayOperation, (client: ReturnType<typeof createEspayClient>) => Promise<unknown>]> = [
    [
      'inquiryTransaction',
      (c) => c.inquiry({ productCode: 'STCKAI', orderId: '9900990099', rqUuid: '5441217', additionalData: { amount: '10000000' } }),
    ],
    [
      'paymentReport',
      (c) => c.pay({ productCode: 'STCKAI', orderId: '9900990099', amount: 12540000n, data: { note: 'a b&c' }, rqUuid: '5441217' }),
    ],
    ['getTransactionInfo', (c) => c.transactionInfo({ refId: 'TX20190918155254952', rqUuid: '5441217' })],
    ['getBalance', (c) => c.balance({ rqUuid: '5441217' })],
    ['getRegisteredProducts', (c) => c.registeredProducts({ rqUuid: '5441217' })],
  ];
  for (const [operation, run] of cases) {
    it(operation, async () => {
      const mine = await viaClient(run);
      const generated = await viaGeneratedSdk(operation, mine.body);
      expect(mine).toEqual(generated);
      expect(mine.headers['authorization']).toBe('Basic ZXNwYXktdGVzdDp0ZXN0');
    });
  }
});

describe('base URL', () => {
  const creds = { senderId: 'S', password: 'p', signatureKey: 'k', basicAuth: BASIC };
  it.each([
    ['not a URL', 'sandbox-api.espay.id'],
    ['not http', 'ftp://example.com'],
    ['credentials in it', 'https://user:pw@example.com'],
  ])('%s is refused at construction', (_why, baseUrl) => {
    expect(() => createEspayClient({ ...creds, baseUrl })).toThrow(TypeError);
  });
  it('trailing slashes are dropped', () => {
    expect(createEspayClient({ ...creds, baseUrl: 'http://127.0.0.1:4010/espay//' }).baseUrl).toBe('http://127.0.0.1:4010/espay');
  });
});
