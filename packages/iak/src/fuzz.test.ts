/**
 * Hostile and malformed answers for the IAK client, in JSON and `<mp>` XML, from a real loopback server:
 * truncated documents, HTML error pages, XML error documents where JSON is expected (and the other way
 * round), hostile XML (entities, DTDs, deep nesting), retyped fields, huge bodies, slow drips, stalls, cut
 * connections, wrong content types, empty bodies, redirects and 4xx/5xx with junk. Every call must settle
 * within its deadline and either return a result or throw a `BillerkitError` subclass; nothing else may
 * escape, nothing may hang, and the API key may never appear in an error.
 *
 * Scenarios are generated with fast-check (seeded; BILLERKIT_FUZZ_SEED replays a run) and bounded twice:
 * BILLERKIT_CLIENT_FUZZ_RUNS calls (default 3000) and a wall-clock budget.
 */
import {
  FUZZ,
  type HostileServer,
  type Json,
  judge,
  jsonValue as jsonValueOf,
  runFuzzCases,
  type Scenario,
  scenarioOf,
  startHostileServer,
} from '@billerkit/client-fuzz';
import { BillerkitError, isBillerkitError } from '@billerkit/core';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iakValidators } from '@billerkit/validators/iak';
import {
  checkStatus,
  createIakClient,
  createIakConnection,
  type IakClient,
  inquiry,
  pay,
  payAndConfirm,
  pricelist,
  receipt,
} from './index.js';

const { runs: RUNS, seed: SEED } = FUZZ;
const isTyped = (error: unknown): error is BillerkitError => isBillerkitError(error) && error instanceof BillerkitError;

const CREDENTIALS = { username: '081200000001', apiKey: `iak-${Math.random().toString(36).slice(2)}-secret` };

// ---------------------------------------------------------------------------------------------------------
// Valid answers, recorded from the embedded sandbox in both formats, as raw material for the mutations

type Format = 'json' | 'xml';
type Operation = 'inquiry' | 'pay' | 'checkStatus' | 'pricelist' | 'pricelistType' | 'receiptPdf' | 'receiptData' | 'payAndConfirm';
const OPERATIONS: Operation[] = [
  'inquiry',
  'pay',
  'checkStatus',
  'pricelist',
  'pricelistType',
  'receiptPdf',
  'receiptData',
  'payAndConfirm',
];
type Answer = 'inq-pasca' | 'pay-pasca' | 'checkstatus' | 'pricelist-pasca' | 'receipt-pdf' | 'receipt-data';
const recorded = new Map<string, Buffer>();
const key = (answer: Answer, format: Format) => `${answer}:${format}`;

/** Which recorded answer a request asks for: the command in the body, or the receipt path. */
function answerFor(path: string, body: string): Answer {
  if (/\/api\/v1\/download\/[^/]+\/1$/.test(path)) return 'receipt-data';
  if (path.includes('/api/v1/download/')) return 'receipt-pdf';
  const command = /inq-pasca|pay-pasca|checkstatus|pricelist-pasca/.exec(body)?.[0];
  return (command ?? 'inq-pasca') as Answer;
}

async function recordValidAnswers(): Promise<void> {
  // The same test number is inquired and paid once per format: IAK's stateless test-number behaviour.
  const sandbox: Sandbox = await startSandbox({ iakStatelessTestNumbers: true });
  try {
    for (const format of ['json', 'xml'] as const) {
      const client = createIakClient({
        baseUrl: sandbox.url,
        ...sandbox.credentials.iak,
        format,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const bytes = Buffer.from(await response.clone().arrayBuffer());
          const url = new URL(String(input instanceof Request ? input.url : input));
          const answer = answerFor(url.pathname, typeof init?.body === 'string' ? init.body : '');
          if (response.status === 200) recorded.set(key(answer, answer.startsWith('receipt') ? 'json' : format), bytes);
          return response;
        },
      });
      const refId = `FUZZREC${format}${Date.now()}`;
      const bill = await client.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId });
      await client.pay({ trId: bill.trId });
      await client.checkStatus({ refId });
      await client.pricelist({ type: 'pln' });
      if (format === 'json') {
        await client.receipt({ trId: bill.trId });
        await client.receipt({ trId: bill.trId, format: 'data' });
      }
    }
  } finally {
    await sandbox.close();
  }
  for (const answer of ['inq-pasca', 'pay-pasca', 'checkstatus', 'pricelist-pasca'] as const) {
    for (const format of ['json', 'xml'] as const)
      if (!recorded.has(key(answer, format))) throw new Error(`no valid ${answer} ${format} answer was recorded`);
  }
  for (const answer of ['receipt-pdf', 'receipt-data'] as const)
    if (!recorded.has(key(answer, 'json'))) throw new Error(`no valid ${answer} was recorded`);
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

