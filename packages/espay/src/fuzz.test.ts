/**
 * Hostile and malformed answers for the Espay client, from a real loopback server: truncated JSON, HTML
 * error pages, XML error documents, retyped fields, huge bodies, slow drips, stalls, cut connections, wrong
 * content types, empty bodies, redirects and 4xx/5xx with junk. Every call must settle within its deadline
 * and either return a result or throw a `BillerkitError` subclass; nothing else may escape, nothing may
 * hang, and no secret may appear in an error.
 *
 * Scenarios are generated with fast-check (seeded; BILLERKIT_FUZZ_SEED replays a run) and bounded twice:
 * BILLERKIT_CLIENT_FUZZ_RUNS calls (default 3000) and a wall-clock budget.
 */
import {
  FUZZ,
  type Json,
  jsonValue as jsonValueOf,
  runFuzzCases,
  type Scenario,
  scenarioOf,
  startHostileServer,
  type HostileServer,
  judge,
} from '@billerkit/client-fuzz';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espayValidators } from '@billerkit/validators/espay';
import { createEspayClient, type EspayClient } from './client.js';
import { BillerkitError, isBillerkitError } from './index.js';

const { runs: RUNS, seed: SEED } = FUZZ;
const isTyped = (error: unknown): error is BillerkitError => isBillerkitError(error) && error instanceof BillerkitError;

const CREDENTIALS = {
  senderId: 'FUZZSENDER',
  password: `pw-${Math.random().toString(36).slice(2)}-secret`,
  signatureKey: `key-${Math.random().toString(36).slice(2)}-secret`,
  basicAuth: { username: 'fuzz-user', password: `basic-${Math.random().toString(36).slice(2)}-secret` },
};
const SECRETS = [CREDENTIALS.password, CREDENTIALS.signatureKey, CREDENTIALS.basicAuth.password];

// ---------------------------------------------------------------------------------------------------------
// Valid answers, recorded from the embedded sandbox, as raw material for the mutations

type Operation = 'inquiry' | 'pay' | 'transactionInfo' | 'balance' | 'registeredProducts' | 'payAndConfirm';
const OPERATIONS: Operation[] = ['inquiry', 'pay', 'transactionInfo', 'balance', 'registeredProducts', 'payAndConfirm'];
const PATH_OF: Record<string, Operation> = {
  '/rest/biller/inquirytransaction': 'inquiry',
  '/rest/biller/paymentreport': 'pay',
  '/rest/billertools/gettransactioninfo': 'transactionInfo',
  '/rest/billertools/getbalance': 'balance',
  '/rest/billertools/getregisteredproducts': 'registeredProducts',
};
const recorded = new Map<Operation, string>();

