import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdjustableClock, SandboxIds, seededRandom } from './clock.js';
import { resolveCredentials, type SandboxCredentials } from './credentials.js';
import { createEspayProvider, type EspayProvider } from './espay/index.js';
import { checkFaultPlan, FaultSyntaxError, faultsFor, type ResolvedFaults } from './faults.js';
import { json, readBody, send } from './http.js';
import { iakBodyTooLarge, iakInternalError } from './iak-fallback.js';
import { createIakProvider, type IakProvider } from './iak/index.js';
import { handleInspection } from './inspection.js';
import { providerOfPath, type ProviderShapes, type StatefulProvider } from './provider.js';
import { ESPAY_RQ_DATETIME_WINDOW_MS } from '@billerkit/signing';
import {
  DEFAULT_RETENTION,
  type ProviderContext,
  type SandboxRequest,
  type SandboxResponse,
  type SandboxRetention,
  type SandboxTransaction,
} from './types.js';
import { balanceOption, DEFAULTS, positiveInt, type SandboxOptions, stderrLogger } from './options.js';
import { StateFile } from './persistence.js';

export interface SandboxStats {
  /** Provider requests received (inspection calls excluded). */
  requests: number;
  /** Exceptions that escaped a provider and were turned into its error shape; stays 0 in a healthy run. */
  internalErrors: number;
  /** Connections open right now (idle ones are closed after `idleTimeoutMs`). */
  connections: number;
}

export interface Sandbox {
  /** Base URL serving both providers, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly credentials: SandboxCredentials;
  readonly deterministic: boolean;
  close(): Promise<void>;
  /** Forgets every provider's state and, in deterministic mode, restarts ids and the clock. */
  reset(): void;
  transactions(): SandboxTransaction[];
  balances(): { espay: bigint; iak: bigint };
  now(): Date;
  advanceClock(ms: number): Date;
  setClock(to: Date | string | number): Date;
  setState(provider: 'espay' | 'iak', state: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stats(): SandboxStats;
}
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? DEFAULTS.host;
  const port = positiveInt(options.port, 0, 'port', true);
  const maxLatencyMs = positiveInt(options.maxLatencyMs, DEFAULTS.maxLatencyMs, 'maxLatencyMs', true);
  const maxBodyBytes = positiveInt(options.maxBodyBytes, DEFAULTS.maxBodyBytes, 'maxBodyBytes');
  const drainBytes = Math.max(maxBodyBytes * 8, DEFAULTS.minDrainBytes);
  const requestTimeoutMs = positiveInt(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 'requestTimeoutMs');
  const logger = options.logger ?? stderrLogger;
  checkFaultPlan(options.faults, maxLatencyMs);

  const seed = options.deterministic === true ? 'billerkit' : options.deterministic ? options.deterministic.seed : undefined;
  if (options.deterministic && typeof options.deterministic === 'object' && typeof seed !== 'string') {
    throw new TypeError('startSandbox: deterministic.seed must be a string');
  }
  const deterministic = seed !== undefined;
  const clock = new AdjustableClock(options.clock, deterministic);
  const ids = new SandboxIds(seed);
  const random = seededRandom(seed);
  const credentials = resolveCredentials(options.credentials);
  const generation = options.iakTestNumberGeneration ?? 'seed';
  if (generation !== 'seed' && generation !== 'newer')
    throw new TypeError("startSandbox: iakTestNumberGeneration must be 'seed' or 'newer'");

  const retention: SandboxRetention = {
    inquiries: positiveInt(options.retention?.inquiries, DEFAULT_RETENTION.inquiries, 'retention.inquiries'),
    payments: positiveInt(options.retention?.payments, DEFAULT_RETENTION.payments, 'retention.payments'),
    requestIds: positiveInt(options.retention?.requestIds, DEFAULT_RETENTION.requestIds, 'retention.requestIds'),
  };
  const liveClock = options.clock === undefined && !deterministic;
  const windowOption = options.espayRqDatetimeWindowMs;
  if (windowOption !== undefined && windowOption !== false) positiveInt(windowOption, 0, 'espayRqDatetimeWindowMs');
  const rqDatetimeWindowMs = windowOption === false ? undefined : (windowOption ?? (liveClock ? ESPAY_RQ_DATETIME_WINDOW_MS : undefined));
  const idleTimeoutMs = Math.max(positiveInt(options.idleTimeoutMs, DEFAULTS.idleTimeoutMs, 'idleTimeoutMs'), maxLatencyMs + 1_000);
  const allowedHosts = new Set((options.allowedHosts ?? []).map((name) => String(name).toLowerCase()));