type BodyKind =
  | { kind: 'valid' }
  | { kind: 'other-format' }
  | { kind: 'truncated'; at: number }
  | { kind: 'html' }
  | { kind: 'xml-error' }
  | { kind: 'xml-hostile'; variant: number }
  | { kind: 'retyped'; field: number; value: Json }
  | { kind: 'dropped'; field: number }
  | { kind: 'amount'; value: Json }
  | { kind: 'ids'; value: Json }
  | { kind: 'code'; value: Json }
  | { kind: 'huge'; bytes: number }
  | { kind: 'empty' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; value: Json }
  | { kind: 'deep'; depth: number }
  | { kind: 'bom' };

const jsonValue = jsonValueOf(['Rp 2.500']);

const bodyKind: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other-format' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncated' as const), at: fc.nat(3_000) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'html' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'xml-error' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('xml-hostile' as const), variant: fc.nat(11) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('retyped' as const), field: fc.nat(40), value: jsonValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropped' as const), field: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amount' as const), value: jsonValue }) },
  // Identifiers are what a client reads most strictly (tr_id must be digits, ref_id is echoed back).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ids' as const), value: jsonValue }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('code' as const),
      value: fc.oneof(jsonValue, fc.constantFrom<Json>('00', '39', '42', '201', '06', '100', 0, 1, '000', 'OK')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), bytes: fc.constantFrom(70_000, 300_000, 2_000_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('json' as const), value: jsonValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(100, 1_000, 100_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
);

const scenario: fc.Arbitrary<Scenario<BodyKind>> = scenarioOf(bodyKind, {
  otherStatuses: [201, 204, 301, 302, 307, 400, 401, 403, 404, 405, 408, 413, 429, 500, 502, 503, 504, 599],
  contentTypes: [
    'application/json',
    'application/xml',
    'text/xml; charset=utf-8',
    'application/pdf',
    'text/html; charset=utf-8',
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
    { 'content-encoding': 'gzip' },
    { 'www-authenticate': 'Basic realm="x"' },
  ],
});

function hostileXml(variant: number): string {
  const variants: Array<() => string> = [
    () =>
      '<?xml version="1.0"?><!DOCTYPE mp [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><mp><response_code>&c;</response_code><message>x</message></mp>',
    () =>
      '<?xml version="1.0"?><!DOCTYPE mp [<!ENTITY x SYSTEM "file:///etc/passwd">]><mp><response_code>00</response_code><message>&x;</message></mp>',
    () => `<?xml version="1.0"?><mp>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</mp>`,
    () => `<?xml version="1.0"?><mp>${'<a>'.repeat(40)}x${'</a>'.repeat(40)}</mp>`,
    () => '<?xml version="1.0"?><mp><response_code>00</response_code><response_code>01</response_code><message>x</message></mp>',
    () => '<?xml version="1.0"?><mp><data><pasca><code>X</code></pasca><pasca>text</pasca></data></mp>',
    () => '<?xml version="1.0"?><mp><response_code><![CDATA[00]]></response_code><message>ok</message><price>1e309</price></mp>',
    () => '<?xml version="1.0"?><mp/>',
    () => '<?xml version="1.0"?><MP><response_code>00</response_code></MP>',
    () => '<?xml version="1.0"?><mp xmlns:x="urn:x"><x:response_code>00</x:response_code><message a="1">x</message></mp>',
    () => '<?xml version="1.0"?><mp><response_code>00</response_code><message>unterminated',
    () => `<?xml version="1.0"?><mp>${'<x>1</x>'.repeat(20_000)}</mp>`,
  ];
  return variants[variant % variants.length]!();
}

function keysOf(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/** Mutates the `data` object of a JSON answer, or the n-th leaf element of an XML one. */
function mutate(valid: Buffer, format: Format, kind: { field: number; value?: Json; drop?: boolean }): Buffer {
  const text = valid.toString('utf8');
  if (format === 'xml' || text.trimStart().startsWith('<')) {
    const leaves = [...text.matchAll(/<([a-z_]+)>([^<]*)<\/\1>/g)];
    const leaf = leaves[kind.field % Math.max(1, leaves.length)];
    if (!leaf) return valid;
    const replacement = kind.drop
      ? ''
      : `<${leaf[1]}>${typeof kind.value === 'string' ? kind.value.replace(/&/g, '&amp;').replace(/</g, '&lt;') : (JSON.stringify(kind.value) ?? '')}</${leaf[1]}>`;
    return Buffer.from(text.slice(0, leaf.index) + replacement + text.slice(leaf.index! + leaf[0].length));
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return valid; // the PDF
  }
  const data = (parsed['data'] && typeof parsed['data'] === 'object' ? parsed['data'] : parsed) as Record<string, unknown>;
  const names = keysOf(data);
  const name = names[kind.field % Math.max(1, names.length)];
  if (name !== undefined) {
    if (kind.drop) delete data[name];
    else data[name] = kind.value;
  }
  return Buffer.from(JSON.stringify(parsed));
}

function bodyFor(answer: Answer, format: Format, kind: BodyKind): Buffer {
  const fmt: Format = answer.startsWith('receipt') ? 'json' : format;
  const valid = recorded.get(key(answer, fmt))!;
  switch (kind.kind) {
    case 'valid':
      return valid;
    case 'other-format':
      return answer.startsWith('receipt')
        ? recorded.get(key('checkstatus', 'xml'))!
        : recorded.get(key(answer, format === 'json' ? 'xml' : 'json'))!;
    case 'truncated':
      return valid.subarray(0, kind.at % Math.max(1, valid.length));
    case 'html':
      return Buffer.from(
        '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>',
      );
    case 'xml-error':
      return Buffer.from(
        '<?xml version="1.0" ?>\n<mp>\n  <response_code>117</response_code>\n  <message>PAGE NOT FOUND</message>\n</mp>\n',
      );
    case 'xml-hostile':
      return Buffer.from(hostileXml(kind.variant));
    case 'retyped':
      return mutate(valid, fmt, { field: kind.field, value: kind.value });
    case 'dropped':
      return mutate(valid, fmt, { field: kind.field, drop: true });
    case 'amount':
      return ['price', 'nominal', 'admin', 'selling_price', 'balance'].reduce((body, field) => {
        const text = body.toString('utf8');
        if (fmt === 'xml')
          return Buffer.from(text.replace(new RegExp(`<${field}>[^<]*</${field}>`), `<${field}>${String(kind.value)}</${field}>`));
        return Buffer.from(
          text.replace(new RegExp(`"${field}":\\s*("[^"]*"|[-0-9.eE+]+)`), `"${field}":${JSON.stringify(kind.value) ?? 'null'}`),
        );
      }, valid);
    case 'ids':
      return ['tr_id', 'ref_id'].reduce((body, field) => {
        const text = body.toString('utf8');
        if (fmt === 'xml')
          return Buffer.from(
            text.replace(
              new RegExp(`<${field}>[^<]*</${field}>`),
              `<${field}>${String(kind.value).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${field}>`,
            ),
          );
        return Buffer.from(
          text.replace(new RegExp(`"${field}":\\s*("[^"]*"|[-0-9.eE+]+)`), `"${field}":${JSON.stringify(kind.value) ?? 'null'}`),
        );
      }, valid);
    case 'code': {
      const text = valid.toString('utf8');
      if (fmt === 'xml')
        return Buffer.from(text.replace(/<response_code>[^<]*<\/response_code>/, `<response_code>${String(kind.value)}</response_code>`));
      return Buffer.from(text.replace(/"response_code":\s*"[^"]*"/, `"response_code":${JSON.stringify(kind.value) ?? 'null'}`));
    }
    case 'huge':
      return fmt === 'xml'
        ? Buffer.from(valid.toString('utf8').replace('</mp>', `<message>${'x'.repeat(kind.bytes)}</message></mp>`))
        : Buffer.concat([valid, Buffer.alloc(kind.bytes, 0x20)]);
    case 'empty':
      return Buffer.alloc(0);
    case 'bytes':
      return Buffer.from(kind.bytes);
    case 'json':
      return Buffer.from(JSON.stringify(kind.value) ?? 'undefined');
    case 'deep':
      return Buffer.from(`{"data":${'['.repeat(kind.depth)}${']'.repeat(kind.depth)}}`);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The hostile server: `/s/<id>/<IAK path>` answers with scenario <id>

const scenarios = new Map<string, { format: Format; scenario: Scenario<BodyKind> }>();
let server: HostileServer;

// ---------------------------------------------------------------------------------------------------------
// Calls

let sequence = 0;

type Calls = Pick<IakClient, 'inquiry' | 'pay' | 'checkStatus' | 'pricelist' | 'receipt' | 'payAndConfirm'>;

/**
 * Half the calls run with the spec validators, half without: both must turn every hostile answer into a
 * typed error. JSON calls also go, one in three, through the modular API on a connection without the
 * `<mp>` codec, where an XML answer must end as a typed error too.
 */
function clientFor(
  id: string,
  format: Format,
  validated: boolean,
  lean: boolean,
  limits: { timeoutMs: number; totalTimeoutMs: number } = FUZZ,
): Calls {
  const options = {
    baseUrl: server.baseUrlFor(id),
    ...CREDENTIALS,
    ...(validated ? { validators: iakValidators } : {}),
    format,
    timeoutMs: limits.timeoutMs,
    totalTimeoutMs: limits.totalTimeoutMs,
    maxResponseBytes: FUZZ.maxResponseBytes,
    retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 20 },
  };
  if (!lean || format !== 'json') return createIakClient(options);
  const c = createIakConnection(options);
  return {
    inquiry: (input, call) => inquiry(c, input, call),
    pay: (input, call) => pay(c, input, call),
    checkStatus: (input, call) => checkStatus(c, input, call),
    pricelist: (input, call) => pricelist(c, input, call),
    receipt: (input, call) => receipt(c, input, call),
    payAndConfirm: (input, opts) => payAndConfirm(c, input, opts),
  };
}

function callFor(op: Operation, client: Calls): { call: () => Promise<unknown>; deadlineMs: number } {
  const refId = `FUZZ${sequence}`;
  switch (op) {
    case 'inquiry':
      return { call: () => client.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId }), deadlineMs: FUZZ.timeoutMs };
    case 'pay':
      return { call: () => client.pay({ trId: '123456' }), deadlineMs: FUZZ.timeoutMs };
    case 'checkStatus':
      return { call: () => client.checkStatus({ refId }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'pricelist':
      return { call: () => client.pricelist(), deadlineMs: FUZZ.totalTimeoutMs };
    case 'pricelistType':
      return { call: () => client.pricelist({ type: 'pln', status: 'active' }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'receiptPdf':
      return { call: () => client.receipt({ trId: '123456' }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'receiptData':
      return { call: () => client.receipt({ trId: '123456', format: 'data' }), deadlineMs: FUZZ.totalTimeoutMs };
    case 'payAndConfirm':
      return {
        call: () =>
          client.payAndConfirm(
            { trId: '123456', refId },
            { deadlineMs: 1_500, poll: { initialDelayMs: 20, maxDelayMs: 100 }, rePostGraceMs: 50 },
          ),
        deadlineMs: 1_500 + FUZZ.totalTimeoutMs,
      };
  }
}

const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  await recordValidAnswers();
  server = await startHostileServer(({ id, path, body }) => {
    const entry = scenarios.get(id);
    if (!entry) return undefined;
    return { scenario: entry.scenario, body: bodyFor(answerFor(path, body.toString('utf8')), entry.format, entry.scenario.body) };
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
  it('bites: a typed client error is typed, an untyped one is not', async () => {
    expect((await judge(() => clientFor('none', 'json', true, false).pricelist(), FUZZ.totalTimeoutMs, isTyped)).kind).toBe('typed');
    expect((await judge(() => Promise.reject(new TypeError('x')), 100, isTyped)).kind).toBe('untyped');
  });

  // Which classes a random run reaches depends on the machine's load (a busy machine turns most answers into
  // timeouts), so each class is shown here by a scenario that must produce it, with time to spare.
  const plain = { status: 200, contentType: 'application/json', extraHeaders: {}, delivery: { kind: 'normal' } } as const;
  it.each([
    ['MalformedResponseError', { ...plain, body: { kind: 'html' } }, false, false],
    ['TimeoutError', { ...plain, body: { kind: 'valid' }, delivery: { kind: 'stall-before-headers' } }, false, false],
    ['ConnectionError', { ...plain, body: { kind: 'valid' }, delivery: { kind: 'cut-at-once' } }, false, false],
    ['ProviderError', { ...plain, body: { kind: 'code', value: '14' } }, false, false],
    ['ValidationError', { ...plain, body: { kind: 'amount', value: { nested: true } } }, true, false],
    ['a result', { ...plain, body: { kind: 'valid' } }, false, true],
    ['MalformedResponseError', { ...plain, contentType: 'application/xml', body: { kind: 'other-format' } }, false, true],
  ] as const)(
    'a hostile answer can end as %s (%j, validators %s, modular without the XML codec %s)',
    async (expected, s, validated, lean) => {
      sequence += 1;
      const id = String(sequence);
      scenarios.set(id, { format: 'json', scenario: s as Scenario<BodyKind> });
      const timeoutMs = expected === 'TimeoutError' ? FUZZ.timeoutMs : 10_000;
      const client = clientFor(id, 'json', validated, lean, { timeoutMs, totalTimeoutMs: timeoutMs * 3 });
      // A recorded inquiry answer echoes another ref_id (a mismatch the client refuses), so the result comes from the price list.
      const call =
        expected === 'a result'
          ? () => client.pricelist()
          : () => client.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: `fuzz-${id}` });
      const verdict = await judge(call, timeoutMs * 3, isTyped);
      scenarios.delete(id);
      expect(verdict.kind === 'typed' ? verdict.error.constructor.name : verdict.kind).toBe(expected === 'a result' ? 'result' : expected);
    },
  );
});

describe(`IAK client under ${RUNS} hostile answers (seed ${SEED})`, () => {
  it(
    'settles every call in time with a result or a typed error, the API key never shown',
    async () => {
      const cases = fc.sample(
        fc.record({
          op: fc.constantFrom(...OPERATIONS),
          format: fc.constantFrom<Format>('json', 'xml'),
          validated: fc.boolean(),
          lean: fc.nat(2).map((n) => n === 0),
          scenario,
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const { ran, failures, kinds } = await runFuzzCases({
        count: cases.length,
        isTyped,
        secrets: [CREDENTIALS.apiKey],
        prepare: (index) => {
          const { op, format, validated, lean, scenario: s } = cases[index]!;
          sequence += 1;
          const id = String(sequence);
          scenarios.set(id, { format, scenario: s });
          return {
            label: `${op} ${format}${validated ? '' : ' (no validators)'}${lean && format === 'json' ? ' (modular, no XML codec)' : ''} ${JSON.stringify(s).slice(0, 300)}`,
            ...callFor(op, clientFor(id, format, validated, lean)),
            groups: [...(validated ? [] : ['unvalidated']), ...(lean && format === 'json' ? ['modular'] : [])],
            done: () => scenarios.delete(id),
          };
        },
      });
      if (failures.length > 0)
        throw new Error(
          `${failures.length} of ${ran} calls failed (seed ${SEED}, rerun with BILLERKIT_FUZZ_SEED=${SEED}):\n${failures.slice(0, 8).join('\n')}`,
        );
      console.info(`iak client fuzz: ${ran} calls, ${JSON.stringify(Object.fromEntries(kinds))}`);
      expect(uncaught).toEqual([]);
      expect(ran).toBeGreaterThanOrEqual(Math.min(RUNS, 500));
      // Which error classes arrive depends on the load (see 'the verdict'); some calls still succeed.
      expect(kinds.get('result') ?? 0, JSON.stringify([...kinds])).toBeGreaterThan(0);
      // Both halves ran: without validators the hostile answers still end typed (counted apart).
      expect(kinds.get('unvalidated typed') ?? 0).toBeGreaterThan(0);
      // And the modular calls without the XML codec, which meet XML answers as typed errors too.
      expect(kinds.get('modular typed') ?? 0).toBeGreaterThan(0);
    },
    FUZZ.budgetMs + 30_000,
  );
});
