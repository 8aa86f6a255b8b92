/**
 * 1. Client overhead: requests/s of `espay.inquiry` and `iak.inquiry` through the clients (as created by
 * default, and with the opt-in spec validators) against a minimal loopback node:http server that returns a
 * fixed valid answer, next to raw `fetch` with a prebuilt body to the same server. The server runs in a child process
 * (its own core); the variants run in interleaved rounds so drift hits them alike; the ratio is the median of
 * the per-round ratios. When a client is below the goal, a CPU profile of it says where the time goes.
 */
import { Session } from 'node:inspector/promises';
import { createEspayClient } from '@billerkit/espay';
import { createTransport } from '@billerkit/core';
import { createIakClient } from '@billerkit/iak';
import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import { espaySignature, iakSign } from '@billerkit/signing';
import type { RecordedAnswers } from './answers.js';
import { closedLoop, median, startNodeChild } from './util.js';

function append(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface OverheadVariant {
  name: string;
  /** Not a goal row: a piece of the client, measured to split the overhead. */
  diagnostic: boolean;
  /** The provider's baseline row (raw fetch as an application writes it). */
  raw: boolean;
  provider: 'espay' | 'iak';
  perSecond: number;
  /** Client ÷ raw fetch, median of per-round ratios; 1 for the raw rows. */
  ratio: number;
  /** Extra time per call compared with raw fetch, microseconds (at this concurrency). */
  overheadUs: number;
  /** CPU time of this (client) process per completed call, median over rounds, microseconds. */
  cpuUsPerCall: number;
  /** Raw fetch's CPU per call ÷ this variant's: the same comparison as `ratio`, without the scheduling noise. */
  cpuRatio: number;
  failures: number;
}

export interface ProfileSummary {
  variant: string;
  /** Share of sampled CPU time by area (package, or node internals). */
  areas: Array<{ area: string; percent: number }>;
  functions: Array<{ name: string; where: string; percent: number }>;
  /** billerkit functions by inclusive time (their callees included): which step of a call costs what. */
  inclusive: Array<{ name: string; where: string; percent: number }>;
}

export interface OverheadResult {
  variants: OverheadVariant[];
  concurrency: number;
  rounds: number;
  roundMs: number;
  profiles: ProfileSummary[];
}

const SERVER = `
import { createServer } from 'node:http';
const answers = JSON.parse(process.env.BENCH_ANSWERS);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.url.startsWith('/rest/') ? answers.espayInquiry : answers.iakInquiry;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
`;

const ESPAY = { senderId: 'BENCH', password: 'bench-password', signatureKey: 'bench-key', basicAuth: { username: 'bench', password: 'bench-basic' } };
const IAK = { username: '081234567890', apiKey: 'bench-iak-key' };

interface Variant {
  name: string;
  provider: 'espay' | 'iak';
  raw: boolean;
  diagnostic?: boolean;
  work: () => Promise<unknown>;
}

/** One provider's prebuilt request, sent as is by the baseline rows. */
interface PrebuiltRequest {
  provider: 'espay' | 'iak';
  rawName: string;
  label: string;
  operation: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  idempotent: boolean;
}

/**
 * Raw fetch (the baseline) and the diagnostic rows that split a client's overhead: raw fetch with an
 * AbortSignal per call is what undici charges for any abortable timeout; with `redirect: 'error'` it gets
 * the option the transport uses, which spares undici a copy of the request (see transport.ts), so the rows
 * after it compare like with like; core's transport alone adds its own work to that.
 */
function baselines(request: PrebuiltRequest): Variant[] {
  const { provider, label, url, headers, body } = request;
  const init: RequestInit = { method: 'POST', headers, body };
  const noRedirects: RequestInit = { ...init, redirect: 'error' };
  const transport = createTransport({ provider });
  return [
    { name: request.rawName, provider, raw: true, work: async () => (await fetch(url, init)).json() },
    {
      name: `(diagnostic) raw fetch + an AbortSignal per call, ${label} body`,
      provider,
      raw: false,
      diagnostic: true,
      work: async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        try {
          return await (await fetch(url, { ...init, signal: controller.signal })).json();
        } finally {
          clearTimeout(timer);
        }
      },
    },
    { name: `(diagnostic) raw fetch with redirect: 'error', ${label} body`, provider, raw: false, diagnostic: true, work: async () => (await fetch(url, noRedirects)).json() },
    {
      name: `(diagnostic) core transport.send, ${label} body`,
      provider,
      raw: false,
      diagnostic: true,
      work: async () => JSON.parse((await transport.send({ operation: request.operation, method: 'POST', url, headers, body, idempotent: request.idempotent })).body),
    },
  ];
}

