/**
 * 6. The sandbox under hostile bodies (issue 15): how long a 1 MB body of many keys takes to be refused, how
 * big the refusal is, and how `/__sandbox/health` answers while four senders loop such bodies. The sandbox
 * runs in a child process, as a user runs it; the senders and the health prober share this process, so the
 * health figures include the prober's own wait for its turn on a core.
 */
import { request } from 'node:http';
import { iakSign } from '@billerkit/signing';
import { type Credentials, requestFactory, SANDBOX_CHILD } from './sandbox-throughput.js';
import { median, startNodeChild } from './util.js';

export interface BodyFigures {
  name: string;
  bodyBytes: number;
  status: number;
  medianMs: number;
  maxMs: number;
  answerBytes: number;
}

export interface HostileBodiesResult {
  bodies: BodyFigures[];
  /** Health probes with nobody else sending (the baseline), then while four senders loop. */
  idle: { probes: number; p50Ms: number; p99Ms: number };
  loaded: { probes: number; p50Ms: number; p99Ms: number; seconds: number; bodiesSent: number; failedProbes: number };
}

interface Answer {
  status: number;
  bytes: number;
  ms: number;
}

function post(url: string, path: string, contentType: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
      res.on('error', reject);
    });
    // The sandbox may answer and close before reading all of a refused body: that is an answer, not an error.
    req.on('error', reject);
    req.end(body);
  });
}

function probe(url: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/__sandbox/health`, { timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: 0, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, bytes: 0, ms: performance.now() - started }));
    req.end();
  });
}

/** A body of about `bytes` bytes made of distinct keys after the given lead fields. */
function manyKeys(format: 'json' | 'xml' | 'form', lead: Record<string, string>, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = format === 'json' ? `"k${i}":1` : format === 'xml' ? `<k${i}>1</k${i}>` : `k${i}=1`;
    parts.push(part);
    size += part.length + 1;
  }
  const entries = Object.entries(lead);
  if (format === 'json') return `{${entries.map(([k, v]) => `"${k}":"${v}"`).join(',')}${entries.length ? ',' : ''}${parts.join(',')}}`;
  if (format === 'xml') return `<?xml version="1.0"?><mp>${entries.map(([k, v]) => `<${k}>${v}</${k}>`).join('')}${parts.join('')}</mp>`;
  return `${new URLSearchParams(lead).toString()}&${parts.join('&')}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function probeFor(url: string, ms: number): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const answer = await probe(url);
    times.push(answer.status === 200 ? answer.ms : Number.POSITIVE_INFINITY);
    await new Promise((r) => setTimeout(r, 20));
  }
  return times;
}

export async function measureHostileBodies(options: { repeats: number; loadedSeconds: number }): Promise<HostileBodiesResult> {
  const sandbox = await startNodeChild(SANDBOX_CHILD);
  try {
    const url = String(sandbox.hello['url']);
    const credentials = sandbox.hello['credentials'] as { espay: Credentials; iak: { username: string; apiKey: string } };
    const espay = requestFactory(credentials.espay);
    const { username, apiKey } = credentials.iak;
    const iakLead = {
      commands: 'inq-pasca',
      username,
      code: 'PLNPOSTPAID',
      hp: '530000000001',
      ref_id: 'big1',
      sign: iakSign(username, apiKey, 'big1'),
    };
    const espayLead = Object.fromEntries(new URLSearchParams(espay.body()));
    const MB = 1_000_000;
    const cases: Array<{ name: string; path: string; type: string; body: string; headers?: Record<string, string> }> = [
      { name: 'IAK JSON, signed', path: '/api/v1/bill/check', type: 'application/json', body: manyKeys('json', iakLead, MB) },
      { name: 'IAK JSON, no credentials', path: '/api/v1/bill/check', type: 'application/json', body: manyKeys('json', {}, MB) },
      { name: 'IAK XML, signed', path: '/api/v1/bill/check', type: 'application/xml', body: manyKeys('xml', iakLead, MB) },
      { name: 'IAK XML, no credentials', path: '/api/v1/bill/check', type: 'application/xml', body: manyKeys('xml', {}, MB) },
      {
        name: 'Espay form, Basic auth',
        path: '/rest/biller/inquirytransaction',
        type: 'application/x-www-form-urlencoded',
        body: manyKeys('form', espayLead, MB),
        headers: { authorization: espay.authorization },
      },
      {
        name: 'Espay form, no credentials',
        path: '/rest/biller/inquirytransaction',
        type: 'application/x-www-form-urlencoded',
        body: manyKeys('form', {}, MB),
      },
    ];
    const bodies: BodyFigures[] = [];
    for (const c of cases) {
      const answers: Answer[] = [];
      for (let i = 0; i < options.repeats; i++) answers.push(await post(url, c.path, c.type, c.body, c.headers));
      bodies.push({
        name: c.name,
        bodyBytes: Buffer.byteLength(c.body),
        status: answers[0]!.status,
        medianMs: median(answers.map((a) => a.ms)),
        maxMs: Math.max(...answers.map((a) => a.ms)),
        answerBytes: Math.max(...answers.map((a) => a.bytes)),
      });
    }

    const idleTimes = await probeFor(url, 2_000);
    let stop = false;
    let bodiesSent = 0;
    const senders = cases.slice(0, 4).map(async (c) => {
      while (!stop) {
        await post(url, c.path, c.type, c.body, c.headers).catch(() => undefined);
        bodiesSent += 1;
      }
    });
    const loadedTimes = await probeFor(url, options.loadedSeconds * 1000);
    stop = true;
    await Promise.all(senders);
    const finite = (values: number[]) => values.filter(Number.isFinite);
    return {
      bodies,
      idle: { probes: idleTimes.length, p50Ms: percentile(idleTimes, 50), p99Ms: percentile(idleTimes, 99) },
      loaded: {
        probes: loadedTimes.length,
        p50Ms: percentile(loadedTimes, 50),
        p99Ms: percentile(loadedTimes, 99),
        seconds: options.loadedSeconds,
        bodiesSent,
        failedProbes: loadedTimes.length - finite(loadedTimes).length,
      },
    };
  } finally {
    await sandbox.stop();
  }
}
