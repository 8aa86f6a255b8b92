/**
 * 1. Client overhead: requests/s and client CPU per call of `espay.inquiry` and `iak.inquiry` (as created by
 * default, and with the opt-in spec validators) against a minimal loopback node:http server that returns a
 * fixed valid answer, next to what an application would write without billerkit, with the same prebuilt
 * body to the same server: raw node:http with a keep-alive agent (the floor), raw fetch, and an axios POST.
 * The server runs in a child process, so this process's CPU time is the client's own. The variants run in
 * interleaved rounds so drift hits them alike; each ratio is the median of the per-round ratios. Every
 * client variant below a goal gets a CPU profile that says where its time goes.
 */
import { Agent, request as httpRequest } from 'node:http';
import { createTransport } from '@billerkit/core';
import { createEspayClient } from '@billerkit/espay';
import { createIakClient } from '@billerkit/iak';
import { espaySignature, iakSign } from '@billerkit/signing';
import { espayValidators } from '@billerkit/validators/espay';
import { iakValidators } from '@billerkit/validators/iak';
import axios from 'axios';
import type { RecordedAnswers } from './answers.js';
import { type ProfileSummary, profile } from './profile.js';
import { closedLoop, median, startNodeChild } from './util.js';

export type { ProfileSummary } from './profile.js';

/** What a row is: the floor every ratio is taken to, another baseline, a client with its goals, or a diagnostic split. */
export type Role = 'floor' | 'baseline' | 'client' | 'diagnostic';

/** A client row's goals: minimum req/s ratios to the floor and to axios, maximum CPU per call ratio to the floor. */
export interface OverheadGoal {
  floor: number;
  axios?: number;
  cpu?: number;
}