export async function measureClientOverhead(answers: RecordedAnswers, options: { rounds: number; roundMs: number; concurrency: number; goal: number }): Promise<OverheadResult> {
  const server = await startNodeChild(SERVER, { BENCH_ANSWERS: JSON.stringify(answers) });
  const url = String(server.hello['url']);
  try {
    const espayFields = { rq_uuid: 'BENCH1', rq_datetime: '2025-01-01 10:00:00', sender_id: ESPAY.senderId, password: ESPAY.password, order_id: '880000000000', product_code: 'SPBFRE' };
    const espayBody = new URLSearchParams({ ...espayFields, signature: espaySignature('inquiry', espayFields, ESPAY.signatureKey) }).toString();
    const espayHeaders = {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${ESPAY.basicAuth.username}:${ESPAY.basicAuth.password}`).toString('base64')}`,
    };
    const iakBody = JSON.stringify({ commands: 'inq-pasca', username: IAK.username, code: 'PLNPOSTPAID', hp: '530000000001', ref_id: 'BENCH1', sign: iakSign(IAK.username, IAK.apiKey, 'BENCH1') });
    const espayTolerant = createEspayClient({ baseUrl: url, ...ESPAY, validators: espayValidators });
    const espayOff = createEspayClient({ baseUrl: url, ...ESPAY });
    const iakTolerant = createIakClient({ baseUrl: url, ...IAK, validators: iakValidators });
    const iakOff = createIakClient({ baseUrl: url, ...IAK });
    let n = 0;
    const nextRef = () => {
      n += 1;
      return `BENCH${n}`;
    };
    const variants: Variant[] = [
      ...baselines({
        provider: 'espay',
        rawName: 'raw fetch (Espay inquiry body)',
        label: 'Espay',
        operation: 'inquiryTransaction',
        url: `${url}/rest/biller/inquirytransaction`,
        headers: espayHeaders,
        body: espayBody,
        idempotent: true,
      }),
      { name: 'espay.inquiry with validators (tolerant)', provider: 'espay', raw: false, work: () => espayTolerant.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' }) },
      { name: 'espay.inquiry, default (no validators)', provider: 'espay', raw: false, work: () => espayOff.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' }) },
      ...baselines({
        provider: 'iak',
        rawName: 'raw fetch (IAK inq-pasca body)',
        label: 'IAK',
        operation: 'inq-pasca',
        url: `${url}/api/v1/bill/check`,
        headers: { 'content-type': 'application/json' },
        body: iakBody,
        idempotent: false,
      }),
      { name: 'iak.inquiry with validators (tolerant)', provider: 'iak', raw: false, work: () => iakTolerant.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: nextRef() }) },
      { name: 'iak.inquiry, default (no validators)', provider: 'iak', raw: false, work: () => iakOff.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: nextRef() }) },
    ];
    // Warm-up: JIT, connection pools, validator compilation.
    for (const v of variants) await closedLoop(v.work, options.concurrency, 700);
    const perRound = new Map<string, number[]>();
    // The server runs in another process, so this process's CPU time is the client's own cost per call:
    // a steadier figure than requests/s on a shared two-core machine.
    const cpuPerRound = new Map<string, number[]>();
    const failures = new Map<string, number>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const cpuBefore = process.cpuUsage();
        const result = await closedLoop(v.work, options.concurrency, options.roundMs);
        const cpu = process.cpuUsage(cpuBefore);
        append(perRound, v.name, result.perSecond);
        append(cpuPerRound, v.name, (cpu.user + cpu.system) / Math.max(1, result.done));
        failures.set(v.name, (failures.get(v.name) ?? 0) + result.failures);
        if (result.failures > 0 && result.done === 0) throw new Error(`${v.name}: every call failed: ${String(result.firstFailure)}`);
      }
    }
    const out: OverheadVariant[] = variants.map((v) => {
      const raw = variants.find((r) => r.raw && r.provider === v.provider)!;
      const mine = perRound.get(v.name)!;
      const base = perRound.get(raw.name)!;
      const ratios = mine.map((value, i) => value / base[i]!);
      const perSecond = median(mine);
      const cpuMine = cpuPerRound.get(v.name)!;
      const cpuBase = cpuPerRound.get(raw.name)!;
      return {
        name: v.name,
        diagnostic: v.diagnostic === true,
        raw: v.raw,
        provider: v.provider,
        perSecond,
        ratio: v.raw ? 1 : median(ratios),
        overheadUs: v.raw ? 0 : (options.concurrency / perSecond - options.concurrency / median(base)) * 1e6,
        cpuUsPerCall: median(cpuMine),
        cpuRatio: v.raw ? 1 : median(cpuMine.map((value, i) => cpuBase[i]! / value)),
        failures: failures.get(v.name) ?? 0,
      };
    });
    const profiles: ProfileSummary[] = [];
    for (const v of out) {
      if (v.ratio >= options.goal || v.diagnostic) continue;
      const variant = variants.find((x) => x.name === v.name)!;
      profiles.push(await profile(v.name, () => closedLoop(variant.work, options.concurrency, 2_000)));
    }
    return { variants: out, concurrency: options.concurrency, rounds: options.rounds, roundMs: options.roundMs, profiles };
  } finally {
    await server.stop();
  }
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Where a script URL belongs: a workspace package, an npm package, or Node itself. */
export function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const workspace = /\/packages\/([^/]+)\/(?:dist|src)\//.exec(url);
  if (workspace) return `@billerkit/${workspace[1]}`;
  if (/\/specs\/dist\//.test(url)) return '@billerkit/specs';
  const pnpm = /node_modules\/\.pnpm\/(@?[^@/]+(?:\+[^@/]+)?)@/.exec(url);
  if (pnpm) return pnpm[1]!.replace('+', '/');
  const plain = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  if (url.includes('internal/deps/undici')) return 'node: undici (fetch)';
  if (url.startsWith('node:internal/crypto')) return 'node: crypto';
  if (url.startsWith('node:internal/abort_controller') || url.startsWith('node:internal/worker/js_transferable')) return 'node: AbortSignal';
  if (url.startsWith('node:')) return 'node: other internals';
  return url.split('/').slice(-2).join('/');
}

