import { type EspayService, espaySignature, IAK_SIGN_EXTRA, iakSign } from '@billerkit/signing';
import type { EspayCredentials, IakCredentials } from '../target.js';
import { PLACEHOLDERS } from './common.js';

/** Which Espay signature recipe a path uses (the product list has none documented; the spec uses the balance recipe). */
const ESPAY_SERVICE_OF_PATH: Readonly<Record<string, EspayService>> = {
  '/rest/biller/inquirytransaction': 'inquiry',
  '/rest/biller/paymentreport': 'payment',
  '/rest/billertools/gettransactioninfo': 'status',
  '/rest/billertools/getbalance': 'balance',
  '/rest/billertools/getregisteredproducts': 'balance',
};

export interface ResignOptions {
  espay?: EspayCredentials;
  iak?: IakCredentials;
  /**
   * Gives a fresh id for `rq_uuid` (Espay) and `ref_id` (IAK inquiries). Used against targets without
   * provider states, whose memory of earlier runs would otherwise answer "duplicate".
   */
  freshId?: () => string;
}

export interface OutgoingRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function espayFields(service: EspayService, fields: Record<string, string>): Record<string, string> {
  const pick = (name: string) => fields[name] ?? '';
  switch (service) {
    case 'inquiry':
      return { sender_id: pick('sender_id'), order_id: pick('order_id'), product_code: pick('product_code'), rq_uuid: pick('rq_uuid') };
    case 'payment':
      return { sender_id: pick('sender_id'), order_id: pick('order_id'), product_code: pick('product_code'), amount: pick('amount'), rq_uuid: pick('rq_uuid') };
    case 'status':
      return { sender_id: pick('sender_id'), ref_id: pick('ref_id'), rq_uuid: pick('rq_uuid') };
    case 'balance':
      return { sender_id: pick('sender_id'), rq_uuid: pick('rq_uuid') };
  }
}

/**
 * Puts the target's credentials into an Espay form request replayed from a pact: sender_id, the password
 * placeholder, a signature over the final fields (only where the pact holds the placeholder, so the
 * wrong-signature interaction stays wrong) and the Basic header (likewise).
 */
export function resignEspayForm(path: string, fields: Record<string, string>, headers: OutgoingRequest['headers'], options: ResignOptions): Record<string, string> {
  const credentials = options.espay;
  if (!credentials) return fields;
  const out = { ...fields };
  if ('sender_id' in out) out['sender_id'] = credentials.senderId;
  if (out['password'] === PLACEHOLDERS.espayPassword) out['password'] = credentials.password;
  if (options.freshId && 'rq_uuid' in out) out['rq_uuid'] = options.freshId();
  const service = ESPAY_SERVICE_OF_PATH[path];
  if (service && out['signature'] === PLACEHOLDERS.espaySignature) {
    out['signature'] = espaySignature(service, espayFields(service, out) as never, credentials.signatureKey);
  }
  if (headers['authorization'] === PLACEHOLDERS.espayBasic) {
    headers['authorization'] = `Basic ${Buffer.from(`${credentials.basicAuth.username}:${credentials.basicAuth.password}`).toString('base64')}`;
  }
  return out;
}

function iakExtra(command: unknown, body: Record<string, unknown>): string | undefined {
  switch (command) {
    case 'inq-pasca':
      return typeof body['ref_id'] === 'string' ? body['ref_id'] : undefined;
    case 'pay-pasca':
      return typeof body['tr_id'] === 'string' || typeof body['tr_id'] === 'number' ? String(body['tr_id']) : undefined;
    case 'checkstatus':
      return IAK_SIGN_EXTRA.checkStatus;
    case 'pricelist-pasca':
      return IAK_SIGN_EXTRA.pricelist;
    default:
      return undefined;
  }
}

/** The same for an IAK JSON body: username, a fresh inquiry ref_id when asked, and `sign` where the pact holds the placeholder. */
export function resignIakJson(body: Record<string, unknown>, options: ResignOptions): Record<string, unknown> {
  const credentials = options.iak;
  if (!credentials) return body;
  const out = { ...body };
  if ('username' in out) out['username'] = credentials.username;
  if (options.freshId && out['commands'] === 'inq-pasca' && 'ref_id' in out) out['ref_id'] = options.freshId();
  const extra = iakExtra(out['commands'], out);
  if (extra !== undefined && out['sign'] === PLACEHOLDERS.iakSign) out['sign'] = iakSign(credentials.username, credentials.apiKey, extra);
  return out;
}

const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`);

/**
 * The same for IAK's `<mp>` XML, edited in place so the rest of the document stays byte for byte what
 * the pact holds.
 */
export function resignIakXml(xml: string, options: ResignOptions): string {
  const credentials = options.iak;
  if (!credentials) return xml;
  const read = (name: string) => element(name).exec(xml)?.[1];
  const write = (name: string, value: string) => {
    xml = xml.replace(element(name), `<${name}>${value.replace(/[<&>]/g, (c) => `&${{ '<': 'lt', '&': 'amp', '>': 'gt' }[c]};`)}</${name}>`);
  };
  if (read('username') !== undefined) write('username', credentials.username);
  const command = read('commands');
  if (options.freshId && command === 'inq-pasca' && read('ref_id') !== undefined) write('ref_id', options.freshId());
  const fields: Record<string, unknown> = { ref_id: read('ref_id'), tr_id: read('tr_id') };
  const extra = iakExtra(command, fields);
  if (extra !== undefined && read('sign') === PLACEHOLDERS.iakSign) write('sign', iakSign(credentials.username, credentials.apiKey, extra));
  return xml;
}

/** Media type of a header value, lowercased, parameters dropped. */
export function mediaTypeOf(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  return (text ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The slice of an express request the verifier proxy hands its request filter. */
export interface ProxyRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function setBody(req: ProxyRequest, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  req.body = buffer;
  req.headers['content-length'] = String(buffer.length);
}

/**
 * The verifier proxy's request filter: rebuilds each parsed body as text with the target's credentials and
 * hands the proxy a Buffer (see verify-child.ts for why).
 */
export function requestFilterFor(options: ResignOptions) {
  return (req: ProxyRequest, _res: unknown, next: () => void) => {
    // The verifier's own state set-up calls go through this middleware too; leave them alone.
    if (req.path === '/_pactSetup' || req.path === '/_messages') return next();
    const type = mediaTypeOf(req.headers['content-type']);
    const body = req.body;
    if (type === 'application/x-www-form-urlencoded' && body && typeof body === 'object' && !Buffer.isBuffer(body)) {
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
        fields[name] = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
      }
      setBody(req, new URLSearchParams(resignEspayForm(req.path, fields, req.headers, options)).toString());
    } else if (type === 'application/json' && body && typeof body === 'object' && !Buffer.isBuffer(body)) {
      setBody(req, JSON.stringify(resignIakJson(body as Record<string, unknown>, options)));
    } else if ((type === 'application/xml' || type === 'text/xml') && Buffer.isBuffer(body)) {
      setBody(req, resignIakXml(body.toString('utf8'), options));
    }
    next();
  };
}