  const base: Omit<ProviderContext, 'initialBalanceMinor'> = {
    retention,
    clock,
    ids,
    iakTestNumberGeneration: generation,
    settleAfterChecks: positiveInt(options.settle?.afterChecks, DEFAULTS.settleAfterChecks, 'settle.afterChecks'),
    settleAfterMs: positiveInt(options.settle?.afterMs, DEFAULTS.settleAfterMs, 'settle.afterMs'),
  };
  const espay: EspayProvider = createEspayProvider(
    { ...base, initialBalanceMinor: balanceOption(options.initialBalances?.espay, 'espay') },
    {
      credentials: credentials.espay,
      requestProfile: options.espayRequestProfile ?? 'provider',
      ...(rqDatetimeWindowMs === undefined ? {} : { rqDatetimeWindowMs }),
    },
  );
  const iak: IakProvider = createIakProvider({
    ...base,
    initialBalanceMinor: balanceOption(options.initialBalances?.iak, 'iak'),
    credentials: credentials.iak,
    iakRequestProfile: options.iakRequestProfile ?? 'provider',
    iakStatelessTestNumbers: options.iakStatelessTestNumbers === true,
  });
  const providers: Record<'espay' | 'iak', StatefulProvider> = { espay, iak };
  const shapes: Record<'espay' | 'iak', ProviderShapes> = {
    espay,
    iak: { bodyTooLarge: iakBodyTooLarge, internalError: iakInternalError },
  };

  const stats: SandboxStats = { requests: 0, internalErrors: 0, connections: 0 };
  const sleepers = new Set<() => void>();
  let closing = false;

