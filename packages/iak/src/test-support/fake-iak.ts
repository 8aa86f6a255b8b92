/**
 * A small IAK postpaid server on loopback for the client's integration tests: real HTTP, real
 * signatures, JSON and `<mp>` XML, a little state (inquiries, payments) and per-command overrides
 * so a test can script timeouts, hang-ups and odd answers. Not the sandbox: that is
 * `@billerkit/sandbox`; this one exists so each test controls exactly what IAK says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { IAK_SIGN_EXTRA, verifyIakSign } from '@billerkit/signing';
import { buildIakXml, parseIakXml } from '@billerkit/validators';

export const FAKE_USERNAME = '081234567890';
export const FAKE_API_KEY = 'fake-api-key-7Xq9';

export type Format = 'json' | 'xml';

export interface FakeRequest {
  command: string;
  method: string;
  path: string;
  format: Format;
  headers: IncomingMessage['headers'];
  raw: string;
  body: Record<string, unknown>;
}

export interface FakeReply {
  status?: number;
  /** `data` of the answer; written as JSON or `<mp>` XML in the request's format. */
  data?: Record<string, unknown>;
  /** A body written verbatim instead of `data`. */
  raw?: string | Uint8Array;
  contentType?: string;
  /** Wait this long before answering (the handler's effects have already happened). */
  delayMs?: number;
  /** Close the connection without answering. */
  hangUp?: boolean;
  /**
   * Never answer; wait until the client gives up and closes the connection (the handler's effects have
   * already happened). A test then times out on its own timeout, not on a race with the fake's clock.
   */
  holdUntilClosed?: boolean;
  /** Answer in this format instead of the request's. */
  format?: Format;
}

export type Handler = (req: FakeRequest, fake: FakeIak) => FakeReply | Promise<FakeReply>;

export interface Inquiry {
  trId: number;
  refId: string;
  code: string;
  hp: string;
  /** `unpaid`, `paid`, `pending` (in process), `failed`. */
  state: 'unpaid' | 'paid' | 'pending' | 'failed';
}

export interface FakeIak {
  url: string;
  counts: Record<string, number>;
  requests: FakeRequest[];
  inquiries: Map<string, Inquiry>;
  /** Replace the behaviour of one command (`inq-pasca`, `pay-pasca`, `checkstatus`, `pricelist-pasca`, `receipt`, `receipt-data`). */
  override(command: string, handler: Handler): void;
  /** The default behaviour, for overrides that wrap it. */
  defaults: Record<string, Handler>;
  byTrId(trId: unknown): Inquiry | undefined;
  reset(): void;
  close(): Promise<void>;
}

const PLN_DESC = {
  tarif: 'R1',
  daya: 1300,
  lembar_tagihan: '1',
  tagihan: { detail: [{ periode: '201608', nilai_tagihan: '300000', admin: '2500', denda: '0', total: 302500 }] },
};

