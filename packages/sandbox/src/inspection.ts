import type { IncomingMessage, ServerResponse } from 'node:http';
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
  providers: Record<'espay' | 'iak', StatefulProvider>;
  transactions(): SandboxTransaction[];
  balances(): { espay: bigint; iak: bigint };
  reset(): void;
  setState(provider: 'espay' | 'iak', state: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  stats(): { requests: number; internalErrors: number };
  clock: AdjustableClock;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<{ ok: true; value: unknown } | { ok: false; message: string } | undefined> {
  const read = await readBody(req, maxBytes, maxBytes * 8);
  if (read.kind === 'aborted') return undefined;
  if (read.kind === 'too-large') return { ok: false, message: `body larger than ${maxBytes} bytes` };
  if (read.body.length === 0) return { ok: true, value: {} };
  const type = mediaType(req.headers['content-type']);
  if (type !== undefined && type !== 'application/json') return { ok: false, message: 'send JSON (content-type: application/json)' };
  try {
    return { ok: true, value: JSON.parse(read.body.toString('utf8')) };
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
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

  if (method !== 'GET' && method !== 'POST') {
    await readBody(req, deps.maxBodyBytes, deps.maxBodyBytes * 8);
    return wrongMethod('GET, POST');
  }

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
      if ((await readJson(req, deps.maxBodyBytes)) === undefined) return;
      deps.reset();
      return reply(200, { reset: true });
    }

    case '/__sandbox/clock': {
      if (method === 'GET') return reply(200, { now: deps.clock.now().toISOString() });
      const body = await readJson(req, deps.maxBodyBytes);
      if (body === undefined) return;
      if (!body.ok) return reply(400, { error: body.message });
      const value = body.value;
      try {
        if (isRecord(value) && typeof value['advanceMs'] === 'number') return reply(200, { now: deps.clock.advance(value['advanceMs']).toISOString() });
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
      const body = await readJson(req, deps.maxBodyBytes);
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
