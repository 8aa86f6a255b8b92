/**
 * What a drift is (one way a provider changes under its clients) and the small helpers the drift
 * catalogues are written with: which operation a request is, and edits of JSON, XML and form bodies.
 */
import { gzipSync } from 'node:zlib';
import { espayOperationTable } from '@billerkit/signing';
import type { EspayCredentials, IakCredentials } from '../target.js';
import type { Provider } from '../model.js';

export interface WireRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DriftContext {
  credentials: { espay: EspayCredentials; iak: IakCredentials };
  /** Sends a request to the real provider behind the proxy. */
  forward(request: WireRequest): Promise<WireAnswer>;
  /** Per-run memory (answers already given, ids already seen). */
  memory: Map<string, unknown>;
}

/** The class a drift belongs to: the report groups kills by it, and a target without a state API must still cover each. */
export type DriftClass =
  | 'echo'
  | 'dropped field'
  | 'retyped field'
  | 'reworded text'
  | 'amounts'
  | 'status code'
  | 'content type'
  | 'error page'
  | 'body encoding'
  | 'redirect'
  | 'signature'
  | 'duplicate'
  | 'format'
  | 'delay';

/** The wire format a drift touches: Espay's form/JSON, IAK's JSON or IAK's `<mp>` XML. */
export type DriftFormat = 'espay' | 'iak-json' | 'iak-xml';

export interface Drift {
  id: string;
  provider: Provider;
  format: DriftFormat;
  class: DriftClass;
  title: string;
  /** A drift the suite rightly lets through, and why. It is reported, never counted as a survivor. */
  accepted?: string;
  /** Part of the quick subset run in CI on every change. */
  quick?: boolean;
  /** Rewrites the request on its way to the provider; undefined leaves it alone. */
  request?(request: WireRequest, context: DriftContext): WireRequest | undefined;
  /** Rewrites the provider's answer; undefined leaves it alone. */
  answer?(request: WireRequest, answer: WireAnswer, context: DriftContext): WireAnswer | undefined | Promise<WireAnswer | undefined>;
  /** Never answers this request. */
  hang?(request: WireRequest, context: DriftContext): boolean;
  /** Holds the answer this long. */
  delayMs?(request: WireRequest): number;
}

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function contentType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').toLowerCase();
}

/** The Espay operation of a request, by its path. */
export function espayOperation(request: WireRequest): string | undefined {
  return Object.entries(espayOperationTable).find(([, row]) => row.path === request.path)?.[0];
}

export function isXmlRequest(request: WireRequest): boolean {
  return contentType(request.headers).includes('xml');
}

/** The IAK command of a request (`inq-pasca`, `pay-pasca` …), from its JSON or XML body; `receipt` for downloads. */
export function iakCommand(request: WireRequest): string | undefined {
  if (request.path.startsWith('/api/v1/download/')) return 'receipt';
  if (!request.path.startsWith('/api/v1/bill/check')) return undefined;
  const text = request.body.toString('utf8');
  if (isXmlRequest(request)) return /<commands>([^<]*)<\/commands>/.exec(text)?.[1];
  try {
    const body = JSON.parse(text) as Json;
    return typeof body['commands'] === 'string' ? body['commands'] : undefined;
  } catch {
    return undefined;
  }
}

/** The form fields of an Espay request. */
export function formOf(request: WireRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}

export function withBody(request: WireRequest, body: string): WireRequest {
  return { ...request, body: Buffer.from(body, 'utf8') };
}

/**
 * Edits a JSON answer: `edit` changes the parsed body in place and says whether it did. Non-JSON
 * answers and edits that change nothing are left alone.
 */