export const PDF_BYTES = new Uint8Array([
  ...Buffer.from('%PDF-1.4\n%'),
  0xe2,
  0xe3,
  0xcf,
  0xd3,
  0xff,
  0xfe,
  0x00,
  0x80,
  ...Buffer.from('\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
]);

function bill(inq: Inquiry) {
  return {
    tr_id: inq.trId,
    code: inq.code,
    hp: inq.hp,
    tr_name: 'SUBCRIBER NAME',
    period: '201608',
    nominal: 300000,
    admin: 2500,
    ref_id: inq.refId,
  };
}

function signOk(req: FakeRequest, extra: unknown): boolean {
  return (
    typeof req.body['sign'] === 'string' && typeof extra === 'string' && verifyIakSign(FAKE_USERNAME, FAKE_API_KEY, extra, req.body['sign'])
  );
}

const INVALID_SIGNATURE = { data: { response_code: '100', message: 'INVALID SIGNATURE' } };

/** Special customer numbers: the inquiry answers this response code. */
const INQUIRY_CODES: Record<string, [string, string]> = {
  '530000000004': ['01', 'INVOICE HAS BEEN PAID'],
  '530000000005': ['14', 'INCORRECT DESTINATION NUMBER'],
  '530000000009': ['05', 'UNDEFINED ERROR'],
};

export function createDefaults(): Record<string, Handler> {
  let nextTrId = 9732792;
  return {
    'inq-pasca': (req, fake) => {
      if (!signOk(req, req.body['ref_id'])) return INVALID_SIGNATURE;
      const refId = String(req.body['ref_id']);
      const hp = String(req.body['hp']);
      const special = INQUIRY_CODES[hp];
      if (special) return { data: { response_code: special[0], message: special[1] } };
      if (fake.inquiries.has(refId)) return { data: { response_code: '11', message: 'DUPLICATE REF ID' } };
      const inq: Inquiry = { trId: nextTrId++, refId, code: String(req.body['code']), hp, state: 'unpaid' };
      fake.inquiries.set(refId, inq);
      return {
        data: { ...bill(inq), response_code: '00', message: 'INQUIRY SUCCESS', price: 302500, selling_price: 301900, desc: PLN_DESC },
      };
    },
    'pay-pasca': (req, fake) => {
      if (!signOk(req, String(req.body['tr_id']))) return INVALID_SIGNATURE;
      const inq = fake.byTrId(req.body['tr_id']);
      if (!inq) return { data: { response_code: '06', message: 'INQUIRY ID NOT FOUND' } };
      if (inq.state === 'paid' || inq.state === 'pending') return { data: { response_code: '01', message: 'INVOICE HAS BEEN PAID' } };
      inq.state = 'paid';
      return {
        data: {
          ...bill(inq),
          datetime: '20180803171844',
          response_code: '00',
          message: 'PAYMENT SUCCESS',
          price: 302500,
          selling_price: 301900,
          balance: 997586108,
          noref: '004212C9245F1BA43A77CEBD5CD5DA39',
          desc: { ...PLN_DESC, lembar_tagihan_sisa: 0 },
        },
      };
    },
    checkstatus: (req, fake) => {
      if (!signOk(req, IAK_SIGN_EXTRA.checkStatus)) return INVALID_SIGNATURE;
      const inq = fake.inquiries.get(String(req.body['ref_id']));
      if (!inq) return { data: { response_code: '06', message: 'INQUIRY ID NOT FOUND' } };
      const common = { ...bill(inq), price: 302500, selling_price: 301900, balance: 997586108, desc: PLN_DESC };
      switch (inq.state) {
        case 'unpaid':
          return { data: { ...common, status: 0, response_code: '42', message: 'REQUEST PEMBAYARAN BELUM DITERIMA' } };
        case 'pending':
          return { data: { ...common, status: 3, response_code: '39', message: 'PENDING / TRANSAKSI SEDANG DIPROSES' } };
        case 'failed':
          return {
            data: { ...common, datetime: '20210316174828', noref: '', status: 2, response_code: '37', message: 'PEMBAYARAN GAGAL' },
          };
        case 'paid':
          return {
            data: { ...common, datetime: '20180803171608', noref: '1609626', status: 1, response_code: '00', message: 'PAYMENT SUCCESS' },
          };
      }
    },
    'pricelist-pasca': (req) => {
      if (!signOk(req, IAK_SIGN_EXTRA.pricelist)) return INVALID_SIGNATURE;
      const all = [
        { code: 'AETRA', name: 'AETRA', status: 1, fee: 2500, komisi: 700, type: 'pdam', category: 'postpaid', province: 'Jakarta' },
        { code: 'BPJS', name: 'BPJS Kesehatan', status: 1, fee: 2000, komisi: 100, type: 'bpjs', category: 'postpaid' },
        { code: 'PLNPOSTPAID', name: 'PLN Postpaid', status: 1, fee: 2500, komisi: 600, type: 'pln', category: 'postpaid' },
      ];
      const type = req.path.split('/')[5];
      return { data: { pasca: type ? all.filter((p) => p.type === type) : all } };
    },
    receipt: (req, fake) => {
      const inq = fake.byTrId(req.path.split('/')[4]);
      if (inq?.state !== 'paid') {
        return { format: 'xml', data: { response_code: '06', message: 'INQUIRY ID NOT FOUND' } };
      }
      return { raw: PDF_BYTES, contentType: 'application/pdf' };
    },
    'receipt-data': (req, fake) => {
      const inq = fake.byTrId(req.path.split('/')[4]);
      if (inq?.state !== 'paid') return { format: 'xml', data: { response_code: '06', message: 'INQUIRY ID NOT FOUND' } };
      return {
        format: 'json',
        data: {
          HEADER: 'STRUK PEMBAYARAN PLN',
          'NO. RESI': String(inq.trId),
          'ID PELANGGAN': inq.hp,
          'JUMLAH TAGIHAN': 'Rp 300.000',
          ADMIN: 'Rp 2.500',
        },
      };
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function commandOf(method: string, path: string, body: Record<string, unknown>): string {
  if (method === 'GET' && path.startsWith('/api/v1/download/')) return path.endsWith('/1') ? 'receipt-data' : 'receipt';
  return typeof body['commands'] === 'string' ? body['commands'] : 'unknown';
}

function encodeReply(reply: FakeReply, format: Format): { body: string | Uint8Array; contentType: string } {
  if (reply.raw !== undefined) return { body: reply.raw, contentType: reply.contentType ?? 'text/plain' };
  const data = reply.data ?? {};
  if (format === 'xml') return { body: buildIakXml({ data }), contentType: reply.contentType ?? 'application/xml' };
  return { body: JSON.stringify({ data, meta: [] }), contentType: reply.contentType ?? 'application/json' };
}

export async function startFakeIak(): Promise<FakeIak> {
  const sockets = new Set<Socket>();
  let overrides = new Map<string, Handler>();
  let defaults = createDefaults();
  const fake: FakeIak = {
    url: '',
    counts: {},
    requests: [],
    inquiries: new Map(),
    get defaults() {
      return defaults;
    },
    override(command, handler) {
      overrides.set(command, handler);
    },
    byTrId(trId) {
      for (const inq of fake.inquiries.values()) if (String(inq.trId) === String(trId)) return inq;
      return undefined;
    },
    reset() {
      overrides = new Map();
      defaults = createDefaults();
      fake.counts = {};
      fake.requests = [];
      fake.inquiries.clear();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const contentType = String(req.headers['content-type'] ?? '');
    const format: Format = contentType.includes('xml') ? 'xml' : 'json';
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = (format === 'xml' ? parseIakXml(raw, { form: 'request' }) : JSON.parse(raw)) as Record<string, unknown>;
      } catch {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { response_code: '107', message: 'XML FORMAT ERROR' }, meta: [] }));
        return;
      }
    }
    const method = req.method ?? 'GET';
    const command = commandOf(method, path, body);
    const request: FakeRequest = { command, method, path, format, headers: req.headers, raw, body };
    fake.requests.push(request);
    fake.counts[command] = (fake.counts[command] ?? 0) + 1;
    const handler = overrides.get(command) ?? defaults[command];
    const reply: FakeReply = handler ? await handler(request, fake) : { status: 404, raw: 'not found' };
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.holdUntilClosed) {
      if (!req.socket.destroyed) await new Promise((resolve) => req.socket.once('close', resolve));
      return;
    }
    if (reply.hangUp) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed || req.socket.destroyed) return;
    const encoded = encodeReply(reply, reply.format ?? format);
    res.writeHead(reply.status ?? 200, { 'content-type': encoded.contentType }).end(encoded.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
