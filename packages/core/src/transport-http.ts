/**
 * The default exchange: node:http / node:https with keep-alive agents (or the caller's own agent, e.g. a
 * proxy agent). Node's own client, without fetch's per-request machinery (Request/Response objects, web
 * streams, an AbortSignal per call), costs a fraction of fetch's CPU per call; see the core README.
 * Like fetch it sends Content-Length, asks for gzip/deflate/br and undoes them, and refuses redirects.
 */
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { declaredTooLarge, readNodeBody } from './transport-body.js';
import { BodyTooLarge, RedirectRefused } from './transport-errors.js';
import type { Exchange, Exchanged } from './transport-exchange.js';

/** The statuses fetch treats as redirects; with `redirect: 'error'` it refuses them, and so does this. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Idle keep-alive sockets close after 4 s, before a server's usual 5 s keep-alive timeout would close them
 * under us (a request sent on a socket the server is closing fails with a reset). The agent's own `timeout`
 * option would do it with two socket timers per request; instead the agent stamps a socket when it goes idle
 * (`keepSocketAlive`, the documented hook) and one unref'd sweep a second closes those idle too long.
 * Shared by every transport of the process that brings no agent, as Node's global agent is.
 */
const IDLE_MS = 4_000;
const idleSince = new WeakMap<Duplex, number>();

function sweep(agents: Array<HttpAgent | HttpsAgent>): void {
  const now = Date.now();
  for (const agent of agents) {
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) if (now - (idleSince.get(socket) ?? now) >= IDLE_MS) socket.destroy();
    }
  }
}

class IdleClosingHttpAgent extends HttpAgent {
  override keepSocketAlive(socket: Duplex): void {
    idleSince.set(socket, Date.now());
    // biome-ignore lint/correctness/noVoidTypeReturn: Node reads the boolean (false: do not keep the socket); @types/node says void
    return super.keepSocketAlive(socket);
  }
}

class IdleClosingHttpsAgent extends HttpsAgent {
  override keepSocketAlive(socket: Duplex): void {
    idleSince.set(socket, Date.now());
    // biome-ignore lint/correctness/noVoidTypeReturn: Node reads the boolean (false: do not keep the socket); @types/node says void
    return super.keepSocketAlive(socket);
  }
}

let sharedAgents: { http: HttpAgent; https: HttpsAgent } | undefined;
function defaultAgents() {
  if (sharedAgents === undefined) {
    const options = { keepAlive: true, scheduling: 'lifo' } as const;
    sharedAgents = { http: new IdleClosingHttpAgent(options), https: new IdleClosingHttpsAgent(options) };
    setInterval(sweep, 1_000, [sharedAgents.http, sharedAgents.https]).unref();
  }
  return sharedAgents;
}

interface Target {
  send: typeof httpRequest;
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  agent: HttpAgent;
}

/** A URL's request options, parsed once per URL (a client calls a handful of URLs, over and over). */
function targetOf(url: string, agent: HttpAgent | undefined): Target {
  const parsed = new URL(url);
  const https = parsed.protocol === 'https:';
  if (!https && parsed.protocol !== 'http:') throw new TypeError(`unsupported protocol ${parsed.protocol} (http: or https: only)`);
  return {
    send: https ? httpsRequest : httpRequest,
    protocol: parsed.protocol,
    // URL keeps IPv6 hosts in brackets; node:http wants them bare.
    hostname: parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname,
    port: parsed.port,
    path: parsed.pathname + parsed.search,
    agent: agent ?? (https ? defaultAgents().https : defaultAgents().http),
  };
}

/*
 * Response headers are read from `res.rawHeaders` (name, value, name, value …) rather than `res.headers`,
 * which Node builds on first access, header by header: a cost raw node:http callers never pay.
 */
function toHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** A header by its lower-case name: the first value only (`firstOnly`, as Node keeps content-type and -length), or all joined as Headers.get does. */
function rawHeader(raw: string[], name: string, firstOnly: boolean): string | null {
  let found: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    if (firstOnly) return raw[i + 1]!;
    found = found === null ? raw[i + 1]! : `${found}, ${raw[i + 1]}`;
  }
  return found;
}

const MAX_TARGETS = 64;

export function httpExchange(agent: HttpAgent | undefined): Exchange {
  const targets = new Map<string, Target>();
  return (request, abort, cap, progress) =>
    new Promise<Exchanged>((resolve, reject) => {
      let target = targets.get(request.url);
      if (target === undefined) {
        target = targetOf(request.url, agent);
        if (targets.size >= MAX_TARGETS) targets.clear();
        targets.set(request.url, target);
      }
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const { protocol, hostname, port, path } = target;
      const options: RequestOptions = { protocol, hostname, port, path, agent: target.agent, method: request.method, headers };
      const outgoing = target.send(options, (res) => {
        progress.phase = 'during-body';
        const status = res.statusCode ?? 0;
        const fail = (error: Error) => {
          outgoing.destroy();
          reject(error);
        };
        if (REDIRECTS.has(status)) return fail(new RedirectRefused(status));
        const raw = res.rawHeaders;
        if (declaredTooLarge(rawHeader(raw, 'content-length', true), cap)) return fail(new BodyTooLarge(status));
        readNodeBody(res, rawHeader(raw, 'content-encoding', true), cap, request.keepBytes).then(
          (body) =>
            resolve({
              status,
              contentType: rawHeader(raw, 'content-type', true) ?? '',
              header: (name) => rawHeader(raw, name, false),
              headers: () => toHeaders(raw),
              ...body,
            }),
          fail,
        );
      });
      outgoing.on('error', reject);
      abort.onEnd((reason) => outgoing.destroy(reason instanceof Error ? reason : new Error(String(reason))));
      outgoing.end(request.body);
    });
}
