/**
 * Turning a transport response into data: HTTP 401 → AuthenticationError; empty bodies, HTML
 * error pages, truncated or non-JSON bodies → MalformedResponseError with the raw body (redacted).
 */
import { AuthenticationError, MalformedResponseError, type Provider, ResponseMismatchError } from './errors.js';
import { ANSWER_SHAPE_LIMITS, jsonShape } from './json-shape.js';
import type { Redactor } from './redact.js';
import type { TransportResponse } from './transport.js';

export interface ParseContext {
  provider: Provider;
  redactor?: Redactor;
}

/** True when a body looks like an HTML page (a proxy or gateway error page, a login page). */
const HTML_TYPE = /text\/html/i;

export function looksLikeHtml(body: string, contentType = ''): boolean {
  if (HTML_TYPE.test(contentType)) return true;
  return /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(body);
}

function common(res: TransportResponse, ctx: ParseContext) {
  return {
    provider: ctx.provider,
    httpStatus: res.status,
    rawBody: res.body,
    request: res.request,
    ...(ctx.redactor ? { redactor: ctx.redactor } : {}),
  };
}

/** Throws AuthenticationError for HTTP 401 (both providers answer bad Basic/credentials that way). */
export function assertNotUnauthorized(res: TransportResponse, ctx: ParseContext): void {
  if (res.status === 401) {
    throw new AuthenticationError({ ...common(res, ctx), message: `${ctx.provider} ${res.request.operation}: HTTP 401 Unauthorized` });
  }
}

/** Parses a JSON body; anything that is not a complete JSON object or array is a MalformedResponseError. */
export function parseJsonBody(res: TransportResponse, ctx: ParseContext): unknown {
  assertNotUnauthorized(res, ctx);
  const text = res.body.charCodeAt(0) === 0xfeff ? res.body.slice(1) : res.body;
  // Bounded before parsing: a deeply nested or hugely wide answer would keep JSON.parse busy for seconds.
  const shape = jsonShape(text, ANSWER_SHAPE_LIMITS);
  if (!shape.ok) {
    throw new MalformedResponseError({
      ...common(res, ctx),
      message: `${ctx.provider} ${res.request.operation}: the JSON answer ${shape.reason} (HTTP ${res.status}, ${res.bytes} bytes)`,
    });
  }
  // Fast path for the usual answer. Empty bodies and HTML pages never parse as a JSON object, so the checks
  // below (which pick the error message) only run when this fails; a text/html type fails even valid JSON.
  if (!HTML_TYPE.test(res.contentType)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (data !== null && typeof data === 'object') return data;
  }
  const op = `${ctx.provider} ${res.request.operation}`;
  if (text.trim().length === 0) {
    throw new MalformedResponseError({ ...common(res, ctx), message: `${op}: empty response body (HTTP ${res.status})` });
  }
  if (looksLikeHtml(text, res.contentType)) {
    throw new MalformedResponseError({ ...common(res, ctx), message: `${op}: HTML page instead of JSON (HTTP ${res.status})` });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MalformedResponseError({
      ...common(res, ctx),
      cause: error,
      message: `${op}: body is not valid JSON, possibly truncated (HTTP ${res.status}, ${res.bytes} bytes)`,
    });
  }
  if (data === null || typeof data !== 'object') {
    throw new MalformedResponseError({ ...common(res, ctx), message: `${op}: JSON body is not an object (HTTP ${res.status})` });
  }
  return data;
}

/** A scalar answer field as text (numbers in decimal); undefined when absent, empty or not a scalar. */
function answerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * What is wrong with the references an answer echoes: each `[field, the request's value]` must come back
 * unchanged. Fields in `required` must be present; the others are compared only when the answer has them.
 */
export function echoProblems(
  answer: Record<string, unknown>,
  echoes: Record<string, string>,
  required: readonly string[] = Object.keys(echoes),
): string[] {
  const problems: string[] = [];
  for (const [field, expected] of Object.entries(echoes)) {
    const received = answerText(answer[field]);
    if (received === undefined) {
      if (required.includes(field)) problems.push(`${field} is missing (the request's is ${expected})`);
    } else if (received !== expected) {
      problems.push(`${field} ${JSON.stringify(received.slice(0, 64))} is not the request's ${JSON.stringify(expected)}`);
    }
  }
  return problems;
}

/** Required answer fields that are absent or empty. */
export function missingProblems(answer: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((field) => answerText(answer[field]) === undefined).map((field) => `${field} is missing`);
}

/**
 * Whether `total` is the sum of `parts` (all in minor units); a problem line when not. Missing values
 * are not checked here (`missingProblems` says whether they may be missing).
 */
export function sumProblems(
  total: [string, bigint | undefined],
  parts: ReadonlyArray<[string, bigint | undefined]>,
  alsoAccept: readonly bigint[] = [],
): string[] {
  const [totalName, totalValue] = total;
  if (totalValue === undefined || parts.some(([, v]) => v === undefined)) return [];
  const sum = parts.reduce((acc, [, v]) => acc + (v as bigint), 0n);
  if (totalValue === sum || alsoAccept.includes(totalValue)) return [];
  return [`${totalName} ${totalValue} is not ${parts.map(([name]) => name).join(' + ')} = ${sum} (minor units)`];
}

/**
 * Throws a {@link ResponseMismatchError} when the cross-check of a success answer found problems: a
 * success is reported only for an answer that fits the request, validators or not.
 */
export function assertAnswerFits(problems: readonly string[], res: TransportResponse, ctx: ParseContext): void {
  if (problems.length === 0) return;
  throw new ResponseMismatchError({
    ...common(res, ctx),
    problems,
    message: `${ctx.provider} ${res.request.operation}: the answer does not fit the request: ${problems.slice(0, 5).join('; ')}`,
  });
}