async function profile(variant: string, run: () => Promise<unknown>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await run();
  const { profile: cpu } = (await session.post('Profiler.stop')) as { profile: { nodes: CpuProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();
  const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  cpu.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (cpu.timeDeltas[i] ?? 0));
  });
  let total = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; time: number }>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    total += time;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + time);
    const where = `${area} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}|${where}`;
    const entry = functions.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, time: 0 };
    entry.time += time;
    functions.set(key, entry);
  }
  // Inclusive time per billerkit function (and the generated hey-api code inside @billerkit/espay): each
  // function counted once per stack, so recursion does not inflate it.
  const inclusive = new Map<string, { name: string; where: string; time: number }>();
  const root = cpu.nodes[0]!;
  const totalOf = new Map<number, number>();
  const sum = (node: CpuProfileNode): number => {
    let t = node.callFrame.functionName === '(idle)' ? 0 : (self.get(node.id) ?? 0);
    for (const child of node.children ?? []) t += sum(byId.get(child)!);
    totalOf.set(node.id, t);
    return t;
  };
  sum(root);
  const walk = (node: CpuProfileNode, onPath: Set<string>) => {
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const where = `${area} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}|${where}`;
    const mine = area.startsWith('@billerkit/') && area !== '@billerkit/bench' && !onPath.has(key);
    if (mine) {
      const entry = inclusive.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, time: 0 };
      entry.time += totalOf.get(node.id) ?? 0;
      inclusive.set(key, entry);
    }
    const next = mine ? new Set(onPath).add(key) : onPath;
    for (const child of node.children ?? []) walk(byId.get(child)!, next);
  };
  walk(root, new Set());
  return {
    variant,
    inclusive: [...inclusive.values()].sort((a, b) => b.time - a.time).slice(0, 14).map((f) => ({ name: f.name, where: f.where, percent: (100 * f.time) / total })),
    areas: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([area, time]) => ({ area, percent: (100 * time) / total })),
    functions: [...functions.values()].sort((a, b) => b.time - a.time).slice(0, 10).map((f) => ({ name: f.name, where: f.where, percent: (100 * f.time) / total })),
  };
}
