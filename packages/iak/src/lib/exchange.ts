/**
 * The request/answer path every postpaid command shares: spec check of the request, encoding, one
 * send through core's transport, decoding, the HTTP-level refusals, spec check of the answer; and the
 * helpers that give answer-made errors their context. Operations call these with their connection's
 * internals.
 */
import {
  assertAnswerFits,
  type BillerkitError,
  type Classification,
  errorFromClassification,
  MalformedResponseError,
  normaliseCode,
  ProviderError,
  type RequestSummary,
  sumProblems,
  type TransportResponse,
  ValidationError,
  type ValidationIssue,
} from '@billerkit/core';
import type { IakConnectionInternals } from './connection.js';
import { normaliseTrId } from './requests.js';
import { isRecord, text, type WireData } from './results.js';
import { decodeAnswer, encodeRequest } from './wire.js';

/** Per-call options. */
export interface IakCallOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's total deadline for this call. */
  totalTimeoutMs?: number;
}

/** A postpaid command and the spec components of its request and of its JSON and XML answers. */
export interface IakCommand {
  operation: 'inq-pasca' | 'pay-pasca' | 'checkstatus' | 'pricelist-pasca';
  request: string;
  json: string;
  xml: string;
}

export interface Answer {
  res: TransportResponse;
  parsed: Record<string, unknown>;
  data: WireData;
  responseCode: string | null;
  message: string | null;
}

export function errorContext(c: IakConnectionInternals, res: TransportResponse) {
  return { provider: 'iak' as const, httpStatus: res.status, rawBody: res.body, request: res.request, redactor: c.redactor };
}

/** Amount parsing etc. may throw a bare MalformedResponseError; give it the answer's context. */
export function withContext<T>(c: IakConnectionInternals, res: TransportResponse, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof MalformedResponseError && error.rawBody === null) {
      throw new MalformedResponseError({
        ...errorContext(c, res),
        cause: error,
        message: `iak ${res.request.operation}: ${error.message}`,
      });
    }
    throw error;
  }
}

/** A tr_id IAK sent back is the answer's fault when malformed, not the caller's: a typed error. */
export function answerTrId(c: IakConnectionInternals, res: TransportResponse, value: unknown): string {
  try {
    return normaliseTrId(value, `iak ${res.request.operation} answer`);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new MalformedResponseError({ ...errorContext(c, res), cause: error, message: error.message });
  }
}

export async function exchange(
  c: IakConnectionInternals,
  command: IakCommand,
  path: string,
  body: Record<string, unknown>,
  call: IakCallOptions | undefined,
  idempotent: boolean,
  references: Record<string, string>,
): Promise<Answer> {
  const { operation } = command;
  const { validation, redactor } = c;
  const url = c.baseUrl + path;
  if (validation) {
    const request: RequestSummary = { operation, method: 'POST', url, references };
    validation.checkRequest({ provider: 'iak', component: command.request, data: body, request, redactor });
  }
  const encoded = encodeRequest(body, c.format, c.xml);
  const res = await c.transport.send({
    operation,
    method: 'POST',
    url,
    headers: encoded.headers,
    body: encoded.body,
    idempotent,
    references,
    ...(call?.signal ? { signal: call.signal } : {}),
    ...(call?.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call?.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: call.totalTimeoutMs }),
  });
  const decoded = decodeAnswer(res, redactor, c.xml);
  const responseCode = normaliseCode(decoded.data['response_code']);
  const message = text(decoded.data['message']) ?? null;

  // HTTP 400: IAK refused the request before processing; `error_details` says why, field by field.
  if (res.status === 400 && (responseCode === null || isRecord(decoded.data['error_details']))) {
    throw new ValidationError({
      ...errorContext(c, res),
      code: responseCode,
      providerMessage: message,
      direction: 'request',
      issues: badRequestIssues(decoded.data),
      message: `iak ${operation}: HTTP 400, request refused${message ? `: ${message}` : ''}`,
    });
  }
  if ((res.status < 200 || res.status > 299) && responseCode === null) {
    throw new ProviderError({
      ...errorContext(c, res),
      code: null,
      message: `iak ${operation}: HTTP ${res.status} without a response code`,
    });
  }
  if (validation && res.status >= 200 && res.status <= 299) {
    const xml = decoded.format === 'xml';
    const component = xml ? command.xml : command.json;
    const data = xml && operation !== 'pricelist-pasca' ? decoded.data : decoded.parsed;
    // XML text carries no types, so the strict profile (the documented JSON types) cannot hold for
    // it; the tolerant profile's patches exist for exactly that, and XML answers use them.
    const profile = xml && validation.mode === 'strict' ? 'tolerant' : validation.mode;
    validation.checkResponse({
      provider: 'iak',
      component,
      mode: profile,
      data,
      rawBody: res.body,
      httpStatus: res.status,
      request: res.request,
      redactor,
    });
  }
  return { res, parsed: decoded.parsed, data: decoded.data, responseCode, message };
}

/** Throws a ResponseMismatchError unless the cross-check of a success answer found nothing. */
export function assertIakFits(c: IakConnectionInternals, answer: Answer, problems: readonly string[]): void {
  assertAnswerFits(problems, answer.res, { provider: 'iak', redactor: c.redactor });
}

/** `price` must be `nominal` + `admin` (checked when all three are present). */
export function priceProblems(fields: { price: bigint | undefined; nominal: bigint | undefined; admin: bigint | undefined }): string[] {
  return sumProblems(
    ['price', fields.price],
    [
      ['nominal', fields.nominal],
      ['admin', fields.admin],
    ],
  );
}

/** The typed error of a classified answer. */
export function failure(c: IakConnectionInternals, answer: Answer, classification: Classification): BillerkitError {
  return errorFromClassification(classification, { ...errorContext(c, answer.res), providerMessage: answer.message });
}

/** The fields every result carries. */
export function base(answer: Answer) {
  return { responseCode: answer.responseCode, message: answer.message, httpStatus: answer.res.status, raw: answer.parsed };
}

function badRequestIssues(data: WireData): ValidationIssue[] {
  const details = data['error_details'];
  const issues: ValidationIssue[] = [];
  if (isRecord(details)) {
    for (const [field, messages] of Object.entries(details)) {
      const list = Array.isArray(messages) ? messages : [messages];
      for (const m of list) issues.push({ path: `/${field}`, keyword: 'provider', message: text(m) ?? 'invalid' });
    }
  }
  if (issues.length === 0) issues.push({ path: '', keyword: 'provider', message: 'request refused (HTTP 400)' });
  return issues;
}
