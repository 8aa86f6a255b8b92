import { mediaType } from './http.js';
import type { SandboxRequest, SandboxResponse } from './types.js';

/**
 * Answers the server gives on IAK paths when the IAK module cannot (an oversize body that never
 * reaches it, or an exception escaping it). They use IAK's envelope in the request's own format:
 * `{ "data": { … }, "meta": [] }` for JSON, `<mp>…</mp>` for XML.
 */
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function iakEnvelope(
  request: Pick<SandboxRequest, 'headers'>,
  status: number,
  fields: Record<string, string | Record<string, string[]>>,
): SandboxResponse {
  if (mediaType(request.headers['content-type'])?.endsWith('xml')) {
    const inner = Object.entries(fields)
      .map(([name, value]) =>
        typeof value === 'string'
          ? `<${name}>${escapeXml(value)}</${name}>`
          : `<${name}>${Object.entries(value)
              .map(([key, messages]) => messages.map((m) => `<${key}>${escapeXml(m)}</${key}>`).join(''))
              .join('')}</${name}>`,
      )
      .join('');
    return { status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" ?>\n<mp>${inner}</mp>` };
  }
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: fields, meta: [] }) };
}

/**
 * rc 201 "UNDEFINED RESPONSE CODE" is the code IAK documents as Pending: after an unexpected failure on
 * our side the only honest answer is "outcome unknown, check the status", never a definite failure
 * that would invite the client to pay again.
 */
export function iakInternalError(request: Pick<SandboxRequest, 'headers'>): SandboxResponse {
  return iakEnvelope(request, 200, { response_code: '201', message: 'UNDEFINED RESPONSE CODE' });
}

/**
 * An oversize body is refused like any other unacceptable request of the IAK module: HTTP 400, rc 107
 * (XML FORMAT ERROR) and `error_details`, the newer reference's "Bad Request … check error_details".
 */
export function iakBodyTooLarge(request: Pick<SandboxRequest, 'headers'>, maxBytes: number): SandboxResponse {
  return iakEnvelope(request, 400, {
    response_code: '107',
    message: 'XML FORMAT ERROR',
    error_details: { body: [`must be at most ${maxBytes} bytes`] },
  });
}
