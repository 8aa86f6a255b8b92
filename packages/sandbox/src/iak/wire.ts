import { buildIakXml, parseIakXml } from '@billerkit/validators';
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxResponse } from '../types.js';
import { toJson, toXmlValue } from './money.js';

/** IAK takes and answers JSON or XML (`<mp>` root), chosen by the request's Content-Type. */
export type IakFormat = 'json' | 'xml';

export function mediaTypeOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['content-type'];
  if (typeof header !== 'string') return undefined;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** The format a Content-Type names: `application/json`, `application/xml` or `text/xml`; undefined for anything else. */
export function formatOfMediaType(type: string | undefined): IakFormat | undefined {
  if (type === 'application/json') return 'json';
  if (type === 'application/xml' || type === 'text/xml') return 'xml';
  return undefined;
}

/**
 * The format to answer in when the request's own Content-Type is unusable: XML if the body plainly is XML,
 * else JSON (IAK's SDKs all speak JSON).
 */
export function fallbackFormat(body: Buffer): IakFormat {
  const head = body.subarray(0, 64).toString('latin1').trimStart();
  return head.startsWith('<') ? 'xml' : 'json';
}

export type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes and parses a request body; any failure is a reason string (never echoing the body, which carries the sign). */
export function parseBody(format: IakFormat, body: Buffer): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'body is not UTF-8' };
  }
  if (text.trim() === '') return { ok: false, reason: 'empty body' };
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parseIakXml(text, { form: 'request' });
  } catch {
    return { ok: false, reason: format === 'json' ? 'body is not valid JSON' : 'body is not a well-formed <mp> document' };
  }
  if (!isRecord(value)) return { ok: false, reason: 'body is not an object' };
  return { ok: true, value };
}

/** IAK's envelope `{ "data": …, "meta": [] }` as JSON, or `<mp>` XML with the data fields directly under the root. */
export function envelope(
  format: IakFormat,
  data: Record<string, unknown>,
  options: { status?: number; xmlType?: string } = {},
): SandboxResponse {
  const status = options.status ?? 200;
  if (format === 'xml') {
    return {
      status,
      headers: { 'content-type': options.xmlType ?? 'application/xml' },
      body: buildIakXml(toXmlValue({ data, meta: [] }) as object),
    };
  }
  return { status, headers: { 'content-type': 'application/json' }, body: toJson({ data, meta: [] }) };
}
