/**
 * Re-signing of requests replayed from a pact. Which fields an Espay signature covers and which input an
 * IAK sign takes come from `@billerkit/signing`'s operation tables, not from here.
 */
import { ESPAY_SIGNATURE_FIELDS, espayOperationOfPath, espaySignature, iakSign, iakSignInputOf } from '@billerkit/signing';
import { type EspayCredentials, type IakCredentials, PLACEHOLDERS } from './credentials.js';

export interface ResignOptions {
  espay?: EspayCredentials;
  iak?: IakCredentials;
  /**
   * Gives a fresh id for `rq_uuid` (Espay) and `ref_id` (IAK inquiries). Used against targets without
   * provider states, whose memory of earlier runs would otherwise answer "duplicate".
   */
  freshId?: () => string;
}

export type HeaderRecord = Record<string, string | string[] | undefined>;

/**
 * Puts the target's credentials into an Espay form request: sender_id, the password placeholder, a
 * signature over the final fields (only where the pact holds the placeholder, so a wrong-signature
 * interaction stays wrong) and the Basic header (likewise).
 */
export function resignEspayForm(
  path: string,
  fields: Readonly<Record<string, string>>,
  headers: HeaderRecord,
  options: ResignOptions,
): Record<string, string> {
  const credentials = options.espay;
  if (!credentials) return { ...fields };
  const out = { ...fields };
  if ('sender_id' in out) out['sender_id'] = credentials.senderId;
  if (out['password'] === PLACEHOLDERS.espayPassword) out['password'] = credentials.password;
  if (options.freshId && 'rq_uuid' in out) out['rq_uuid'] = options.freshId();
  const row = espayOperationOfPath(path);
  if (row && out['signature'] === PLACEHOLDERS.espaySignature) {
    const recipe: readonly string[] = ESPAY_SIGNATURE_FIELDS[row.signature];
    const signed = Object.fromEntries(recipe.map((name) => [name, out[name] ?? '']));
    out['signature'] = espaySignature(row.signature, signed as never, credentials.signatureKey);
  }
  if (headers['authorization'] === PLACEHOLDERS.espayBasic) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${credentials.basicAuth.username}:${credentials.basicAuth.password}`).toString('base64')}`;
  }
  return out;
}

/** The same for an IAK JSON body: username, a fresh inquiry ref_id when asked, and `sign` where the pact holds the placeholder. */
export function resignIakJson(body: Readonly<Record<string, unknown>>, options: ResignOptions): Record<string, unknown> {
  const credentials = options.iak;
  if (!credentials) return { ...body };
  const out = { ...body };
  if ('username' in out) out['username'] = credentials.username;
  if (options.freshId && out['commands'] === 'inq-pasca' && 'ref_id' in out) out['ref_id'] = options.freshId();
  const extra = iakSignInputOf(out);
  if (extra !== undefined && out['sign'] === PLACEHOLDERS.iakSign) out['sign'] = iakSign(credentials.username, credentials.apiKey, extra);
  return out;
}

const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`);
const escapeXml = (value: string) => value.replace(/[<&>]/g, (c) => `&${{ '<': 'lt', '&': 'amp', '>': 'gt' }[c]};`);

/** The same for IAK's `<mp>` XML, edited in place so the rest of the document stays byte for byte what the pact holds. */
export function resignIakXml(xml: string, options: ResignOptions): string {
  const credentials = options.iak;
  if (!credentials) return xml;
  let out = xml;
  const read = (name: string) => element(name).exec(out)?.[1];
  const write = (name: string, value: string) => {
    out = out.replace(element(name), `<${name}>${escapeXml(value)}</${name}>`);
  };
  if (read('username') !== undefined) write('username', credentials.username);
  if (options.freshId && read('commands') === 'inq-pasca' && read('ref_id') !== undefined) write('ref_id', options.freshId());
  const extra = iakSignInputOf({ commands: read('commands'), ref_id: read('ref_id'), tr_id: read('tr_id') });
  if (extra !== undefined && read('sign') === PLACEHOLDERS.iakSign) write('sign', iakSign(credentials.username, credentials.apiKey, extra));
  return out;
}

/** Media type of a header value, lowercased, parameters dropped. */
export function mediaTypeOf(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  return (text ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The slice of an express request the pact-js verifier proxy hands its request filter. */
export interface ProxyRequest {
  path: string;
  headers: HeaderRecord;
  body: unknown;
}

function setBody(req: ProxyRequest, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  req.body = buffer;
  req.headers['content-length'] = String(buffer.length);
}

const isParsed = (body: unknown): body is Record<string, unknown> => body !== null && typeof body === 'object' && !Buffer.isBuffer(body);

/**
 * The verifier proxy's request filter. pact-js 16.5's Verifier parses form bodies with
 * `body-parser.urlencoded` and, when it forwards, serialises any parsed object with `JSON.stringify`, so a
 * form body would reach the provider as JSON text under a form Content-Type (pact-js issue 884). A Buffer
 * is forwarded untouched, so the filter rebuilds each body (form, JSON or XML) as text with the target's
 * credentials and fresh signatures, and hands the proxy a Buffer with a matching Content-Length.
 */
export function resigningRequestFilter(options: ResignOptions) {
  return (req: ProxyRequest, _res: unknown, next: () => void) => {
    // The verifier's own state set-up calls go through this middleware too; leave them alone.
    if (req.path === '/_pactSetup' || req.path === '/_messages') return next();
    const type = mediaTypeOf(req.headers['content-type']);
    const body = req.body;
    if (type === 'application/x-www-form-urlencoded' && isParsed(body)) {
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(body))
        fields[name] = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
      setBody(req, new URLSearchParams(resignEspayForm(req.path, fields, req.headers, options)).toString());
    } else if (type === 'application/json' && isParsed(body)) {
      setBody(req, JSON.stringify(resignIakJson(body, options)));
    } else if ((type === 'application/xml' || type === 'text/xml') && Buffer.isBuffer(body)) {
      setBody(req, resignIakXml(body.toString('utf8'), options));
    }
    next();
  };
}
