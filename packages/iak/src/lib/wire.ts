/**
 * Encoding requests and decoding answers in either of IAK's formats.
 *
 * Answers are recognised by their first character, not by the configured format: IAK answers
 * some errors (receipt downloads, S4 SDK notes) as `<mp>` XML whatever was asked, so a JSON client
 * must still read an XML error body, and the other way round.
 */
import {
  assertNotUnauthorized,
  looksLikeHtml,
  MalformedResponseError,
  type ParseContext,
  parseJsonBody,
  type Redactor,
  type TransportResponse,
} from '@billerkit/core';
import { buildIakXml, IakXmlError, parseIakXml } from '@billerkit/validators';
import type { IakFormat } from './config.js';
import { isRecord, type WireData } from './results.js';

export interface EncodedBody {
  body: string;
  headers: Record<string, string>;
}

// Shared by every request (fetch copies them), so none is built per call.
const XML_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/xml', Accept: 'application/xml' });
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json', Accept: 'application/json' });

export function encodeBody(body: Record<string, unknown>, format: IakFormat): EncodedBody {
  if (format === 'xml') return { body: buildIakXml(body), headers: XML_HEADERS };
  return { body: JSON.stringify(body), headers: JSON_HEADERS };
}

export interface DecodedAnswer {
  /** The whole parsed answer: `{ data, meta? }` for JSON and for XML alike. */
  parsed: Record<string, unknown>;
  data: WireData;
  /** The format the answer actually came in. */
  format: IakFormat;
}

function firstSignificantChar(text: string): string {
  for (const ch of text) {
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r' && ch !== '\ufeff') return ch;
  }
  return '';
}

export function decodeAnswer(res: TransportResponse, redactor: Redactor): DecodedAnswer {
  const ctx: ParseContext = { provider: 'iak', redactor };
  assertNotUnauthorized(res, ctx);
  const op = `iak ${res.request.operation}`;
  const common = { provider: 'iak' as const, httpStatus: res.status, rawBody: res.body, request: res.request, redactor };
  let parsed: unknown;
  let format: IakFormat;
  if (firstSignificantChar(res.body) === '<' && !looksLikeHtml(res.body, res.contentType)) {
    format = 'xml';
    try {
      parsed = parseIakXml(res.body, { form: 'response' });
    } catch (error) {
      if (!(error instanceof IakXmlError)) throw error;
      throw new MalformedResponseError({ ...common, cause: error, message: `${op}: body is not a valid <mp> document (HTTP ${res.status}): ${error.message}` });
    }
  } else {
    format = 'json';
    parsed = parseJsonBody(res, ctx);
  }
  if (!isRecord(parsed) || !isRecord(parsed['data'])) {
    throw new MalformedResponseError({ ...common, message: `${op}: answer has no data object (HTTP ${res.status})` });
  }
  return { parsed, data: parsed['data'], format };
}
