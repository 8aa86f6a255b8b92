/**
 * Test support (not exported by the package): a tiny node:http adapter around one provider handler on
 * loopback, a deterministic context and signing helpers. Kept out of `*.test.ts` so several test files share it.
 */
import { iakSign } from '@billerkit/signing';
import { buildIakXml, parseIakXml, validate } from '@billerkit/validators';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdjustableClock, SandboxIds } from '../clock.js';
import type { ProviderHandler, SandboxRequest } from '../types.js';
import { createIakProvider, type IakContext, type IakProvider, type IakProviderOptions } from './handler.js';

export const USERNAME = '081234567890';
export const API_KEY = 'test-iak-api-key';

export interface TestContext extends IakContext {
  clock: AdjustableClock;
  ids: SandboxIds;
}

export function testContext(overrides: Partial<IakContext> = {}): TestContext {
  return {
    clock: new AdjustableClock(undefined, true),
    ids: new SandboxIds('iak-tests'),
    iakTestNumberGeneration: 'seed',
    settleAfterChecks: 2,
    settleAfterMs: 60_000,
    initialBalanceMinor: 1_000_000_000n,
    credentials: { username: USERNAME, apiKey: API_KEY },
    ...overrides,
  } as TestContext;
}

export function newProvider(
  overrides: Partial<IakContext> = {},
  options: IakProviderOptions = {},
): { provider: IakProvider; ctx: TestContext } {
  const ctx = testContext(overrides);
  return { provider: createIakProvider(ctx, options), ctx };
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
  /** Requests the handler threw on (must stay empty). */
  thrown: unknown[];
}

/** Serves one provider on an ephemeral loopback port: body read → SandboxRequest → handle → response. */
export async function serve(handler: ProviderHandler): Promise<TestServer> {
  const thrown: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const request: SandboxRequest = {
        method: req.method ?? 'GET',
        path: q === -1 ? raw : raw.slice(0, q),
        query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      handler.handle(request).then(
        (response) => {
          if (!response) {
            res.writeHead(404, { 'content-type': 'text/plain' }).end('not iak');
            return;
          }
          const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
          res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) }).end(body);
        },
        (error: unknown) => {
          thrown.push(error);
          res.writeHead(500).end('handler threw');
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    thrown,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function call(
  url: string,
  path: string,
  init: { method?: string; body?: string | Buffer; contentType?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'POST',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(10_000),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    headers: response.headers,
    text: bytes.toString('utf8'),
    bytes,
  };
}

export type Body = Record<string, unknown>;

export const sign = (extra: string, username = USERNAME, apiKey = API_KEY) => iakSign(username, apiKey, extra);

export function inquiry(code: string, hp: string, refId: string, extra: Body = {}): Body {
  return { commands: 'inq-pasca', username: USERNAME, code, hp, ref_id: refId, sign: sign(refId), ...extra };
}

export function payment(trId: string | number): Body {
  return { commands: 'pay-pasca', username: USERNAME, tr_id: String(trId), sign: sign(String(trId)) };
}

export function checkStatus(refId: string): Body {
  return { commands: 'checkstatus', username: USERNAME, ref_id: refId, sign: sign('cs') };
}

export function priceList(extra: Body = {}): Body {
  return { commands: 'pricelist-pasca', username: USERNAME, sign: sign('pl'), ...extra };
}

/** Posts a command as JSON (default) or XML and returns the answer's `data` in JSON form. */
export async function post(
  url: string,
  body: Body,
  options: { format?: 'json' | 'xml'; path?: string } = {},
): Promise<{ answer: HttpAnswer; data: Record<string, unknown>; envelope: Record<string, unknown> }> {
  const format = options.format ?? 'json';
  const text = format === 'json' ? JSON.stringify(body) : buildIakXml(toXmlRequest(body));
  const answer = await call(url, options.path ?? '/api/v1/bill/check', {
    body: text,
    contentType: format === 'json' ? 'application/json' : 'application/xml',
  });
  const envelope = parseAnswer(answer);
  return { answer, data: envelope['data'] as Record<string, unknown>, envelope };
}

function toXmlRequest(body: Body): Body {
  const out: Body = {};
  for (const [key, value] of Object.entries(body)) out[key] = typeof value === 'number' ? String(value) : value;
  return out;
}

/** Parses an answer in whatever format it came (JSON, or `<mp>` XML into the JSON form). */
export function parseAnswer(answer: HttpAnswer): Record<string, unknown> {
  if (answer.contentType.includes('xml')) return parseIakXml(answer.text, { form: 'response' }) as Record<string, unknown>;
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** Asserts strict validity, with the issues in the failure message. */
export function strictIssues(component: string, value: unknown): string[] {
  const result = validate('iak', component, 'strict', value);
  return result.issues.map((issue) => `${issue.path} ${issue.keyword}: ${issue.message}`);
}
