/**
 * Receipt download: `GET /api/v1/download/{tr_id}` answers a PDF, or an `<mp>` error body;
 * `GET /api/v1/download/{tr_id}/1` (what IAK's own SDKs call) answers the receipt as JSON lines.
 *
 * core's transport hands back bodies as UTF-8 text, which would corrupt a PDF, so the PDF form asks it to
 * keep the exact bytes as well (`keepBytes`): the same transport, timeouts, deadline and size cap.
 */
import {
  MalformedResponseError,
  ProviderError,
  type Redactor,
  type TransportResponse,
  classifyIak,
  errorFromClassification,
  normaliseCode,
} from '@billerkit/core';
import { IAK_PATHS } from './config.js';
import { connectionInternals, type IakConnection, type IakConnectionInternals } from './connection.js';
import type { IakCallOptions } from './exchange.js';
import { normaliseTrId } from './requests.js';
import { isRecord, text } from './results.js';
import { decodeAnswer } from './wire.js';
import type { IakXmlCodec } from './xml.js';

export interface IakReceiptPdf {
  outcome: 'success';
  kind: 'pdf';
  trId: string;
  /** The document exactly as IAK sent it. */
  bytes: Uint8Array;
  contentType: string;
  httpStatus: number;
}

export interface IakReceiptData {
  outcome: 'success';
  kind: 'data';
  trId: string;
  /** Printed receipt lines by label (`HEADER`, `TANGGAL`, `NO. RESI`, …), product specific. */
  lines: Record<string, string>;
  httpStatus: number;
  raw: unknown;
}

export type IakReceipt = IakReceiptPdf | IakReceiptData;

export type IakReceiptFormat = 'pdf' | 'data';

export interface IakReceiptInput {
  trId: string | number | bigint;
  format?: IakReceiptFormat;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

function isPdf(bytes: Uint8Array): boolean {
  return PDF_MAGIC.every((b, i) => bytes[i] === b);
}

function context(res: TransportResponse, redactor: Redactor) {
  return { provider: 'iak' as const, httpStatus: res.status, rawBody: res.body, request: res.request, redactor };
}

/** An answer that is not the receipt: an IAK error (`<mp>` or JSON with a response code) or garbage. */
function receiptError(res: TransportResponse, redactor: Redactor, xml: IakXmlCodec | undefined): never {
  let data: Record<string, unknown> | undefined;
  try {
    data = decodeAnswer(res, redactor, xml).data;
  } catch (error) {
    if (res.status === 404) {
      throw new ProviderError({
        ...context(res, redactor),
        kind: 'not_found',
        code: null,
        cause: error,
        message: `iak download-receipt: HTTP 404, no receipt for this tr_id`,
      });
    }
    throw error;
  }
  const code = normaliseCode(data['response_code']);
  if (code !== null) {
    const c = classifyIak(code);
    throw errorFromClassification(c, {
      ...context(res, redactor),
      providerMessage: text(data['message']) ?? null,
    });
  }
  throw new MalformedResponseError({
    ...context(res, redactor),
    message: `iak download-receipt: HTTP ${res.status} without a receipt or a response code`,
  });
}

async function downloadReceipt(
  c: IakConnectionInternals,
  trId: string,
  format: IakReceiptFormat,
  call: IakCallOptions | undefined,
): Promise<IakReceipt> {
  const { redactor, xml } = c;
  const path = IAK_PATHS.receipt(trId) + (format === 'data' ? '/1' : '');
  const res = await c.transport.send({
    operation: 'download-receipt',
    method: 'GET',
    url: c.baseUrl + path,
    headers: { Accept: format === 'pdf' ? 'application/pdf, application/xml;q=0.5' : 'application/json' },
    idempotent: true,
    // The PDF keeps its exact bytes; the JSON form reads as text, like any answer.
    keepBytes: format === 'pdf',
    references: { tr_id: trId },
    ...(call?.signal ? { signal: call.signal } : {}),
    ...(call?.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call?.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: call.totalTimeoutMs }),
  });

  if (format === 'pdf') {
    const bytes = res.bodyBytes ?? new Uint8Array(0);
    if (res.status === 200 && isPdf(bytes)) {
      return { outcome: 'success', kind: 'pdf', trId, bytes, contentType: res.contentType || 'application/pdf', httpStatus: res.status };
    }
    return receiptError(res, redactor, xml);
  }

  if (res.status !== 200) return receiptError(res, redactor, xml);
  const decoded = decodeAnswer(res, redactor, xml);
  if (normaliseCode(decoded.data['response_code']) !== null) return receiptError(res, redactor, xml);
  c.validation?.checkResponse({
    provider: 'iak',
    component: 'ReceiptResponse',
    data: decoded.parsed,
    rawBody: res.body,
    httpStatus: res.status,
    request: res.request,
    redactor,
  });
  const lines: Record<string, string> = {};
  for (const [label, value] of Object.entries(decoded.data)) {
    const line = text(value);
    if (line !== undefined) lines[label] = line;
  }
  if (!isRecord(decoded.data) || Object.keys(lines).length === 0) {
    throw new MalformedResponseError({ ...context(res, redactor), message: 'iak download-receipt: receipt without lines' });
  }
  return { outcome: 'success', kind: 'data', trId, lines, httpStatus: res.status, raw: decoded.parsed };
}

/**
 * The receipt of a paid transaction: the PDF (`GET /api/v1/download/{tr_id}`, default) or its
 * printed lines as data (`format: 'data'`, `GET /api/v1/download/{tr_id}/1`, as IAK's SDKs use).
 * IAK answers a missing receipt with an `<mp>` error body; a connection without the XML codec reports
 * that as a MalformedResponseError (HTTP 404: a ProviderError of kind `not_found`).
 */
export async function receipt(connection: IakConnection, input: IakReceiptInput, options?: IakCallOptions): Promise<IakReceipt> {
  const c = connectionInternals(connection, 'iak.receipt');
  if (typeof input !== 'object' || input === null) throw new TypeError('iak.receipt: input must be an object');
  const trId = normaliseTrId(input.trId, 'iak.receipt');
  const format = input.format ?? 'pdf';
  if (format !== 'pdf' && format !== 'data')
    throw new TypeError(`iak.receipt: format must be 'pdf' or 'data', got ${JSON.stringify(format)}`);
  return downloadReceipt(c, trId, format, options);
}
