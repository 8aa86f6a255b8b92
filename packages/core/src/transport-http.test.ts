import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from './transport.js';

// The cases every stack must meet run against the default stack in transport.test.ts; these are its options.
let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
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
});
