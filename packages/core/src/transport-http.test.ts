import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from './transport.js';

// The cases every stack must meet run against the default stack in transport.test.ts; these are its options.
let server: Server;
let url: string;
let hits = 0;
/** When the server saw each client port's socket close. */
const closedAt = new Map<number, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, port: req.socket.remotePort }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    const port = socket.remotePort!;
    socket.on('close', () => closedAt.set(port, performance.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ok`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the default stack with your own agent', () => {
  it('sends through the agent it is given', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let created = 0;
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof createConnection>) => {
      created += 1;
      return createConnection(...args);
    }) as typeof agent.createConnection;
    try {
      const t = createTransport({ provider: 'espay', agent });
      await Promise.all(Array.from({ length: 3 }, () => t.send({ operation: 'op', url, body: 'a=1', idempotent: false })));
      // One socket, kept alive and reused by all three calls.
      expect(created).toBe(1);
      expect(hits).toBe(3);
    } finally {
      agent.destroy();
    }
  });

  it('refuses fetch and agent together', () => {
    expect(() => createTransport({ provider: 'espay', agent: new Agent(), fetch: globalThis.fetch })).toThrow(TypeError);
  });

  it('the default agents keep a socket alive, and close it once idle for 4 s (before a server would)', async () => {
    const t = createTransport({ provider: 'espay' });
    const portOf = async () =>
      (JSON.parse((await t.send({ operation: 'op', url, body: 'a=1', idempotent: false })).body) as { port: number }).port;
    const first = await portOf();
    const idleFrom = performance.now();
    expect(await portOf()).toBe(first);
    expect(closedAt.has(first)).toBe(false);
    // The server would keep it for 60 s; the client closes it after 4 s idle, within a sweep (1 s) and slack.
    const deadline = idleFrom + 4_000 + 10_000;
    while (!closedAt.has(first) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedAt.get(first)! - idleFrom).toBeGreaterThanOrEqual(4_000 - 2);
  }, 20_000);
});
