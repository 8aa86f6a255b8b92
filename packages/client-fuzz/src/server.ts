import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Scenario } from './scenarios.js';

/** What the server sends for one request: the scenario's status, headers and delivery, with this body. */
export interface Reply {
  scenario: Scenario<unknown>;
  body: Buffer;
}

export interface HostileServer {
  /** The base URL whose requests are answered by scenario `id`: `<server>/s/<id>`. */
  baseUrlFor(id: string): string;
  /** Ends every stalled answer and closes the server. */
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers `/s/<id>/<path>` with what `reply` returns for that id, path and
 * request body (404 when it returns nothing), sent the way the scenario's delivery says. Stalled answers
 * stay open until `close`.
 */
export async function startHostileServer(
  reply: (request: { id: string; path: string; body: Buffer }) => Reply | undefined,
): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  function answer(req: IncomingMessage, res: ServerResponse, found: Reply): void {
    const { scenario: s, body } = found;
    const headers: Record<string, string> = { ...s.extraHeaders };
    if (s.contentType !== null) headers['content-type'] = s.contentType;
    const socket = req.socket;
    const rawHead = (extra: string) => `HTTP/1.1 ${s.status} X\r\n${extra}${s.contentType ? `content-type: ${s.contentType}\r\n` : ''}\r\n`;
    switch (s.delivery.kind) {
      case 'normal':
        res.writeHead(s.status, { ...headers, 'content-length': String(body.length) });
        res.end(body);
        return;
      case 'drip': {
        res.writeHead(s.status, headers);
        const { chunkBytes, everyMs } = s.delivery;
        let offset = 0;
        const step = () => {
          if (res.destroyed) return;
          if (offset >= body.length) {
            res.end();
            return;
          }
          res.write(body.subarray(offset, offset + chunkBytes));
          offset += chunkBytes;
          later(everyMs, step);
        };
        step();
        return;
      }
      case 'stall-before-headers':
        return; // nothing, ever; the socket goes when the server closes
      case 'stall-after-headers':
        res.writeHead(s.status, headers);
        res.flushHeaders();
        return;
      case 'stall-mid-body':
        res.writeHead(s.status, { ...headers, 'content-length': String(body.length + 10) });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        return;
      case 'cut-mid-body':
        res.writeHead(s.status, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => socket.destroy());
        return;
      case 'cut-at-once':
        socket.destroy();
        return;
      case 'short-content-length':
        res.writeHead(s.status, { ...headers, 'content-length': String(Math.max(0, body.length - 5)) });
        res.end(body.subarray(0, Math.max(0, body.length - 5)));
        return;
      case 'long-content-length':
        // Declares more than it sends, then closes: a premature end of the body.
        socket.write(rawHead(`content-length: ${body.length + 100}\r\n`));
        socket.end(body);
        return;
      case 'bad-chunking':
        socket.write(`${rawHead('transfer-encoding: chunked\r\n')}ZZ\r\n`);
        socket.end(body);
        return;
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /^\/s\/([^/]+)(\/.*)$/.exec(req.url ?? '');
      const found = match ? reply({ id: match[1]!, path: match[2]!, body: Buffer.concat(chunks) }) : undefined;
      if (found) answer(req, res, found);
      else res.writeHead(404).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrlFor: (id) => `${base}/s/${id}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
