/**
 * Turning a transport response into data: HTTP 401 → AuthenticationError; empty bodies, HTML
 * error pages, truncated or non-JSON bodies → MalformedResponseError with the raw body (redacted).
 */
import { AuthenticationError, MalformedResponseError, type Provider } from './errors.js';
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
  return { provider: ctx.provider, httpStatus: res.status, rawBody: res.body, request: res.request, ...(ctx.redactor ? { redactor: ctx.redactor } : {}) };
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
