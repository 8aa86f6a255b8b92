/**
 * Bad-input fuzzing of the whole sandbox over real HTTP: every Espay endpoint and every IAK route and
 * command (JSON and XML) gets BILLERKIT_FUZZ_RUNS (default 10 000) generated malformed requests through one
 * keep-alive agent on loopback. Mutations are derived from the request schemas of the specs (drop required
 * fields, retype them, break their length limits, add unknown ones, re-sign so the operation itself is
 * reached) and mixed with transport-level hostility (random bytes, truncation, huge fields, wrong or missing
 * content types, content encodings the server does not speak, UTF-16 bodies, broken percent-encoding,
 * invalid UTF-8, hostile XML, wrong methods and credentials).
 *
 * Every answer must come within the per-request timeout, be below 500, and validate (tolerant profile)
 * against the component the spec documents for that route, status and media type; the sandbox's
 * internal-error counter and error logger must stay silent. The seed is printed with every failure;
 * rerun with BILLERKIT_FUZZ_SEED=<seed> to replay a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { espaySignature, iakSign } from '@billerkit/signing';
import { espayOpenApi, espayProducts, iakOpenApi } from '@billerkit/specs';
import { parseIakXml, validate, type ValidationIssue } from '@billerkit/validators';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxCredentials } from './credentials.js';

const RUNS = envInt('BILLERKIT_FUZZ_RUNS', 10_000);
const SEED = envInt('BILLERKIT_FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
/** Connections × requests in flight on each (HTTP/1.1 pipelining). */
const CONNECTIONS = 4;
const PIPELINE_DEPTH = 24;
const CONCURRENCY = CONNECTIONS * PIPELINE_DEPTH;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;
/** The sandbox drains an oversize body up to 8× the cap, then cuts the connection (documented); stay below. */
const MAX_SENT_BYTES = 8 * MAX_BODY_BYTES - 1024;
const capped = (body: Buffer) => (body.length > MAX_SENT_BYTES ? body.subarray(0, MAX_SENT_BYTES) : body);
/** Per endpoint; 10 000 requests take about 2 s on loopback, so this is an upper bound, not a target. */
const ENDPOINT_TIMEOUT_MS = Math.max(60_000, RUNS * 6);

