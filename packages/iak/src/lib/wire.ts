/**
 * Encoding requests and decoding answers in either of IAK's formats.
 *
 * Answers are recognised by their first character, not by the configured format: IAK answers
 * some errors (receipt downloads, S4 SDK notes) as `<mp>` XML whatever was asked, so a JSON client
 * must still read an XML error body, and the other way round.
 *
 * The `<mp>` codec is a parameter: a connection made without one (`xml` option) sends JSON only and
 * reports an XML answer as a MalformedResponseError that says so, instead of carrying the codec.
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
import type { IakFormat } from './config.js';
import { isRecord, type WireData } from './results.js';
import { type IakXmlCodec, iakXml } from './xml.js';

export interface EncodedBody {
  body: string;
  headers: Record<string, string>;
}

// Shared by every request (fetch copies them), so none is built per call.
const XML_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/xml', Accept: 'application/xml' });
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json', Accept: 'application/json' });

/** A request body in `format`; `xml` writes the `<mp>` form and must be given for `format: 'xml'`. */
export function encodeRequest(body: Record<string, unknown>, format: IakFormat, xml: IakXmlCodec | undefined): EncodedBody {
  if (format === 'xml') {
    // createIakConnection refuses format 'xml' without a codec, so this is a caller's bug.
    if (xml === undefined) throw new TypeError("iak: format 'xml' needs the XML codec: pass `xml: iakXml` from '@billerkit/iak'");
    return { body: xml.build(body), headers: XML_HEADERS };
  }
  return { body: JSON.stringify(body), headers: JSON_HEADERS };
}

/** {@link encodeRequest} with the `<mp>` codec of `@billerkit/validators` ({@link iakXml}). */
export function encodeBody(body: Record<string, unknown>, format: IakFormat): EncodedBody {
  return encodeRequest(body, format, iakXml);
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

/**
 * Reads an answer in whichever format it came. Without `xml`, an `<mp>` (or any other XML) answer is
 * a MalformedResponseError telling how to read it: typed, with the redacted body, status and request.
 */
export function decodeAnswer(res: TransportResponse, redactor: Redactor, xml: IakXmlCodec | undefined): DecodedAnswer {
  const ctx: ParseContext = { provider: 'iak', redactor };
  assertNotUnauthorized(res, ctx);
  const op = `iak ${res.request.operation}`;
  const common = { provider: 'iak' as const, httpStatus: res.status, rawBody: res.body, request: res.request, redactor };
  let parsed: unknown;
  let format: IakFormat;
  if (firstSignificantChar(res.body) === '<' && !looksLikeHtml(res.body, res.contentType)) {
    format = 'xml';
    if (xml === undefined) {
      throw new MalformedResponseError({
        ...common,
        message: `${op}: the answer is an XML document (HTTP ${res.status}) and this connection has no XML codec; pass \`xml: iakXml\` from '@billerkit/iak' to createIakConnection to read IAK's <mp> answers`,
      });
    }
    try {
      parsed = xml.parse(res.body);
    } catch (error) {
      if (!xml.isMalformed(error)) throw error;
      throw new MalformedResponseError({
        ...common,
        cause: error,
        message: `${op}: body is not a valid <mp> document (HTTP ${res.status}): ${error.message}`,
      });
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
