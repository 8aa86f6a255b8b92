import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { AdjustableClock } from './clock.js';
import { json, mediaType, readBody, send } from './http.js';
import { SandboxStateError, type StatefulProvider } from './provider.js';
import type { SandboxTransaction } from './types.js';

/** Routes under `/__sandbox/`; they are answered before any provider sees the request and take no faults. */
export const INSPECTION_ROUTES = {
  health: 'GET /__sandbox/health',
  transactions: 'GET /__sandbox/transactions[?provider=espay|iak]',
  balances: 'GET /__sandbox/balances',
  reset: 'POST /__sandbox/reset',
  state: 'POST /__sandbox/state  {"provider":"espay","state":"…","params":{…}}',
  clock: 'GET /__sandbox/clock, POST /__sandbox/clock  {"advanceMs":…} | {"set":"ISO date"}',
} as const;

export interface InspectionDeps {
  maxBodyBytes: number;
  /** The port the server listens on: a Host header must name it. */
  port: number;
  /** Host names (without port) accepted besides `localhost` and IP literals. */
  allowedHosts: ReadonlySet<string>;
  providers: Record<'espay' | 'iak', StatefulProvider>;
  transactions(): SandboxTransaction[];
  balances(): { espay: bigint; iak: bigint };
  reset(): void;
  setState(provider: 'espay' | 'iak', state: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  stats(): { requests: number; internalErrors: number; connections: number };
  clock: AdjustableClock;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function readJson(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string } | undefined> {
  const read = await readBody(req, maxBytes, maxBytes * 8);
  if (read.kind === 'aborted') return undefined;
  if (read.kind === 'too-large') return { ok: false, message: `body larger than ${maxBytes} bytes` };
  if (read.body.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(read.body.toString('utf8')) };
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
}

/** The host part of a Host header (`[::1]:8080` → `::1`), lower-cased, and its port; undefined when malformed. */
function splitHost(header: string): { name: string; port: string } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/.exec(header.trim());
  if (!m) return undefined;
  return { name: (m[1] as string).replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] ?? '80' };
}

/**
 * Why a request must not reach the inspection routes, or undefined when it may. A browser page can make
 * requests to loopback (a no-cors POST, or a DNS name rebound to 127.0.0.1); such requests carry a foreign
 * Origin, or a Host that is a DNS name. Allowed: Host `localhost`, an IP literal or a configured name, with
 * the server's port; and no Origin, or the Host's own origin.
 */
export function crossSiteReason(req: IncomingMessage, deps: Pick<InspectionDeps, 'port' | 'allowedHosts'>): string | undefined {
  const header = req.headers.host;
  const host = typeof header === 'string' ? splitHost(header) : undefined;
  if (!host || host.port !== String(deps.port)) return 'Host must name this server';
  const literal = isIP(host.name) !== 0;
  if (!literal && host.name !== 'localhost' && !deps.allowedHosts.has(host.name))
    return `Host ${host.name} is not this server (allowedHosts)`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${(header as string).trim().toLowerCase()}`) return 'cross-origin requests are refused';
  return undefined;
}

const bigintsAsStrings = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

export async function handleInspection(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  deps: InspectionDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  const route = path.replace(/\/+$/, '');
  const reply = (status: number, value: unknown) => send(res, { ...json(status, null), body: JSON.stringify(value, bigintsAsStrings) });
  const wrongMethod = (allowed: string) => {
    send(res, json(405, { error: `use ${allowed} ${route}` }, { allow: allowed }));
  };

  const refused = crossSiteReason(req, deps);
  if (refused !== undefined) {
    await readBody(req, deps.maxBodyBytes, deps.maxBodyBytes * 8);
    return reply(403, { error: refused });
  }
  if (method !== 'GET' && method !== 'POST') {
    await readBody(req, deps.maxBodyBytes, deps.maxBodyBytes * 8);
    return wrongMethod('GET, POST');
  }
  /** JSON only: what a page can send without a preflight (form, text, multipart, no type) never changes state. */
  const readJsonOr415 = async () => {
    if (mediaType(req.headers['content-type']) === 'application/json') return readJson(req, deps.maxBodyBytes);
    await readBody(req, deps.maxBodyBytes, deps.maxBodyBytes * 8);
    reply(415, { error: 'send JSON (content-type: application/json)' });
    return undefined;
  };

  switch (route) {
    case '/__sandbox/health':
      if (method !== 'GET') return wrongMethod('GET');
      return reply(200, { status: 'ok', providers: Object.keys(deps.providers), now: deps.clock.now().toISOString(), ...deps.stats() });

    case '/__sandbox/transactions': {
      if (method !== 'GET') return wrongMethod('GET');
      const provider = query.get('provider');
      if (provider !== null && provider !== 'espay' && provider !== 'iak') return reply(400, { error: 'provider must be espay or iak' });
      const transactions = deps.transactions().filter((t) => provider === null || t.provider === provider);
      return reply(200, { transactions });
    }

    case '/__sandbox/balances':
      if (method !== 'GET') return wrongMethod('GET');
      return reply(200, deps.balances());

    case '/__sandbox/reset': {
      if (method !== 'POST') return wrongMethod('POST');
      const body = await readJsonOr415();
      if (body === undefined) return;
      if (!body.ok) return reply(400, { error: body.message });
      deps.reset();
      return reply(200, { reset: true });
    }

    case '/__sandbox/clock': {
      if (method === 'GET') return reply(200, { now: deps.clock.now().toISOString() });
      const body = await readJsonOr415();
      if (body === undefined) return;
      if (!body.ok) return reply(400, { error: body.message });
      const value = body.value;
      try {
        if (isRecord(value) && typeof value['advanceMs'] === 'number')
          return reply(200, { now: deps.clock.advance(value['advanceMs']).toISOString() });
        if (isRecord(value) && (typeof value['set'] === 'string' || typeof value['set'] === 'number')) {
          return reply(200, { now: deps.clock.set(value['set']).toISOString() });
        }
      } catch (error) {
        return reply(400, { error: (error as Error).message });
      }
      return reply(400, { error: 'send {"advanceMs": <ms>} or {"set": "<ISO date>"}' });
    }

    case '/__sandbox/state': {
      if (method !== 'POST') return wrongMethod('POST');
      const body = await readJsonOr415();
      if (body === undefined) return;
      if (!body.ok) return reply(400, { error: body.message });
      const value = body.value;
      if (!isRecord(value) || (value['provider'] !== 'espay' && value['provider'] !== 'iak') || typeof value['state'] !== 'string') {
        return reply(400, { error: 'send {"provider": "espay" | "iak", "state": "<name>", "params": {…}}' });
      }
      const params = value['params'] ?? {};
      if (!isRecord(params)) return reply(400, { error: 'params must be an object' });
      try {
        const result = await deps.setState(value['provider'], value['state'], params);
        return reply(200, { ok: true, provider: value['provider'], state: value['state'], ...result });
      } catch (error) {
        if (error instanceof SandboxStateError || error instanceof TypeError) return reply(400, { error: error.message });
        throw error;
      }
    }

    default:
      await readBody(req, deps.maxBodyBytes, deps.maxBodyBytes * 8);
      return reply(404, { error: `no sandbox route ${route}`, routes: INSPECTION_ROUTES });
  }
}