function envInt(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer`);
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------
// The wire

interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface WireAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

type Outcome = { kind: 'answer'; answer: WireAnswer } | { kind: 'failure'; reason: string };

const logged: string[] = [];

// ---------------------------------------------------------------------------------------------------------
// The sandbox runs from source in a child process (via tsx, a root dev dependency), so that it has a core of
// its own and the fuzzer the other: twice the requests in the same time. Its error logger writes JSON lines
// to stdout; its counters are read from `GET /__sandbox/health`.

interface ChildSandbox {
  url: string;
  credentials: SandboxCredentials;
  process: ChildProcess;
}

let sandbox: ChildSandbox;

const CHILD_SOURCE = `
const { startSandbox } = await import(process.env.BILLERKIT_SANDBOX_SOURCE);
const options = JSON.parse(process.env.BILLERKIT_SANDBOX_OPTIONS);
const sandbox = await startSandbox({
  ...options,
  initialBalances: { espay: BigInt(options.initialBalances.espay), iak: BigInt(options.initialBalances.iak) },
  logger: { error: (message, details) => process.stdout.write(JSON.stringify({ log: message, details }) + '\\n') },
});
process.stdout.write(JSON.stringify({ url: sandbox.url, credentials: sandbox.credentials }) + '\\n');
// The parent holds stdin open; when it goes (test end or crash), so does the sandbox.
process.stdin.resume();
process.stdin.on('end', () => sandbox.close().then(() => process.exit(0)));
`;

async function startChildSandbox(options: Record<string, unknown>): Promise<ChildSandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_SOURCE], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      BILLERKIT_SANDBOX_SOURCE: fileURLToPath(new URL('./sandbox.ts', import.meta.url)),
      BILLERKIT_SANDBOX_OPTIONS: JSON.stringify(options),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return await new Promise<ChildSandbox>((resolve, reject) => {
    let buffered = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`sandbox child did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      if (!started) reject(new Error(`sandbox child exited with ${code}: ${stderr}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = JSON.parse(buffered.slice(0, newline)) as {
          url?: string;
          credentials?: SandboxCredentials;
          log?: string;
          details?: unknown;
        };
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line.url && line.credentials && !started) {
          started = true;
          clearTimeout(timer);
          resolve({ url: line.url, credentials: line.credentials, process: child });
        } else if (line.log) {
          logged.push(`${line.log} ${JSON.stringify(line.details)}`);
        }
      }
    });
  });
}

async function inspect(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${sandbox.url}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

const internalErrors = async () => Number((await inspect('/__sandbox/health'))['internalErrors']);
const setState = (provider: 'espay' | 'iak', state: string, params: Record<string, unknown>) =>
  inspect('/__sandbox/state', { provider, state, params });

/**
 * HTTP/1.1 keep-alive with pipelining over raw sockets: a handful of connections, many requests in flight on
 * each, writes batched per tick. node:http's client spends most of a fuzz run's CPU on its own bookkeeping;
 * this keeps the run within its time budget while every request is still a real HTTP exchange the sandbox's
 * node:http server parses. Answers are read by Content-Length (the sandbox always sends one), or until the
 * connection closes. A connection the server closes (`connection: close` after an oversize body) has its
 * unanswered requests sent again on a new one.
 */
class Pipeline {
  private readonly connections: PipelineConnection[] = [];

  constructor(
    readonly host: string,
    readonly port: number,
    size: number,
  ) {
    for (let i = 0; i < size; i += 1) this.connections.push(new PipelineConnection(this));
  }

  send(req: WireRequest): Promise<Outcome> {
    let best = this.connections[0]!;
    for (const c of this.connections) if (c.load() < best.load()) best = c;
    return new Promise((resolve) =>
      best.enqueue({ req, bytes: serialise(req, `${this.host}:${this.port}`), resolve, attempts: 0, sentAt: 0 }),
    );
  }

  close(): void {
    for (const c of this.connections) c.close();
  }
}

interface Pending {
  req: WireRequest;
  bytes: Buffer;
  resolve: (outcome: Outcome) => void;
  attempts: number;
  sentAt: number;
}

function serialise(req: WireRequest, host: string): Buffer {
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(req.headers)) head += `${name}: ${value}\r\n`;
  if (req.body !== undefined) head += `content-length: ${req.body.length}\r\n`;
  head += '\r\n';
  return req.body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), req.body]);
}

class PipelineConnection {
  private socket: Socket | undefined;
  private readonly inflight: Pending[] = [];
  private readonly waiting: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private closing = false;
  private corked = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly pipeline: Pipeline) {
    // The oldest unanswered request on this connection may not wait longer than the per-request timeout.
    this.watchdog = setInterval(() => {
      const head = this.inflight[0];
      if (head && head.sentAt > 0 && performance.now() - head.sentAt > REQUEST_TIMEOUT_MS) {
        this.inflight.shift();
        head.resolve({ kind: 'failure', reason: `no answer within ${REQUEST_TIMEOUT_MS} ms (hang)` });
        this.socket?.destroy();
      }
    }, 250);
    this.watchdog.unref();
  }

  load(): number {
    return this.inflight.length + this.waiting.length;
  }

  enqueue(pending: Pending): void {
    this.waiting.push(pending);
    this.flush();
  }

  close(): void {
    clearInterval(this.watchdog);
    this.socket?.destroy();
  }

  private open(): Socket {
    const socket = connect(this.pipeline.port, this.pipeline.host);
    socket.setNoDelay(true);
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.closing = false;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.onClose(socket));
    return socket;
  }

  private flush(): void {
    if (this.closing) return;
    const socket = this.socket && !this.socket.destroyed ? this.socket : this.open();
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    while (this.waiting.length > 0 && this.inflight.length < PIPELINE_DEPTH) {
      const pending = this.waiting.shift()!;
      pending.sentAt = performance.now();
      pending.attempts += 1;
      this.inflight.push(pending);
      socket.write(pending.bytes);
    }
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] ([0-9]{3})/.exec(head[0] ?? '')?.[1] ?? 0);
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const length = headers.has('content-length') ? Number(headers.get('content-length')) : undefined;
      if (length === undefined) {
        // No length: the body runs to the end of the connection (a server-generated error answer).
        this.closing = true;
        return;
      }
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length);
      this.buffer = this.buffer.subarray(end + 4 + length);
      const pending = this.inflight.shift();
      if (status === 100) continue;
      pending?.resolve({ kind: 'answer', answer: { status, contentType: headers.get('content-type') ?? '', body: Buffer.from(body) } });
      if ((headers.get('connection') ?? '').toLowerCase() === 'close') {
        this.closing = true;
        this.socket?.end();
        return;
      }
    }
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    // After an answer that said `connection: close`, the server read nothing further: no request is to blame.
    const afterCloseAnswer = this.closing && this.buffer.length === 0;
    if (this.closing && this.buffer.length > 0 && this.inflight.length > 0) {
      // The read-to-close answer of the oldest request.
      const text = this.buffer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] ([0-9]{3})/.exec(text)?.[1] ?? 0);
      const contentType = /\r\ncontent-type:\s*([^\r]*)/i.exec(text.slice(0, end))?.[1] ?? '';
      this.inflight.shift()!.resolve({ kind: 'answer', answer: { status, contentType, body: this.buffer.subarray(end + 4) } });
    }
    this.buffer = Buffer.alloc(0);
    this.closing = false;
    // Requests the server never answered go out again on a new connection. Only the oldest may have been
    // what the server was working on (it answers pipelined requests in order); it gets three tries.
    const unanswered = this.inflight.splice(0);
    const head = unanswered[0];
    if (head && head.attempts >= 3) {
      unanswered.shift();
      head.resolve({ kind: 'failure', reason: 'the connection closed before an answer, three times' });
    }
    for (const pending of afterCloseAnswer ? unanswered : unanswered.slice(1)) pending.attempts -= 1;
    this.waiting.unshift(...unanswered);
    if (this.waiting.length > 0) this.flush();
  }
}

let pipeline: Pipeline;
const send = (req: WireRequest) => pipeline.send(req);

// ---------------------------------------------------------------------------------------------------------
// What a documented answer looks like, per route, status and media type (tolerant profile)

type Route =
  | { provider: 'espay'; response: string }
  | { provider: 'iak'; kind: 'bill-check' | 'pricelist-type' | 'receipt-pdf' | 'receipt-data' };

function mediaOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * XML has no way to say "a list of one", so the `<mp>` refusal's error_details decode to strings where the
 * JSON form has lists. The spec documents the 400 only as JSON; the XML refusal is checked against the same
 * component with single values read as lists (reported as a spec gap).
 */
function listifyErrorDetails(value: unknown): unknown {
  const data = (value as { data?: Record<string, unknown> })?.data;
  const details = data?.['error_details'];
  if (!details || typeof details !== 'object' || Array.isArray(details)) return value;
  const lists = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { ...(value as object), data: { ...data, error_details: lists } };
}

/** Fuzz answers repeat a lot (the same refusal for many inputs): each distinct answer is checked once. */
const shapeMemo = new Map<string, string[]>();

function memoShapeIssues(route: Route, answer: WireAnswer): string[] {
  const key = `${JSON.stringify(route)}|${answer.status}|${answer.contentType}|${answer.body.toString('latin1')}`;
  let issues = shapeMemo.get(key);
  if (!issues) {
    if (shapeMemo.size > 20_000) shapeMemo.clear();
    issues = shapeIssues(route, answer);
    shapeMemo.set(key, issues);
  }
  return issues;
}

/** Issues of one answer against what the spec documents; empty when it is a documented shape. */
function shapeIssues(route: Route, answer: WireAnswer): string[] {
  const media = mediaOf(answer.contentType);
  const text = answer.body.toString('utf8');
  const check = (provider: 'espay' | 'iak', component: string, data: unknown): string[] =>
    validate(provider, component, 'tolerant', data).issues.map((i: ValidationIssue) => `${component} ${i.path} ${i.message}`);
  const json = (): unknown => JSON.parse(text);
  const xml = (): unknown => parseIakXml(text, { form: 'response' });
  try {
    if (route.provider === 'espay') {
      if (media !== 'application/json') return [`content-type ${answer.contentType || '(none)'}, expected application/json`];
      return answer.status === 401 ? check('espay', 'UnauthorizedResponse', json()) : check('espay', route.response, json());
    }
    switch (route.kind) {
      case 'bill-check':
      case 'pricelist-type': {
        if (media === 'application/json') {
          const component =
            answer.status === 400 ? 'BillCheckBadRequest' : route.kind === 'bill-check' ? 'BillCheckResponse' : 'PricelistTypeResponse';
          return check('iak', component, json());
        }
        if (media === 'application/xml' || media === 'text/xml') {
          const doc = xml() as { data?: unknown };
          if (answer.status === 400) return check('iak', 'BillCheckBadRequest', listifyErrorDetails(doc));
          // `<mp>` answers decode to `{ data }`: a command's answer is the children of `<mp>` (the client
          // validates `data`), the price list keeps its `<data>` element (validated whole), as the spec says.
          const asList = check('iak', 'PricelistPascaXmlResponse', doc);
          if (route.kind === 'pricelist-type' || asList.length === 0) return asList;
          return check('iak', 'BillCheckXmlResponse', doc.data);
        }
        return [`content-type ${answer.contentType || '(none)'}, expected JSON or XML`];
      }
      case 'receipt-pdf':
      case 'receipt-data': {
        if (media === 'application/xml' || media === 'text/xml')
          return check('iak', 'ReceiptErrorResult', (xml() as { data?: unknown }).data);
        if (route.kind === 'receipt-pdf' && media === 'application/pdf')
          return text.startsWith('%PDF-') ? [] : ['application/pdf body is no PDF'];
        if (route.kind === 'receipt-data' && media === 'application/json') return check('iak', 'ReceiptResponse', json());
        // The spec leaves the 404 body undocumented; IAK's usual code/message envelope is what a client can read.
        if (answer.status === 404 && media === 'application/json') return check('iak', 'BillCheckResponse', json());
        return [`content-type ${answer.contentType || '(none)'} is not documented for this route`];
      }
    }
  } catch (error) {
    return [`cannot decode the ${media || 'untyped'} body: ${(error as Error).message}`];
  }
}

/** The answer code, to show that the mutations reach different layers (auth, contract, signature, operation). */
function answerCode(answer: WireAnswer): string {
  const text = answer.body.toString('utf8');
  const code = /"(?:error_code|response_code)"\s*:\s*"?([0-9]+)/.exec(text)?.[1] ?? /<response_code>([0-9]+)</.exec(text)?.[1] ?? '-';
  return `${answer.status}/${code}`;
}

// ---------------------------------------------------------------------------------------------------------
// Schema-derived field knowledge

type Doc = { components: { schemas: Record<string, unknown> } };

/** Property names and their maxLength (following $ref, allOf and one level of oneOf/anyOf), from the spec. */
const fieldCache = new Map<string, Map<string, number | undefined>>();

function fieldsOf(doc: Doc, component: string): Map<string, number | undefined> {
  const key = `${doc === (espayOpenApi as Doc) ? 'espay' : 'iak'}:${component}`;
  const cached = fieldCache.get(key);
  if (cached) return cached;
  const out = new Map<string, number | undefined>();
  const deref = (node: unknown): Record<string, unknown> | undefined => {
    let current = node as Record<string, unknown> | undefined;
    for (let i = 0; i < 8 && current && typeof current['$ref'] === 'string'; i += 1) {
      current = doc.components.schemas[(current['$ref'] as string).split('/').pop()!] as Record<string, unknown> | undefined;
    }
    return current;
  };
  const walk = (node: unknown, depth: number) => {
    const schema = deref(node);
    if (!schema || depth > 4) return;
    for (const [name, sub] of Object.entries((schema['properties'] as Record<string, unknown>) ?? {})) {
      const resolved = deref(sub);
      out.set(name, typeof resolved?.['maxLength'] === 'number' ? (resolved['maxLength'] as number) : undefined);
    }
    for (const key of ['allOf', 'oneOf', 'anyOf']) for (const part of (schema[key] as unknown[]) ?? []) walk(part, depth + 1);
  };
  walk(doc.components.schemas[component], 0);
  if (out.size === 0) throw new Error(`fuzz: ${component} has no properties in the spec`);
  fieldCache.set(key, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Generators shared by all endpoints

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  '-1',
  '1e309',
  '0x10',
  '12.50',
  '١٢٣', // Arabic-Indic digits
  '９９', // full-width digits
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '{"amount":',
  '../../__sandbox/reset',
  "' OR '1'='1",
  '<mp><x>1</x></mp>',
  '\uD800', // lone surrogate
  '\uFEFF',
  '%',
  '%zz',
  '😀'.repeat(40),
];

/** Any code points, lone surrogates included (cheaper to build than fast-check's full-range 'binary' unit). */
const anyCodePoints = (maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength }).map((cps) => String.fromCodePoint(...cps));

const junkString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: anyCodePoints(40) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,40}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 257, max: 4_000 }).map((n) => 'A'.repeat(n)) },
);

const BROKEN_PERCENT = ['%', '%%', '%zz', '%G1', '%E2%82', '%C0%AF', '%FF%FE', '%u0041', '%0', '%%41', '%ED%A0%80'];
const INVALID_UTF8: number[][] = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xff],
  [0xfe, 0xff],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
];

const contentTypes = fc.constantFrom<string | null>(
  null,
  '',
  'application/json',
  'application/xml',
  'text/xml',
  'text/plain',
  'text/html',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=utf-16',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/json; charset=utf-16',
  'application/xml; charset=ebcdic',
  'application/x-www-form-urlencoded;;;',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/*',
  '*/*',
  'application/json, application/xml',
  '\u00e9/\u00e9',
);

const hugeSize = fc.constantFrom(2_000, 20_000, 70_000, 200_000);
const methods = fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND');
const randomBytes = fc.uint8Array({ maxLength: 600 });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent, which throws on lone surrogates; those go out as U+FFFD like any UTF-8 encoder writes them. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

function insertAt(buffer: Buffer, at: number, extra: Buffer): Buffer {
  const i = Math.min(buffer.length, at % (buffer.length + 1));
  return Buffer.concat([buffer.subarray(0, i), extra, buffer.subarray(i)]);
}

// ---------------------------------------------------------------------------------------------------------
// Espay: form bodies

type FormMutation =
  | { kind: 'drop'; names: string[]; resign: boolean }
  | { kind: 'set'; name: string; value: string; resign: boolean }
  | { kind: 'too-long'; name: string; resign: boolean }
  | { kind: 'extra'; name: string; value: string }
  | { kind: 'duplicate'; name: string; value: string }
  | { kind: 'huge'; name: string; size: number }
  | { kind: 'percent'; name: string; junk: string }
  | { kind: 'utf8'; at: number; bytes: number[] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'content-encoding'; value: string }
  | { kind: 'utf16' }
  | { kind: 'auth'; value: string | null }
  | { kind: 'method'; method: string };

interface EspayEndpoint {
  name: string;
  path: string;
  request: string;
  response: string;
  /** Valid fields in the documented order for a fresh rq_uuid (signature last is added by `sign`). */
  fields(rqUuid: string): Record<string, string>;
  sign(fields: Record<string, string>): string | undefined;
}

const espayState = { orderId: '', productCode: '', amount: '', refId: '' };

function espayEndpoints(): EspayEndpoint[] {
  const creds = () => sandbox.credentials.espay;
  const common = (rqUuid: string) => ({
    rq_uuid: rqUuid,
    rq_datetime: '2025-01-01 10:00:00',
    sender_id: creds().senderId,
    password: creds().password,
  });
  const safeSign = (fn: () => string) => {
    try {
      return fn();
    } catch {
      return undefined; // a dropped signed field: nothing to sign with
    }
  };
  return [
    {
      name: 'espay inquirytransaction',
      path: '/rest/biller/inquirytransaction',
      request: 'InquiryTransactionRequest',
      response: 'InquiryTransactionResponse',
      fields: (rq) => ({ ...common(rq), order_id: espayState.orderId, product_code: espayState.productCode }),
      sign: (f) => safeSign(() => espaySignature('inquiry', f as never, creds().signatureKey)),
    },
    {
      name: 'espay paymentreport',
      path: '/rest/biller/paymentreport',
      request: 'PaymentReportRequest',
      response: 'PaymentReportResponse',
      fields: (rq) => ({ ...common(rq), order_id: espayState.orderId, product_code: espayState.productCode, amount: espayState.amount }),
      sign: (f) => safeSign(() => espaySignature('payment', f as never, creds().signatureKey)),
    },
    {
      name: 'espay gettransactioninfo',
      path: '/rest/billertools/gettransactioninfo',
      request: 'GetTransactionInfoRequest',
      response: 'GetTransactionInfoResponse',
      fields: (rq) => ({ ...common(rq), ref_id: espayState.refId }),
      sign: (f) => safeSign(() => espaySignature('status', f as never, creds().signatureKey)),
    },
    {
      name: 'espay getbalance',
      path: '/rest/billertools/getbalance',
      request: 'GetBalanceRequest',
      response: 'GetBalanceResponse',
      fields: (rq) => common(rq),
      sign: (f) => safeSign(() => espaySignature('balance', f as never, creds().signatureKey)),
    },
    {
      name: 'espay getregisteredproducts',
      path: '/rest/billertools/getregisteredproducts',
      request: 'GetRegisteredProductsRequest',
      response: 'GetRegisteredProductsResponse',
      fields: (rq) => common(rq),
      sign: (f) => safeSign(() => espaySignature('balance', f as never, creds().signatureKey)),
    },
  ];
}

function formMutation(names: string[]): fc.Arbitrary<FormMutation> {
  const name = fc.constantFrom(...names);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('drop' as const), names: fc.subarray(names, { minLength: 1 }), resign: fc.boolean() }),
    },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), name, value: junkString, resign: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('too-long' as const), name, resign: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('extra' as const),
        name: fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom('data', 'additional_data', 'channel_code', '__proto__', 'constructor'),
        ),
        value: junkString,
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), name, value: junkString }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), name, size: hugeSize }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('percent' as const), name, junk: fc.constantFrom(...BROKEN_PERCENT) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('utf8' as const), at: fc.nat(400), bytes: fc.constantFrom(...INVALID_UTF8) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: randomBytes }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(400) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: contentTypes }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('content-encoding' as const),
        value: fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-junk'),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'utf16' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('auth' as const),
        value: fc.oneof(
          fc.constant(null),
          fc.constantFrom('Basic', 'Basic ', 'Basic !!!', 'Bearer x', 'basic ZXNwYXk=', 'Basic Og==', `Basic ${'A'.repeat(6000)}`),
          fc.string({ maxLength: 30 }).map((s) => `Basic ${Buffer.from(s, 'utf8').toString('base64')}`),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('method' as const), method: methods }) },
  );
}

let sequence = 0;
function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence.toString(36)}`;
}

function buildEspayRequest(endpoint: EspayEndpoint, mutations: FormMutation[]): WireRequest {
  const creds = sandbox.credentials.espay;
  const fields: Array<[string, string]> = Object.entries(endpoint.fields(nextId('FZ')));
  const get = () => Object.fromEntries(fields);
  fields.push(['signature', endpoint.sign(get())!]);
  const setField = (name: string, value: string) => {
    const existing = fields.find(([n]) => n === name);
    if (existing) existing[1] = value;
    else fields.push([name, value]);
  };
  let resign = true;
  const raw: Array<(body: Buffer) => Buffer> = [];
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${creds.basicAuth.username}:${creds.basicAuth.password}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  };
  let method = 'POST';
  let percent: { name: string; junk: string } | undefined;
  let utf16 = false;
  const limits = fieldsOf(espayOpenApi as Doc, endpoint.request);
  for (const m of mutations) {
    switch (m.kind) {
      case 'drop':
        for (const name of m.names) {
          const i = fields.findIndex(([n]) => n === name);
          if (i !== -1) fields.splice(i, 1);
        }
        resign = m.resign;
        break;
      case 'set':
        setField(m.name, m.value);
        resign = m.resign;
        break;
      case 'too-long':
        setField(m.name, '9'.repeat((limits.get(m.name) ?? 255) + 1));
        resign = m.resign;
        break;
      case 'extra':
        fields.push([m.name, m.value]);
        break;
      case 'duplicate':
        fields.push([m.name, m.value]);
        break;
      case 'huge':
        setField(m.name, 'Z'.repeat(m.size));
        break;
      case 'percent':
        percent = m;
        break;
      case 'utf8':
        raw.push((body) => insertAt(body, m.at, Buffer.from(m.bytes)));
        break;
      case 'bytes':
        raw.push(() => Buffer.from(m.bytes));
        break;
      case 'truncate':
        raw.push((body) => body.subarray(0, m.at % (body.length + 1)));
        break;
      case 'content-type':
        if (m.value === null) delete headers['content-type'];
        else headers['content-type'] = m.value;
        break;
      case 'content-encoding':
        headers['content-encoding'] = m.value;
        break;
      case 'utf16':
        utf16 = true;
        headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-16le';
        break;
      case 'auth':
        if (m.value === null) delete headers['authorization'];
        else headers['authorization'] = m.value;
        break;
      case 'method':
        method = m.method;
        break;
    }
  }
  // Re-signing after a mutation gets past the signature check into the operation itself; without it the
  // original signature stays and no longer matches. A dropped signature stays dropped.
  if (resign && fields.some(([n]) => n === 'signature')) {
    const signature = endpoint.sign(get());
    if (signature !== undefined) setField('signature', signature);
  }
  let text = fields.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
  if (percent) {
    const target = `${encode(percent.name)}=`;
    text = text.includes(target) ? text.replace(target, `${target}${percent.junk}`) : `${text}&${target}${percent.junk}`;
  }
  let body: Buffer = Buffer.from(text, utf16 ? 'utf16le' : 'utf8');
  for (const apply of raw) body = apply(body);
  body = capped(body);
  return { method, path: endpoint.path, headers, body: method === 'GET' && body.length === 0 ? undefined : body };
}

// ---------------------------------------------------------------------------------------------------------
// IAK: JSON and XML bodies, receipts

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type IakMutation =
  | { kind: 'drop'; names: string[] }
  | { kind: 'set'; name: string; value: Json; resign: boolean }
  | { kind: 'too-long'; name: string; resign: boolean }
  | { kind: 'extra'; name: string; value: Json }
  | { kind: 'nest'; name: string; depth: number }
  | { kind: 'commands'; value: Json }
  | { kind: 'username'; value: string }
  | { kind: 'huge'; name: string; size: number }
  | { kind: 'top'; value: Json }
  | { kind: 'utf8'; at: number; bytes: number[] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'xml-hostile'; variant: number }
  | { kind: 'utf16' }
  | { kind: 'method'; method: string };

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: junkString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53 + 1, 1e308, -0)) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [1, 2], { a: { b: 'c' } }, ['inq-pasca']) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** Hostile `<mp>` documents: DTDs, entity expansion, XXE, deep nesting, odd encodings. */
function hostileXml(variant: number, base: string): string {
  const bare = () => base.replace(/^<\?xml[^>]*\?>/, '');
  const variants: Array<() => string> = [
    () =>
      `<?xml version="1.0"?><!DOCTYPE mp [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><mp><commands>&d;</commands></mp>`,
    () => `<?xml version="1.0"?><!DOCTYPE mp [<!ENTITY x SYSTEM "file:///etc/passwd">]><mp><commands>inq-pasca</commands><hp>&x;</hp></mp>`,
    () => `<?xml version="1.0"?><mp>${'<a>'.repeat(5_000)}x${'</a>'.repeat(5_000)}</mp>`,
    () => `<?xml version="1.0" encoding="UTF-16"?>${bare()}`,
    () => `\uFEFF${base}`,
    () => base.replace('<mp>', '<mp xmlns="urn:x" a="1" a="2">'),
    () => base.replace('<mp>', '<MP>').replace('</mp>', '</MP>'),
    () => base.replace('</mp>', ''),
    () => `${base}<mp></mp>`,
    () => base.replace(/<commands>/, '<commands><![CDATA[').replace(/<\/commands>/, ']]></commands>'),
    () => base.replace(/<\/commands>/, '</commands><commands>pay-pasca</commands>'),
    () => '<?xml version="1.0"?><mp/>',
    () => '<?xml version="1.0"?>',
    () => '<mp><commands>inq-pasca</commands><!-- unterminated comment',
    () => `<?xml version="1.0"?><?php echo 1; ?>${bare()}`,
    () => base.replace(/<sign>/, '<sign>&#0;&#x110000;&#xD800;'),
    () => base.replace(/<username>/, '<username>&amp;&lt;&unknown;'),
    () => `<?xml version="1.0"?><mp>${'<x>1</x>'.repeat(20_000)}</mp>`,
    () => JSON.stringify({ commands: 'inq-pasca' }),
    () => '<html><body><h1>502 Bad Gateway</h1></body></html>',
  ];
  return variants[variant % variants.length]!();
}

