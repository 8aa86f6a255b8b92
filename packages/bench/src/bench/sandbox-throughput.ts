/**
 * 2. Sandbox throughput and p99 latency with autocannon (programmatic API) on loopback, next to Stoplight
 * Prism's mock server serving the same spec (specs/espay/openapi.yaml). Both servers run as child processes
 * (one core each at most, the load generator on the other); both get the same requests: a valid, signed
 * Espay inquiry whose rq_uuid is new for every request (autocannon `setupRequest`), because the sandbox,
 * like Espay, answers a reused rq_uuid with 210. Rounds alternate between the servers.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { jakartaDateTime } from '@billerkit/core';
import { espaySignature } from '@billerkit/signing';
import autocannon from 'autocannon';
import { BENCH_DIR, freePort, median, REPO_DIR, startNodeChild, stopChild } from './util.js';

export interface ServerFigures {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  /** Answers that were not what the server should say (non-2xx, or for the sandbox anything but 0000). */
  unexpected: number;
  errors: number;
  total: number;
}

export interface ThroughputResult {
  sandbox: ServerFigures;
  prism: ServerFigures | { name: string; error: string };
  /** Sandbox ÷ Prism requests/s, median of per-round ratios. */
  ratio: number | undefined;
  connections: number;
  rounds: number;
  roundSeconds: number;
  body: string;
}

/** A child process that starts the sandbox with its default options and prints its URL and credentials. */
export const SANDBOX_CHILD = `
const { startSandbox } = await import('@billerkit/sandbox');
const sandbox = await startSandbox({ logger: { error: () => {} } });
console.log(JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials }));
`;

export interface Credentials {
  senderId: string;
  password: string;
  signatureKey: string;
  basicAuth: { username: string; password: string };
}

export function requestFactory(credentials: Credentials) {
  let counter = 0;
  const run = Date.now().toString(36);
  const authorization = `Basic ${Buffer.from(`${credentials.basicAuth.username}:${credentials.basicAuth.password}`).toString('base64')}`;
  return {
    authorization,
    /** A fresh, correctly signed inquiry body: unique rq_uuid, so the sandbox never answers 210. */
    body(): string {
      counter += 1;
      const rqUuid = `${credentials.senderId}AC${run}${counter}`;
      const fields = {
        rq_uuid: rqUuid,
        // Now, in Jakarta time: the sandbox, like Espay, refuses a request dated outside a 5-minute window.
        rq_datetime: jakartaDateTime(),
        sender_id: credentials.senderId,
        password: credentials.password,
        order_id: '880000000000',
        product_code: 'SPBFRE',
      };
      return new URLSearchParams({ ...fields, signature: espaySignature('inquiry', fields, credentials.signatureKey) }).toString();
    },
  };
}

async function cannon(
  name: string,
  url: string,
  credentials: Credentials,
  seconds: number,
  connections: number,
  expectSuccessCode: boolean,
): Promise<ServerFigures> {
  const factory = requestFactory(credentials);
  let unexpected = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/rest/biller/inquirytransaction',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: factory.authorization },
        setupRequest: (request) => ({ ...request, body: factory.body() }),
        onResponse: (status: number, body: string) => {
          if (status < 200 || status > 299 || (expectSuccessCode && !body.includes('"error_code":"0000"'))) unexpected += 1;
        },
      },
    ],
  });
  return {
    name,
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    unexpected,
    errors: result.errors,
    total: result.requests.total,
  };
}

async function startPrism(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  // Prism's CLI script run by this Node directly (no shell shim), so stopping the child stops Prism.
  const main = join(
    dirname(createRequire(join(BENCH_DIR, 'package.json')).resolve('@stoplight/prism-cli/package.json')),
    'dist',
    'index.js',
  );
  const child = spawn(
    process.execPath,
    [main, 'mock', '-h', '127.0.0.1', '-p', String(port), join(REPO_DIR, 'specs', 'espay', 'openapi.yaml')],
    {
      cwd: BENCH_DIR,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 60 s: ${output.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/Prism is listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Prism exited with ${code}: ${output.slice(-2000)}`)));
  });
  // Prism logs every request; keep draining its output so it never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

export async function measureSandboxThroughput(options: {
  rounds: number;
  roundSeconds: number;
  connections: number;
}): Promise<ThroughputResult> {
  const sandbox = await startNodeChild(SANDBOX_CHILD);
  const sandboxUrl = String(sandbox.hello['url']);
  const credentials = (sandbox.hello['credentials'] as { espay: Credentials }).espay;
  let prism: { url: string; stop: () => Promise<void> } | undefined;
  let prismError: string | undefined;
  try {
    try {
      prism = await startPrism();
    } catch (error) {
      prismError = (error as Error).message;
    }
    // Warm-up of both (JIT, validator compilation), not measured.
    await cannon('warm-up', sandboxUrl, credentials, 1, options.connections, true);
    if (prism) await cannon('warm-up', prism.url, credentials, 1, options.connections, false);
    const rounds: Array<{ sandbox: ServerFigures; prism?: ServerFigures }> = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const s = await cannon('billerkit sandbox', sandboxUrl, credentials, options.roundSeconds, options.connections, true);
      const p = prism ? await cannon('Prism mock', prism.url, credentials, options.roundSeconds, options.connections, false) : undefined;
      rounds.push({ sandbox: s, ...(p ? { prism: p } : {}) });
    }
    const combine = (list: ServerFigures[]): ServerFigures => ({
      name: list[0]!.name,
      requestsPerSecond: median(list.map((f) => f.requestsPerSecond)),
      p99Ms: median(list.map((f) => f.p99Ms)),
      p50Ms: median(list.map((f) => f.p50Ms)),
      unexpected: list.reduce((sum, f) => sum + f.unexpected, 0),
      errors: list.reduce((sum, f) => sum + f.errors, 0),
      total: list.reduce((sum, f) => sum + f.total, 0),
    });
    const sandboxFigures = combine(rounds.map((r) => r.sandbox));
    const prismFigures = prism ? combine(rounds.map((r) => r.prism!)) : undefined;
    return {
      sandbox: sandboxFigures,
      prism: prismFigures ?? { name: 'Prism mock', error: prismError ?? 'not started' },
      ratio: prismFigures ? median(rounds.map((r) => r.sandbox.requestsPerSecond / r.prism!.requestsPerSecond)) : undefined,
      connections: options.connections,
      rounds: options.rounds,
      roundSeconds: options.roundSeconds,
      body: 'POST /rest/biller/inquirytransaction, signed form body, new rq_uuid per request (setupRequest), order 880000000000 / SPBFRE',
    };
  } finally {
    await prism?.stop();
    await sandbox.stop();
  }
}