export function editJson(answer: WireAnswer, edit: (body: Json) => boolean): WireAnswer | undefined {
  if (!contentType(answer.headers).includes('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(body) || !edit(body)) return undefined;
  return { ...answer, body: Buffer.from(JSON.stringify(body), 'utf8') };
}

type AnswerEdit = NonNullable<Drift['answer']>;

/** An answer drift: for the requests `applies` picks, `edit` changes the parsed JSON body in place. */
export function jsonEdit(applies: (request: WireRequest) => boolean, edit: (body: Json) => boolean): AnswerEdit {
  return (request, answer) => (applies(request) ? editJson(answer, edit) : undefined);
}

/** The same for the `data` object of an IAK JSON answer. */
export function iakDataEdit(applies: (request: WireRequest) => boolean, edit: (data: Json) => boolean): AnswerEdit {
  return (request, answer) => (applies(request) ? editIakData(answer, edit) : undefined);
}

/** Edits of one field: another id of the same shape, the field dropped, the field retyped. */
export const changed = (key: string) => (body: Json) => changeId(body, key);
export const dropped = (key: string) => (body: Json) => key in body && delete body[key];
export const retyped =
  (key: string, to: (value: unknown) => unknown, when: (value: unknown) => boolean = () => true) =>
  (body: Json) => {
    if (!(key in body) || !when(body[key])) return false;
    body[key] = to(body[key]);
    return true;
  };

/** The `data` object of an IAK JSON answer, edited in place. */
export function editIakData(answer: WireAnswer, edit: (data: Json) => boolean): WireAnswer | undefined {
  return editJson(answer, (body) => isObject(body['data']) && edit(body['data']));
}

/** Edits an XML answer's text. */
export function editXml(answer: WireAnswer, edit: (text: string) => string): WireAnswer | undefined {
  if (!contentType(answer.headers).includes('xml')) return undefined;
  const text = answer.body.toString('utf8');
  const edited = edit(text);
  return edited === text ? undefined : { ...answer, body: Buffer.from(edited, 'utf8') };
}

/** Another id of the same shape: the last character changed (digits stay digits, letters stay letters). */
export function otherId(value: string): string {
  const last = value.slice(-1);
  const next = /[0-9]/.test(last)
    ? String((Number(last) + 1) % 10)
    : last === 'Z'
      ? 'Y'
      : last === 'z'
        ? 'y'
        : /[A-Za-z]/.test(last)
          ? String.fromCharCode(last.charCodeAt(0) + 1)
          : '0';
  return value.slice(0, -1) + next;
}

/** Replaces a string field with another id of the same shape; says whether it did. */
export function changeId(body: Json, key: string): boolean {
  const value = body[key];
  if (typeof value === 'number') {
    body[key] = value + 1;
    return true;
  }
  if (typeof value !== 'string' || value === '') return false;
  body[key] = otherId(value);
  return true;
}

export function withHeaders(answer: WireAnswer, headers: Record<string, string>): WireAnswer {
  return { ...answer, headers: { ...answer.headers, ...headers } };
}

/** An HTML page in place of the answer, as a load balancer or a maintenance window sends it. */
export function htmlPage(status: number, title: string): WireAnswer {
  const body = `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>The server is temporarily unable to service your request. Please try again later.</p></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(body, 'utf8') };
}

/** The same bytes gzipped, without a Content-Encoding header saying so. */
export function unlabelledGzip(answer: WireAnswer): WireAnswer {
  const headers = { ...answer.headers };
  delete headers['content-encoding'];
  return { ...answer, headers, body: gzipSync(answer.body) };
}

/** The answer cut off in the middle, as a dropped connection behind a buffering proxy leaves it. */
export function truncated(answer: WireAnswer): WireAnswer | undefined {
  if (answer.body.length < 8) return undefined;
  return { ...answer, body: answer.body.subarray(0, Math.floor(answer.body.length / 2)) };
}

/** A redirect to the same URL on another host, which neither API ever sends. */
export function redirect(request: WireRequest): WireAnswer {
  return {
    status: 302,
    headers: { location: `https://maintenance.invalid${request.url}`, 'content-type': 'text/html' },
    body: Buffer.from('<a href="https://maintenance.invalid/">Moved</a>', 'utf8'),
  };
}