function xmlOf(value: Json, name = 'mp'): string {
  if (Array.isArray(value)) return value.map((item) => xmlOf(item, name)).join('');
  if (value !== null && typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xmlOf(v, k || '_'))
      .join('')}</${name}>`;
  const text = value === null ? '' : String(value);
  return `<${name}>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`;
}

interface IakEndpoint {
  name: string;
  format: 'json' | 'xml' | 'none';
  route: Route;
  /** Schema component of the request body (for field names and limits). */
  request?: string;
  build(): { path: string; body: Record<string, Json>; sign?: (body: Record<string, Json>) => string | undefined };
}

const iakState = { trIdUnpaid: '', trIdPaid: '', refIdPaid: '' };

function iakEndpoints(): IakEndpoint[] {
  const { username, apiKey } = sandbox.credentials.iak;
  const sig = (extra: unknown) => (typeof extra === 'string' ? iakSign(username, apiKey, extra) : undefined);
  const commands: Array<{
    command: string;
    request: string;
    build: () => Record<string, Json>;
    sign: (b: Record<string, Json>) => string | undefined;
  }> = [
    {
      command: 'inq-pasca',
      request: 'InqPascaRequest',
      build: () => {
        const refId = nextId('FZ');
        return { commands: 'inq-pasca', username, code: 'PLNPOSTPAID', hp: '530000000001', ref_id: refId, sign: sig(refId)! };
      },
      sign: (b) => sig(b['ref_id']),
    },
    {
      command: 'pay-pasca',
      request: 'PayPascaRequest',
      build: () => {
        const trId = sequence % 2 === 0 ? iakState.trIdPaid : iakState.trIdUnpaid;
        return { commands: 'pay-pasca', username, tr_id: trId, sign: sig(trId)! };
      },
      sign: (b) => sig(typeof b['tr_id'] === 'number' ? String(b['tr_id']) : b['tr_id']),
    },
    {
      command: 'checkstatus',
      request: 'CheckStatusRequest',
      build: () => ({ commands: 'checkstatus', username, ref_id: iakState.refIdPaid, sign: sig('cs')! }),
      sign: () => sig('cs'),
    },
    {
      command: 'pricelist-pasca',
      request: 'PricelistPascaRequest',
      build: () => ({ commands: 'pricelist-pasca', username, sign: sig('pl')!, status: 'active' }),
      sign: () => sig('pl'),
    },
  ];
  const endpoints: IakEndpoint[] = [];
  for (const format of ['json', 'xml'] as const) {
    for (const c of commands) {
      endpoints.push({
        name: `iak ${c.command} (${format})`,
        format,
        route: { provider: 'iak', kind: 'bill-check' },
        request: c.request,
        build: () => ({ path: '/api/v1/bill/check', body: c.build(), sign: c.sign }),
      });
    }
    endpoints.push({
      name: `iak pricelist-pasca by type (${format})`,
      format,
      route: { provider: 'iak', kind: 'pricelist-type' },
      request: 'PricelistPascaRequest',
      build: () => ({
        path: `/api/v1/bill/check/${['pln', 'pdam', 'bpjs', 'internet', 'gas'][sequence % 5]}`,
        body: { commands: 'pricelist-pasca', username, sign: sig('pl')! },
        sign: () => sig('pl'),
      }),
    });
  }
  endpoints.push(
    {
      name: 'iak receipt pdf (GET /api/v1/download/{tr_id})',
      format: 'none',
      route: { provider: 'iak', kind: 'receipt-pdf' },
      build: () => ({ path: '/api/v1/download/', body: {} }),
    },
    {
      name: 'iak receipt data (GET /api/v1/download/{tr_id}/1)',
      format: 'none',
      route: { provider: 'iak', kind: 'receipt-data' },
      build: () => ({ path: '/api/v1/download/', body: {} }),
    },
  );
  return endpoints;
}

function iakMutation(names: string[]): fc.Arbitrary<IakMutation> {
  const name = fc.constantFrom(...names);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('drop' as const), names: fc.subarray(names, { minLength: 1 }) }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), name, value: jsonValue, resign: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('too-long' as const), name, resign: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('extra' as const),
        name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('desc', 'month', '__proto__', 'constructor', 'tr_id', 'ref_id')),
        value: jsonValue,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), name, depth: fc.constantFrom(10, 100, 1_000, 20_000) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('commands' as const),
        value: fc.oneof(jsonValue, fc.constantFrom<Json>('inq-pasca ', 'INQ-PASCA', 'pay-pasca', 'checkstatus', 'pricelist', 'topup', '')),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('username' as const), value: junkString }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), name, size: hugeSize }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('top' as const),
        value: fc.constantFrom<Json>(null, 0, 'inq-pasca', [], [{ commands: 'inq-pasca' }], true),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('utf8' as const), at: fc.nat(300), bytes: fc.constantFrom(...INVALID_UTF8) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: randomBytes }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(300) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: contentTypes }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('xml-hostile' as const), variant: fc.nat(19) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'utf16' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('method' as const), method: methods }) },
  );
}

const NEST = 'NEST-PLACEHOLDER-7f3a';

function buildIakRequest(endpoint: IakEndpoint, mutations: IakMutation[]): WireRequest {
  const built = endpoint.build();
  const body: Record<string, Json> = { ...built.body };
  const limits = fieldsOf(iakOpenApi as Doc, endpoint.request!);
  let top: Json | undefined;
  let resign = true;
  let method = 'POST';
  let hostile: number | undefined;
  let utf16 = false;
  let nestDepth = 0;
  const raw: Array<(b: Buffer) => Buffer> = [];
  const headers: Record<string, string> = { 'content-type': endpoint.format === 'xml' ? 'application/xml' : 'application/json' };
  for (const m of mutations) {
    switch (m.kind) {
      case 'drop':
        for (const name of m.names) delete body[name];
        break;
      case 'set':
        body[m.name] = m.value;
        resign = m.resign;
        break;
      case 'too-long':
        body[m.name] = '7'.repeat((limits.get(m.name) ?? 255) + 1);
        resign = m.resign;
        break;
      case 'extra':
        body[m.name] = m.value;
        break;
      case 'nest':
        // Spliced in as text after serialisation: the nesting is deeper than a recursive serialiser allows.
        body[m.name] = NEST;
        nestDepth = m.depth;
        break;
      case 'commands':
        body['commands'] = m.value;
        break;
      case 'username':
        body['username'] = m.value;
        break;
      case 'huge':
        body[m.name] = 'Z'.repeat(m.size);
        break;
      case 'top':
        top = m.value;
        break;
      case 'utf8':
        raw.push((b) => insertAt(b, m.at, Buffer.from(m.bytes)));
        break;
      case 'bytes':
        raw.push(() => Buffer.from(m.bytes));
        break;
      case 'truncate':
        raw.push((b) => b.subarray(0, m.at % (b.length + 1)));
        break;
      case 'content-type':
        if (m.value === null) delete headers['content-type'];
        else headers['content-type'] = m.value;
        break;
      case 'xml-hostile':
        hostile = m.variant;
        break;
      case 'utf16':
        utf16 = true;
        headers['content-type'] = `${headers['content-type'] ?? 'application/json'}; charset=utf-16le`;
        break;
      case 'method':
        method = m.method;
        break;
    }
  }
  if (resign && built.sign && 'sign' in body) {
    const sign = built.sign(body);
    if (sign !== undefined) body['sign'] = sign;
  }
  let text: string;
  if (endpoint.format === 'xml') {
    const base = `<?xml version="1.0" ?>${xmlOf(top === undefined ? body : (top as Json), 'mp')}`;
    text = hostile === undefined ? base : hostileXml(hostile, base);
  } else {
    text = hostile === undefined || hostile % 3 !== 0 ? JSON.stringify(top === undefined ? body : top) : hostileXml(hostile, xmlOf(body));
  }
  if (nestDepth > 0) {
    const nested =
      endpoint.format === 'xml'
        ? `${'<n>'.repeat(nestDepth)}x${'</n>'.repeat(nestDepth)}`
        : `${'{"n":'.repeat(nestDepth)}"x"${'}'.repeat(nestDepth)}`;
    text = text.replace(endpoint.format === 'xml' ? NEST : JSON.stringify(NEST), nested);
  }
  let payload: Buffer = Buffer.from(text, utf16 ? 'utf16le' : 'utf8');
  for (const apply of raw) payload = apply(payload);
  payload = capped(payload);
  return { method, path: built.path, headers, body: payload };
}

/** Receipt routes: hostile path segments, suffixes, query strings, methods and headers. */
type ReceiptCase = { segment: string; suffix: string; query: string; method: string; accept: string | null; body: Uint8Array | null };

function receiptCase(): fc.Arbitrary<ReceiptCase> {
  const segment = fc.oneof(
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'PAID',
        'UNPAID',
        '0',
        '-1',
        '1e3',
        '00000000000000000000000000000000001',
        '..',
        '.',
        '%2e%2e',
        '',
        '%00',
        '%2F',
        '%',
        '%zz',
        '%E2%82',
        '%C0%AF',
        '%FF',
      ),
    },
    { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map(encode) },
    { weight: 1, arbitrary: anyCodePoints(20).map(encode) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,30}$/) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 8_000 }).map((n) => '9'.repeat(n)) }, // under Node's 16 KiB header limit
    { weight: 1, arbitrary: fc.constantFrom(...BROKEN_PERCENT) },
  );
  return fc.record({
    segment,
    suffix: fc.constantFrom('', '', '', '/', '//', '/2', '/1/1', '/..', '/%31', '/1%00'),
    query: fc.oneof(
      fc.constant(''),
      fc.constant('?a=%zz&&=&b'),
      fc.string({ maxLength: 20 }).map((s) => `?${encode(s)}`),
    ),
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant('GET') },
      { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH') },
    ),
    accept: fc.constantFrom(null, 'application/pdf', 'application/json', 'application/xml', 'text/html', '*/*', ';;;'),
    body: fc.option(fc.uint8Array({ maxLength: 200 }), { freq: 5 }),
  });
}

function buildReceiptRequest(endpoint: IakEndpoint, c: ReceiptCase): WireRequest {
  const segment = c.segment === 'PAID' ? iakState.trIdPaid : c.segment === 'UNPAID' ? iakState.trIdUnpaid : c.segment;
  const suffix =
    endpoint.route.provider === 'iak' && endpoint.route.kind === 'receipt-data' ? `/1${c.suffix === '/' ? '' : c.suffix}` : c.suffix;
  const headers: Record<string, string> = {};
  if (c.accept !== null) headers['accept'] = c.accept;
  if (c.body) headers['content-type'] = 'application/octet-stream';
  return {
    method: c.method,
    path: `/api/v1/download/${segment}${suffix}${c.query}`,
    headers,
    ...(c.body ? { body: Buffer.from(c.body) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The run

interface Report {
  sent: number;
  failures: string[];
  codes: Map<string, number>;
}

async function runEndpoint(name: string, route: Route, requests: Array<() => WireRequest>): Promise<Report> {
  const report: Report = { sent: 0, failures: [], codes: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      let req: WireRequest;
      try {
        req = requests[index]!();
      } catch (error) {
        report.failures.push(`#${index}: the test could not build the request: ${(error as Error).message}`);
        continue;
      }
      const outcome = await send(req);
      report.sent += 1;
      const where = `#${index} ${req.method} ${req.path.slice(0, 80)} [${req.headers['content-type'] ?? 'no content-type'}] body ${req.body?.length ?? 0} B`;
      if (outcome.kind === 'failure') {
        report.failures.push(`${where}: ${outcome.reason}`);
        continue;
      }
      const { answer } = outcome;
      report.codes.set(answerCode(answer), (report.codes.get(answerCode(answer)) ?? 0) + 1);
      if (answer.status >= 500) report.failures.push(`${where}: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`);
      const issues = memoShapeIssues(route, answer);
      if (issues.length > 0)
        report.failures.push(
          `${where}: HTTP ${answer.status} ${answer.contentType}, undocumented shape: ${issues.slice(0, 3).join('; ')} :: ${answer.body.toString('utf8').slice(0, 200)} :: REQ ${req.body?.toString('utf8').slice(0, 300)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (report.failures.length > 0) {
    throw new Error(
      `${name}: ${report.failures.length} of ${report.sent} requests failed (seed ${SEED}, rerun with BILLERKIT_FUZZ_SEED=${SEED}):\n${report.failures.slice(0, 10).join('\n')}`,
    );
  }
  return report;
}

/** The logger's entries (message, error, stack; never bodies) say what escaped a provider; then the counter. */
async function expectNoInternalErrors(before: number): Promise<void> {
  expect(logged).toEqual([]);
  expect((await internalErrors()) - before).toBe(0);
}

function sample<T>(arbitrary: fc.Arbitrary<T>, salt: number): T[] {
  return fc.sample(arbitrary, { numRuns: RUNS, seed: (SEED + salt) | 0 });
}

beforeAll(async () => {
  sandbox = await startChildSandbox({
    maxBodyBytes: MAX_BODY_BYTES,
    // Enough deposit for every accidental success the mutations may produce.
    initialBalances: { espay: String(10n ** 15n), iak: String(10n ** 15n) },
  });
  const url = new URL(sandbox.url);
  pipeline = new Pipeline(url.hostname, Number(url.port), CONNECTIONS);
  // Real references for the deeper paths: an open Espay bill and a paid one; an unpaid and a paid IAK bill.
  espayState.productCode = espayProducts.find((p) => p.inquiry && p.transactionType === 'PAYMENT')!.code;
  espayState.orderId = '880000000000';
  const inquiry = await setState('espay', 'inquiry', { order_id: espayState.orderId, product_code: espayState.productCode });
  espayState.amount = String(inquiry['amount']);
  const paid = await setState('espay', 'transaction', {
    order_id: '881234567890',
    product_code: espayState.productCode,
    amount: espayState.amount,
  });
  espayState.refId = String(paid['ref_id']);
  const unpaid = await setState('iak', 'inquiry exists', { ref_id: 'FUZZUNPAID1' });
  iakState.trIdUnpaid = String(unpaid['tr_id']);
  const done = await setState('iak', 'payment exists', { ref_id: 'FUZZPAID1', status: 'success' });
  iakState.trIdPaid = String(done['tr_id']);
  iakState.refIdPaid = 'FUZZPAID1';
});

afterAll(async () => {
  pipeline?.close();
  if (sandbox) {
    const exited = new Promise((resolve) => sandbox.process.once('exit', resolve));
    sandbox.process.stdin!.end();
    const timer = setTimeout(() => sandbox.process.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
});

describe('the answer-shape check', () => {
  it('bites: undocumented answers are reported', () => {
    const answer = (status: number, contentType: string, body: string): WireAnswer => ({ status, contentType, body: Buffer.from(body) });
    expect(
      shapeIssues({ provider: 'espay', response: 'GetBalanceResponse' }, answer(200, 'application/json', '{"error_code":"0001"}')),
    ).not.toEqual([]);
    expect(
      shapeIssues({ provider: 'espay', response: 'GetBalanceResponse' }, answer(200, 'text/plain', 'Internal Server Error')),
    ).not.toEqual([]);
    expect(
      shapeIssues({ provider: 'iak', kind: 'bill-check' }, answer(400, 'application/json', '{"data":{"error_details":"x"}}')),
    ).not.toEqual([]);
    expect(shapeIssues({ provider: 'iak', kind: 'bill-check' }, answer(200, 'application/xml', '<mp><response_code>'))).not.toEqual([]);
    expect(shapeIssues({ provider: 'iak', kind: 'receipt-pdf' }, answer(200, 'application/pdf', '<html>'))).not.toEqual([]);
    // …and documented ones pass.
    expect(
      shapeIssues(
        { provider: 'espay', response: 'GetBalanceResponse' },
        answer(
          200,
          'application/json',
          '{"rq_uuid":"-","rs_datetime":"2025-01-01 10:00:00","error_code":"0001","error_desc":"Invalid request"}',
        ),
      ),
    ).toEqual([]);
    expect(
      shapeIssues(
        { provider: 'iak', kind: 'bill-check' },
        answer(
          400,
          'application/xml',
          '<mp><response_code>107</response_code><message>XML FORMAT ERROR</message><error_details><hp>is required</hp></error_details></mp>',
        ),
      ),
    ).toEqual([]);
  });
});

describe(`sandbox under ${RUNS} malformed requests per endpoint (seed ${SEED})`, () => {
  it.each([
    'espay inquirytransaction',
    'espay paymentreport',
    'espay gettransactioninfo',
    'espay getbalance',
    'espay getregisteredproducts',
  ])(
    '%s',
    async (name) => {
      const endpoint = espayEndpoints().find((e) => e.name === name)!;
      const names = [...fieldsOf(espayOpenApi as Doc, endpoint.request).keys()];
      const cases = sample(fc.array(formMutation(names), { minLength: 1, maxLength: 3 }), name.length);
      const before = await internalErrors();
      logged.length = 0;
      const report = await runEndpoint(
        name,
        { provider: 'espay', response: endpoint.response },
        cases.map((m) => () => buildEspayRequest(endpoint, m)),
      );
      expect(report.sent).toBe(RUNS);
      // The mutations reach the different layers: auth, content type / contract, credentials, signature, the operation.
      expect(report.codes.size, [...report.codes.keys()].join(' ')).toBeGreaterThanOrEqual(Math.min(RUNS, 4));
      await expectNoInternalErrors(before);
    },
    ENDPOINT_TIMEOUT_MS,
  );

  const iakNames = [
    'iak inq-pasca (json)',
    'iak pay-pasca (json)',
    'iak checkstatus (json)',
    'iak pricelist-pasca (json)',
    'iak pricelist-pasca by type (json)',
    'iak inq-pasca (xml)',
    'iak pay-pasca (xml)',
    'iak checkstatus (xml)',
    'iak pricelist-pasca (xml)',
    'iak pricelist-pasca by type (xml)',
  ];
  it.each(iakNames)(
    '%s',
    async (name) => {
      const endpoint = iakEndpoints().find((e) => e.name === name)!;
      const names = [...fieldsOf(iakOpenApi as Doc, endpoint.request!).keys()];
      const cases = sample(fc.array(iakMutation(names), { minLength: 1, maxLength: 3 }), name.length * 7);
      const before = await internalErrors();
      logged.length = 0;
      const report = await runEndpoint(
        name,
        endpoint.route,
        cases.map((m) => () => buildIakRequest(endpoint, m)),
      );
      expect(report.sent).toBe(RUNS);
      expect(report.codes.size, [...report.codes.keys()].join(' ')).toBeGreaterThanOrEqual(Math.min(RUNS, 4));
      await expectNoInternalErrors(before);
    },
    ENDPOINT_TIMEOUT_MS,
  );

  it.each(['iak receipt pdf (GET /api/v1/download/{tr_id})', 'iak receipt data (GET /api/v1/download/{tr_id}/1)'])(
    '%s',
    async (name) => {
      const endpoint = iakEndpoints().find((e) => e.name === name)!;
      const cases = sample(receiptCase(), name.length * 13);
      const before = await internalErrors();
      logged.length = 0;
      const report = await runEndpoint(
        name,
        endpoint.route,
        cases.map((c) => () => buildReceiptRequest(endpoint, c)),
      );
      expect(report.sent).toBe(RUNS);
      expect(report.codes.size, [...report.codes.keys()].join(' ')).toBeGreaterThanOrEqual(Math.min(RUNS, 2));
      await expectNoInternalErrors(before);
    },
    ENDPOINT_TIMEOUT_MS,
  );
});