  if (options.stateFile !== undefined && (typeof options.stateFile !== 'string' || options.stateFile === '')) {
    throw new TypeError('startSandbox: stateFile must be a file path');
  }
  const stateFile = options.stateFile === undefined ? undefined : new StateFile(options.stateFile);
  const saved = stateFile?.load();
  if (saved) {
    espay.restore(saved.espay);
    iak.restore(saved.iak);
  }
  /** Saves the state when a file is configured; a failed save is reported, the answer still goes out. */
  const persist = () => {
    if (!stateFile) return;
    try {
      stateFile.save({ version: 1, espay: espay.snapshot(), iak: iak.snapshot() });
    } catch (error) {
      stats.internalErrors += 1;
      logger.error('could not write the state file', { path: stateFile.path, error: (error as Error).message });
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const reset = () => {
    for (const provider of Object.values(providers)) provider.reset();
    if (deterministic) {
      ids.reset();
      clock.rewind();
    }
    persist();
  };

  const setState = async (provider: 'espay' | 'iak', state: string, params: Record<string, unknown> = {}) => {
    const target = Object.hasOwn(providers, provider) ? providers[provider] : undefined;
    if (!target) throw new TypeError(`setState: unknown provider ${JSON.stringify(provider)}`);
    if (typeof target.setState !== 'function') throw new TypeError(`setState: the ${provider} provider has no named states`);
    const result = await target.setState(state, params);
    persist();
    return result;
  };

  const dispatch = async (request: SandboxRequest): Promise<SandboxResponse | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`provider did not answer within ${requestTimeoutMs} ms`)), requestTimeoutMs);
    });
    try {
      const answer = async () => (await espay.handle(request)) ?? (await iak.handle(request));
      return await Promise.race([answer(), watchdog]);
    } finally {
      clearTimeout(timer);
    }
  };

  const handleProviderRequest = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => {
    const provider = providerOfPath(path);
    stats.requests += 1;
    let faults: ResolvedFaults;
    try {
      faults = faultsFor(
        { method: req.method ?? 'GET', path, provider, headers: req.headers, sequence: stats.requests },
        options.faults,
        random,
        maxLatencyMs,
      );
    } catch (error) {
      if (!(error instanceof FaultSyntaxError)) throw error;
      // A malformed fault header is the test's mistake, not the provider's: say so plainly.
      await readBody(req, maxBodyBytes, drainBytes);
      send(res, json(400, { sandboxError: error.message }));
      return;
    }

    const read = await readBody(req, maxBodyBytes, drainBytes);
    if (read.kind === 'aborted') return;
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      headers: req.headers,
      body: read.kind === 'ok' ? read.body : Buffer.alloc(0),
    };
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (closing || res.destroyed) {
      req.socket.destroy();
      return;
    }
    if (faults.terminal === 'drop-before-record') {
      req.socket.destroy();
      return;
    }
    if (faults.terminal === 'http-500' || faults.terminal === 'http-503') {
      // What a gateway in front of the provider sends: the provider never saw the request.
      const status = faults.terminal === 'http-500' ? 500 : 503;
      send(res, {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: status === 500 ? 'Internal Server Error' : 'Service Unavailable',
      });
      return;
    }
    if (read.kind === 'too-large') {
      const answer = provider ? shapes[provider].bodyTooLarge(request, maxBodyBytes) : json(413, { error: 'request body too large' });
      send(res, { ...answer, headers: { ...answer.headers, connection: 'close' } });
      return;
    }

    let response: SandboxResponse | undefined;
    try {
      response = await dispatch(request);
    } catch (error) {
      stats.internalErrors += 1;
      const err = error instanceof Error ? error : new Error(String(error));
      logger.error('provider threw; answering with its error shape', {
        method: request.method,
        path,
        provider,
        error: err.message,
        stack: err.stack,
      });
      response = provider ? shapes[provider].internalError(request) : json(500, { error: 'internal sandbox error' });
    }
    response ??= { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
    // Before the answer goes out: a client that got an answer finds its effect after a restart.
    persist();

    if (faults.terminal === 'drop-after-record') {
      req.socket.destroy();
      return;
    }
    if (faults.terminal === 'malformed-body') {
      const whole = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
      // Cut inside the document so that no JSON (or XML) parser accepts it.
      response = { ...response, body: whole.subarray(0, Math.max(1, Math.floor(whole.length / 2))) };
    }
    send(res, response);
  };

  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
      // Node checks the two timeouts on this interval (30 s by default), so a short timeout needs a short interval.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
    (req, res) => {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      // The raw path, never normalised: `/rest/../__sandbox/reset` must not reach the inspection routes.
      const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
      const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
      const work =
        path === '/__sandbox' || path.startsWith('/__sandbox/')
          ? handleInspection(req, res, path, query, {
              maxBodyBytes,
              port: (server.address() as AddressInfo).port,
              allowedHosts,
              providers,
              transactions: () => allTransactions(),
              balances: () => balances(),
              reset,
              setState,
              stats: () => ({ ...stats }),
              clock,
            })
          : handleProviderRequest(req, res, path, query);
      work.catch((error: unknown) => {
        // Last line of defence: the provider paths already catch; this covers the server's own code.
        stats.internalErrors += 1;
        const err = error instanceof Error ? error : new Error(String(error));
        logger.error('sandbox server error', { method: req.method, path, error: err.message, stack: err.stack });
        const provider = providerOfPath(path);
        const empty = { headers: req.headers, path, body: Buffer.alloc(0) };
        try {
          send(res, provider ? shapes[provider].internalError(empty) : json(500, { error: 'internal sandbox error' }));
        } catch {
          res.destroy();
        }
      });
    },
  );

  // Inactivity either way (a client that stops reading its answer, or sends nothing) closes the socket.
  server.setTimeout(idleTimeoutMs);
  server.on('connection', (socket) => {
    stats.connections += 1;
    socket.once('close', () => {
      stats.connections -= 1;
    });
  });
  server.keepAliveTimeout = Math.min(5_000, idleTimeoutMs);

  const allTransactions = () =>
    [...espay.transactions(), ...iak.transactions()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const balances = () => ({ espay: espay.balanceMinor(), iak: iak.balanceMinor() });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    credentials,
    deterministic,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        persist();
        for (const wake of [...sleepers]) wake();
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish, then their sockets go too.
        setTimeout(() => server.closeAllConnections(), DEFAULTS.closeGraceMs).unref();
      });
      return closed;
    },
    reset,
    transactions: allTransactions,
    balances,
    now: () => clock.now(),
    advanceClock: (ms) => clock.advance(ms),
    setClock: (to) => clock.set(to),
    setState,
    stats: () => ({ ...stats }),
  };
}