export interface OverheadVariant {
  name: string;
  role: Role;
  provider: 'espay' | 'iak';
  goal: OverheadGoal | undefined;
  perSecond: number;
  /** Variant ÷ raw node:http req/s, median of per-round ratios; 1 for the floor. */
  ratio: number;
  /** Variant ÷ axios req/s, median of per-round ratios. */
  axiosRatio: number;
  /** Extra time per call compared with raw node:http, microseconds (at this concurrency). */
  overheadUs: number;
  /** CPU time of this (client) process per completed call, median over rounds, microseconds. */
  cpuUsPerCall: number;
  /** Variant's CPU per call ÷ raw node:http's, median of per-round ratios: below 1 is cheaper. */
  cpuRatio: number;
  failures: number;
  met: boolean | undefined;
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

const ESPAY = {
  senderId: 'BENCH',
  password: 'bench-password',
  signatureKey: 'bench-key',
  basicAuth: { username: 'bench', password: 'bench-basic' },
};
const IAK = { username: '081234567890', apiKey: 'bench-iak-key' };
export const GOALS = { default: { floor: 0.8, axios: 1.4, cpu: 1.3 }, validators: { floor: 0.7 } } as const;

interface Variant {
  name: string;
  provider: 'espay' | 'iak';
  role: Role;
  goal?: OverheadGoal;
  work: () => Promise<unknown>;
}

/** One provider's prebuilt request, sent as is by the baseline rows. */
interface PrebuiltRequest {
  provider: 'espay' | 'iak';
  label: string;
  operation: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  idempotent: boolean;
}

/** What an application writes on node:http: a keep-alive agent, the body, the chunks collected and parsed. */
function rawNodeHttp(url: string, headers: Record<string, string>, body: string, agent: Agent): () => Promise<unknown> {
  const options = { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
  return () =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
}

/**
 * The baselines (raw node:http, the floor; raw fetch; axios, as a typical integration calls it) and the
 * diagnostic rows that split a client's overhead: core's transport alone on its default stack and with
 * the fetch option.
 */
function baselines(request: PrebuiltRequest, agent: Agent): Variant[] {
  const { provider, label, url, headers, body } = request;
  const init: RequestInit = { method: 'POST', headers, body };
  const transport = createTransport({ provider });
  const fetchTransport = createTransport({ provider, fetch: (input, options) => fetch(input, options) });
  const send = { operation: request.operation, method: 'POST' as const, url, headers, body, idempotent: request.idempotent };
  return [
    { name: `raw node:http, keep-alive agent (${label} body)`, provider, role: 'floor', work: rawNodeHttp(url, headers, body, agent) },
    { name: `raw fetch (${label} body)`, provider, role: 'baseline', work: async () => (await fetch(url, init)).json() },
    { name: `axios POST (${label} body)`, provider, role: 'baseline', work: async () => (await axios.post(url, body, { headers })).data },
    {
      name: `(diagnostic) core transport.send, default (node:http), ${label} body`,
      provider,
      role: 'diagnostic',
      work: async () => JSON.parse((await transport.send(send)).body),
    },
    {
      name: `(diagnostic) core transport.send, fetch option, ${label} body`,
      provider,
      role: 'diagnostic',
      work: async () => JSON.parse((await fetchTransport.send(send)).body),
    },
  ];
}

function buildVariants(url: string, agent: Agent, answers: RecordedAnswers): Variant[] {
  // The server answers every call with one recorded answer, and the clients check that an answer echoes its
  // request's identifiers; so every call sends the identifiers the recorded answers carry.
  const recordedRqUuid = String(JSON.parse(answers.espayInquiry).rq_uuid);
  const recordedRefId = String(JSON.parse(answers.iakInquiry).data.ref_id);
  const espayFields = {
    rq_uuid: recordedRqUuid,
    rq_datetime: '2025-01-01 10:00:00',
    sender_id: ESPAY.senderId,
    password: ESPAY.password,
    order_id: '880000000000',
    product_code: 'SPBFRE',
  };
  const espayBody = new URLSearchParams({
    ...espayFields,
    signature: espaySignature('inquiry', espayFields, ESPAY.signatureKey),
  }).toString();
  const espayHeaders = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${ESPAY.basicAuth.username}:${ESPAY.basicAuth.password}`).toString('base64')}`,
  };
  const iakBody = JSON.stringify({
    commands: 'inq-pasca',
    username: IAK.username,
    code: 'PLNPOSTPAID',
    hp: '530000000001',
    ref_id: recordedRefId,
    sign: iakSign(IAK.username, IAK.apiKey, recordedRefId),
  });
  const espayTolerant = createEspayClient({ baseUrl: url, ...ESPAY, validators: espayValidators });
  const espayDefault = createEspayClient({ baseUrl: url, ...ESPAY });
  const espayFetch = createEspayClient({ baseUrl: url, ...ESPAY, fetch: (input, init) => fetch(input, init) });
  const iakTolerant = createIakClient({ baseUrl: url, ...IAK, validators: iakValidators });
  const iakDefault = createIakClient({ baseUrl: url, ...IAK });
  const iakFetch = createIakClient({ baseUrl: url, ...IAK, fetch: (input, init) => fetch(input, init) });
  const espayInquiry = { productCode: 'SPBFRE', orderId: '880000000000', rqUuid: recordedRqUuid };
  const iakInquiry = () => ({ code: 'PLNPOSTPAID', hp: '530000000001', refId: recordedRefId });
  return [
    ...baselines(
      {
        provider: 'espay',
        label: 'Espay',
        operation: 'inquiryTransaction',
        url: `${url}/rest/biller/inquirytransaction`,
        headers: espayHeaders,
        body: espayBody,
        idempotent: true,
      },
      agent,
    ),
    {
      name: 'espay.inquiry with validators (tolerant)',
      provider: 'espay',
      role: 'client',
      goal: GOALS.validators,
      work: () => espayTolerant.inquiry(espayInquiry),
    },
    {
      name: 'espay.inquiry, default (no validators)',
      provider: 'espay',
      role: 'client',
      goal: GOALS.default,
      work: () => espayDefault.inquiry(espayInquiry),
    },
    {
      name: '(diagnostic) espay.inquiry with the fetch option',
      provider: 'espay',
      role: 'diagnostic',
      work: () => espayFetch.inquiry(espayInquiry),
    },
    ...baselines(
      {
        provider: 'iak',
        label: 'IAK',
        operation: 'inq-pasca',
        url: `${url}/api/v1/bill/check`,
        headers: { 'content-type': 'application/json' },
        body: iakBody,
        idempotent: false,
      },
      agent,
    ),
    {
      name: 'iak.inquiry with validators (tolerant)',
      provider: 'iak',
      role: 'client',
      goal: GOALS.validators,
      work: () => iakTolerant.inquiry(iakInquiry()),
    },
    {
      name: 'iak.inquiry, default (no validators)',
      provider: 'iak',
      role: 'client',
      goal: GOALS.default,
      work: () => iakDefault.inquiry(iakInquiry()),
    },
    {
      name: '(diagnostic) iak.inquiry with the fetch option',
      provider: 'iak',
      role: 'diagnostic',
      work: () => iakFetch.inquiry(iakInquiry()),
    },
  ];
}

function append(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function meets(goal: OverheadGoal | undefined, v: Pick<OverheadVariant, 'ratio' | 'axiosRatio' | 'cpuRatio'>): boolean | undefined {
  if (!goal) return undefined;
  return (
    v.ratio >= goal.floor && (goal.axios === undefined || v.axiosRatio >= goal.axios) && (goal.cpu === undefined || v.cpuRatio <= goal.cpu)
  );
}

export async function measureClientOverhead(
  answers: RecordedAnswers,
  options: { rounds: number; roundMs: number; concurrency: number },
): Promise<OverheadResult> {
  const server = await startNodeChild(SERVER, { BENCH_ANSWERS: JSON.stringify(answers) });
  const url = String(server.hello['url']);
  const agent = new Agent({ keepAlive: true });
  try {
    const variants = buildVariants(url, agent, answers);
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
    const ratioTo = (mine: number[], base: number[]) => median(mine.map((value, i) => value / base[i]!));
    const out: OverheadVariant[] = variants.map((v) => {
      const floor = variants.find((r) => r.role === 'floor' && r.provider === v.provider)!;
      const axiosRow = variants.find((r) => r.name.startsWith('axios') && r.provider === v.provider)!;
      const mine = perRound.get(v.name)!;
      const cpuMine = cpuPerRound.get(v.name)!;
      const figures = {
        ratio: ratioTo(mine, perRound.get(floor.name)!),
        axiosRatio: ratioTo(mine, perRound.get(axiosRow.name)!),
        cpuRatio: ratioTo(cpuMine, cpuPerRound.get(floor.name)!),
      };
      const perSecond = median(mine);
      return {
        name: v.name,
        role: v.role,
        provider: v.provider,
        goal: v.goal,
        perSecond,
        ...figures,
        overheadUs: (options.concurrency / perSecond - options.concurrency / median(perRound.get(floor.name)!)) * 1e6,
        cpuUsPerCall: median(cpuMine),
        failures: failures.get(v.name) ?? 0,
        met: meets(v.goal, figures),
      };
    });
    const profiles: ProfileSummary[] = [];
    for (const v of out) {
      if (v.met !== false) continue;
      const variant = variants.find((x) => x.name === v.name)!;
      profiles.push(await profile(v.name, () => closedLoop(variant.work, options.concurrency, 2_000)));
    }
    return { variants: out, concurrency: options.concurrency, rounds: options.rounds, roundMs: options.roundMs, profiles };
  } finally {
    agent.destroy();
    await server.stop();
  }
}
