/**
 * The sandbox holds 1,000 concurrent keep-alive connections on loopback without an error: 1,000 sockets
 * each send a signed request (half Espay getbalance, half IAK pricelist) that the sandbox holds for a
 * moment (`latency` fault), so every connection is open with a request in flight at the same time; then a
 * second round goes over the same sockets. Every answer must be a success, no socket may fail, and the
 * sandbox must count 2,000 requests and no internal error.
 */
import { connect, type Socket } from 'node:net';
import { jakartaDateTime } from '@billerkit/core';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { espaySignature, iakSign } from '@billerkit/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONNECTIONS = Number(process.env['BILLERKIT_LOAD_CONNECTIONS'] ?? 1_000);
const HOLD_MS = 1_500;

let sandbox: Sandbox;
const sockets: Socket[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ logger: { error: (message) => console.error(message) } });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await sandbox?.close();
});

let sequence = 0;

function request(index: number, latencyMs: number): Buffer {
  const host = `${sandbox.host}:${sandbox.port}`;
  const fault = latencyMs > 0 ? `x-sandbox-fault: latency=${latencyMs}\r\n` : '';
  if (index % 2 === 0) {
    const { senderId, password, signatureKey, basicAuth } = sandbox.credentials.espay;
    sequence += 1;
    const rqUuid = `LOAD${index}x${sequence}x${Date.now()}`;
    // Dated now: the sandbox refuses an rq_datetime more than 5 minutes from its clock.
    const fields = { rq_uuid: rqUuid, rq_datetime: jakartaDateTime(), sender_id: senderId, password };
    const body = new URLSearchParams({ ...fields, signature: espaySignature('balance', fields, signatureKey) }).toString();
    const auth = Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64');
    return Buffer.from(
      `POST /rest/billertools/getbalance HTTP/1.1\r\nhost: ${host}\r\nauthorization: Basic ${auth}\r\ncontent-type: application/x-www-form-urlencoded\r\n${fault}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  const { username, apiKey } = sandbox.credentials.iak;
  const body = JSON.stringify({ commands: 'pricelist-pasca', username, sign: iakSign(username, apiKey, 'pl'), status: 'active' });
  return Buffer.from(
    `POST /api/v1/bill/check/pln HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n${fault}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Reply {
  status: number;
  headers: string;
  body: string;
}

/** Sends one request on a socket and reads one Content-Length framed answer. */
function exchange(socket: Socket, bytes: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (!Number.isFinite(length)) return done(new Error(`answer without content-length: ${head}`));
      if (buffer.length < end + 4 + length) return;
      done(undefined, {
        status: Number(head.slice(9, 12)),
        headers: head,
        body: buffer.subarray(end + 4, end + 4 + length).toString('utf8'),
      });
    };
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('connection closed before the answer'));
    function done(error: Error | undefined, reply?: Reply) {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(reply!);
    }
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(bytes);
  });
}

function succeeded(index: number, reply: Reply): boolean {
  if (reply.status !== 200) return false;
  const body = JSON.parse(reply.body) as Record<string, unknown>;
  if (index % 2 === 0) return body['error_code'] === '0000';
  const data = body['data'] as Record<string, unknown> | undefined;
  return Array.isArray(data?.['pasca']) && (data['pasca'] as unknown[]).length > 0;
}

describe(`sandbox under ${CONNECTIONS} concurrent connections`, () => {
  it('answers every request on every connection, twice, without an error', async () => {
    // Open all connections first.
    await Promise.all(
      Array.from({ length: CONNECTIONS }, () => {
        return new Promise<void>((resolve, reject) => {
          const socket = connect(sandbox.port, sandbox.host, () => resolve());
          socket.setNoDelay(true);
          socket.once('error', reject);
          sockets.push(socket);
        });
      }),
    );
    const before = sandbox.stats();

    // Round 1: every connection has a request in flight at once, held by the sandbox for HOLD_MS.
    const sentAt = performance.now();
    let firstAnswerAt = Number.POSITIVE_INFINITY;
    const round1 = await Promise.allSettled(
      sockets.map((socket, i) =>
        exchange(socket, request(i, HOLD_MS)).then((reply) => {
          firstAnswerAt = Math.min(firstAnswerAt, performance.now());
          return reply;
        }),
      ),
    );
    // Every write above was issued before any answer could come back: all requests were in flight together.
    expect(firstAnswerAt - sentAt).toBeGreaterThanOrEqual(HOLD_MS * 0.5);

    // Round 2: the same sockets, kept alive, answer again.
    const round2 = await Promise.allSettled(sockets.map((socket, i) => exchange(socket, request(i, 0))));

    for (const [name, round] of [
      ['round 1', round1],
      ['round 2', round2],
    ] as const) {
      const failures = round.flatMap((r, i) =>
        r.status === 'rejected'
          ? [`#${i}: ${(r.reason as Error).message}`]
          : succeeded(i, r.value)
            ? []
            : [`#${i}: HTTP ${r.value.status} ${r.value.body.slice(0, 120)}`],
      );
      expect(failures, name).toEqual([]);
    }
    const after = sandbox.stats();
    expect(after.requests - before.requests).toBe(2 * CONNECTIONS);
    expect(after.internalErrors).toBe(0);
    expect(sockets.every((s) => !s.destroyed)).toBe(true);
  });
});