async function recordValidAnswers(): Promise<void> {
  const sandbox: Sandbox = await startSandbox();
  try {
    const client = createEspayClient({
      baseUrl: sandbox.url,
      ...sandbox.credentials.espay,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const text = await response.clone().text();
        const op = PATH_OF[new URL(String(input instanceof Request ? input.url : input)).pathname];
        if (op && response.status === 200) recorded.set(op, text);
        return response;
      },
    });
    const inquiry = await client.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' });
    const paid = await client.pay({ inquiry });
    await client.transactionInfo({ refId: paid.refId! });
    await client.balance();
    await client.registeredProducts();
  } finally {
    await sandbox.close();
  }
  for (const op of ['inquiry', 'pay', 'transactionInfo', 'balance', 'registeredProducts'] as const) {
    if (!recorded.has(op)) throw new Error(`no valid ${op} answer was recorded`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

type BodyKind =
  | { kind: 'valid' }
  | { kind: 'truncated'; at: number }
  | { kind: 'html' }
  | { kind: 'xml' }
  | { kind: 'retyped'; field: number; value: Json }
  | { kind: 'dropped'; field: number }
  | { kind: 'amount'; value: Json }
  | { kind: 'ids'; value: Json }
  | { kind: 'code'; value: Json }
  | { kind: 'huge'; bytes: number }
  | { kind: 'empty' }
  | { kind: 'whitespace' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; value: Json }
  | { kind: 'deep'; depth: number }
  | { kind: 'bom' };

const jsonValue = jsonValueOf();

const bodyKind: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncated' as const), at: fc.nat(2_000) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'html' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'xml' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('retyped' as const), field: fc.nat(30), value: jsonValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropped' as const), field: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amount' as const), value: jsonValue }) },
  // Identifiers are what a client reads most strictly and echoes back (ref_id is needed for the status check).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ids' as const), value: jsonValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('code' as const),
      value: fc.oneof(jsonValue, fc.constantFrom<Json>('0000', '210', '401', '9999', '0099', 210, '00000', ' 0000', 'Success')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), bytes: fc.constantFrom(70_000, 300_000, 2_000_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'whitespace' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: jsonValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(1_000, 100_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
);

const scenario: fc.Arbitrary<Scenario<BodyKind>> = scenarioOf(bodyKind, {
  otherStatuses: [201, 202, 204, 206, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 408, 413, 418, 429, 500, 502, 503, 504, 599],
  contentTypes: [
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'text/html; charset=utf-8',
    'application/xml',
    'text/plain',
    'application/octet-stream',
    null,
    '',
    ';;;',
  ],
  extraHeaders: [
    {},
    {},
    { 'retry-after': '1' },
    { 'retry-after': '99999' },
    { 'retry-after': 'soon' },
    { location: 'http://127.0.0.1:1/elsewhere' },
    { location: '/rest/biller/inquirytransaction' },
    { 'content-encoding': 'gzip' },
    { 'www-authenticate': 'Basic realm="x"' },
  ],
});

function mutateJson(text: string, mutate: (value: Record<string, Json>) => Json): string {
  const value = JSON.parse(text) as Record<string, Json>;
  return JSON.stringify(mutate(value));
}

function keyAt(value: Record<string, Json>, index: number): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 0 ? undefined : keys[index % keys.length];
}

function bodyFor(op: Operation, kind: BodyKind): Buffer {
  const valid = recorded.get(op === 'payAndConfirm' ? 'pay' : op)!;
  switch (kind.kind) {
    case 'valid':
      return Buffer.from(valid);
    case 'truncated':
      return Buffer.from(valid.slice(0, kind.at % Math.max(1, valid.length)));
    case 'html':
      return Buffer.from(
        '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      );
    case 'xml':
      return Buffer.from('<?xml version="1.0"?><error><code>500</code><message>Internal Server Error</message></error>');
    case 'retyped':
      return Buffer.from(
        mutateJson(valid, (v) => {
          const key = keyAt(v, kind.field);
          return key === undefined ? v : { ...v, [key]: kind.value };
        }),
      );
    case 'dropped':
      return Buffer.from(
        mutateJson(valid, (v) => {
          const key = keyAt(v, kind.field);
          if (key !== undefined) delete v[key];
          return v;
        }),
      );
    case 'amount':
      return Buffer.from(mutateJson(valid, (v) => ({ ...v, amount: kind.value, balance: kind.value, bill_amount: kind.value })));
    case 'ids':
      return Buffer.from(mutateJson(valid, (v) => ({ ...v, ref_id: kind.value, rq_uuid: kind.value, order_id: kind.value })));
    case 'code':
      return Buffer.from(mutateJson(valid, (v) => ({ ...v, error_code: kind.value })));
    case 'huge':
      return Buffer.from(mutateJson(valid, (v) => ({ ...v, description: 'x'.repeat(kind.bytes) })));
    case 'empty':
      return Buffer.alloc(0);
    case 'whitespace':
      return Buffer.from(' \r\n\t ');
    case 'bytes':
      return Buffer.from(kind.bytes);
    case 'json':
      return Buffer.from(JSON.stringify(kind.value) ?? 'undefined');
    case 'deep':
      return Buffer.from(`${'['.repeat(kind.depth)}${']'.repeat(kind.depth)}`);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The hostile server: `/s/<id>/<espay path>` answers with scenario <id>

const scenarios = new Map<string, { op: Operation; scenario: Scenario<BodyKind> }>();
let server: HostileServer;

// ---------------------------------------------------------------------------------------------------------
// Calls

let sequence = 0;

/** Half the calls run with the spec validators, half without: both must turn every hostile answer into a typed error. */
function clientFor(id: string, validated = true, limits: { timeoutMs: number; totalTimeoutMs: number } = FUZZ): EspayClient {
  return createEspayClient({
    baseUrl: server.baseUrlFor(id),
    ...CREDENTIALS,
    ...(validated ? { validators: espayValidators } : {}),
    timeoutMs: limits.timeoutMs,
    totalTimeoutMs: limits.totalTimeoutMs,
    maxResponseBytes: FUZZ.maxResponseBytes,
    retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 20 },
  });
}

/** The call and the deadline it promises (payments: one attempt; payAndConfirm: its own deadline). */
function callFor(op: Operation, client: EspayClient): { call: () => Promise<unknown>; deadlineMs: number } {
  switch (op) {
    case 'inquiry':
      return { call: () => client.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'pay':
      return {
        call: () => client.pay({ productCode: 'SPBFRE', orderId: '880000000000', amount: 12_540_000n }),
        deadlineMs: FUZZ.timeoutMs,
      };
    case 'transactionInfo':
      return { call: () => client.transactionInfo({ refId: 'TX000000000001' }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'balance':
      return { call: () => client.balance(), deadlineMs: FUZZ.totalTimeoutMs };
    case 'registeredProducts':
      return { call: () => client.registeredProducts(), deadlineMs: FUZZ.totalTimeoutMs };
    case 'payAndConfirm':
      return {
        call: () =>
          client.payAndConfirm({
            productCode: 'SPBFRE',
            orderId: '880000000000',
            amount: 12_540_000n,
            deadlineMs: 1_500,
            poll: { initialDelayMs: 20, maxDelayMs: 100 },
          }),
        // The engine's deadline, plus one status call that started just before it.
        deadlineMs: 1_500 + FUZZ.totalTimeoutMs,
      };
  }
}

const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  await recordValidAnswers();
  server = await startHostileServer(({ id, path }) => {
    const entry = scenarios.get(id);
    if (!entry) return undefined;
    // payAndConfirm's follow-up status checks get the same scenario, shaped as a status answer.
    return { scenario: entry.scenario, body: bodyFor(PATH_OF[path] ?? entry.op, entry.scenario.body) };
  });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await server.close();
});

describe('the verdict', () => {
  it('bites: a typed client error is typed, a hang is late', async () => {
    expect((await judge(() => clientFor('none').balance(), FUZZ.totalTimeoutMs, isTyped)).kind).toBe('typed');
    expect((await judge(() => Promise.reject(new TypeError('x')), 100, isTyped)).kind).toBe('untyped');
  });

  // Which classes a random run reaches depends on the machine's load (a busy machine turns most answers into
  // timeouts), so each class is shown here by a scenario that must produce it, with time to spare.
  const plain = { status: 200, contentType: 'application/json', extraHeaders: {}, delivery: { kind: 'normal' } } as const;
  it.each([
    ['MalformedResponseError', { ...plain, body: { kind: 'html' } }, false],
    ['TimeoutError', { ...plain, body: { kind: 'valid' }, delivery: { kind: 'stall-before-headers' } }, false],
    ['ConnectionError', { ...plain, body: { kind: 'valid' }, delivery: { kind: 'cut-at-once' } }, false],
    ['ValidationError', { ...plain, body: { kind: 'amount', value: { nested: true } } }, true],
  ] as const)('a hostile answer can end as %s', async (expected, s, validated) => {
    sequence += 1;
    const id = String(sequence);
    scenarios.set(id, { op: 'inquiry', scenario: s as Scenario<BodyKind> });
    const timeoutMs = expected === 'TimeoutError' ? FUZZ.timeoutMs : 10_000;
    const client = clientFor(id, validated, { timeoutMs, totalTimeoutMs: timeoutMs * 3 });
    const verdict = await judge(() => client.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' }), timeoutMs * 3, isTyped);
    scenarios.delete(id);
    expect(verdict.kind).toBe('typed');
    expect(verdict.kind === 'typed' && verdict.error.constructor.name).toBe(expected);
  });
});

describe(`Espay client under ${RUNS} hostile answers (seed ${SEED})`, () => {
  it(
    'settles every call in time with a result or a typed error, secrets never shown',
    async () => {
      const cases = fc.sample(fc.record({ op: fc.constantFrom(...OPERATIONS), validated: fc.boolean(), scenario }), {
        numRuns: RUNS,
        seed: SEED,
      });
      const { ran, failures, kinds } = await runFuzzCases({
        count: cases.length,
        isTyped,
        secrets: SECRETS,
        prepare: (index) => {
          const { op, validated, scenario: s } = cases[index]!;
          sequence += 1;
          const id = String(sequence);
          scenarios.set(id, { op, scenario: s });
          return {
            label: `${op}${validated ? '' : ' (no validators)'} ${JSON.stringify(s).slice(0, 300)}`,
            ...callFor(op, clientFor(id, validated)),
            groups: validated ? [] : ['unvalidated'],
            done: () => scenarios.delete(id),
          };
        },
      });
      if (failures.length > 0)
        throw new Error(
          `${failures.length} of ${ran} calls failed (seed ${SEED}, rerun with BILLERKIT_FUZZ_SEED=${SEED}):\n${failures.slice(0, 8).join('\n')}`,
        );
      console.info(`espay client fuzz: ${ran} calls, ${JSON.stringify(Object.fromEntries(kinds))}`);
      expect(uncaught).toEqual([]);
      // Bounded by count and time: at least a third of the runs (or all of them) must fit the budget.
      expect(ran).toBeGreaterThanOrEqual(Math.min(RUNS, 500));
      // Which error classes arrive depends on the load (see 'the verdict'); some calls still succeed.
      expect(kinds.get('result') ?? 0, JSON.stringify([...kinds])).toBeGreaterThan(0);
      // Both halves ran: without validators the hostile answers still end typed (counted apart).
      expect(kinds.get('unvalidated typed') ?? 0).toBeGreaterThan(0);
    },
    FUZZ.budgetMs + 30_000,
  );
});
