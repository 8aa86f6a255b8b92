/**
 * Provider verification of one pact file, run in its own process.
 *
 * Why a process of its own: the Pact core prints its verification report straight to file descriptor 1
 * from native code, which no in-process redirection can catch; the parent keeps the suite's output
 * tidy and reads the structured result this process writes to a file.
 *
 * Why a request filter that rebuilds bodies: pact-js 16.5's Verifier always puts an express proxy in
 * front of the provider. The proxy parses form bodies with `body-parser.urlencoded` and, when it
 * forwards, serialises any parsed object with `JSON.stringify` (`proxy/parseBody.ts`), so an Espay form
 * body would reach the provider as JSON text under a form Content-Type (pact-js issue 884, still open).
 * A `Buffer` body is forwarded untouched, so the filter rebuilds the form (or JSON, or XML) text,
 * puts in the target's credentials and a fresh signature, and hands the proxy a Buffer with a matching
 * Content-Length. pact-core's own verifier (no proxy) would avoid the JSON problem but offers no hook to
 * re-sign a request, and the pact files hold placeholders instead of signatures, so it cannot be used.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Verifier } from '@pact-foundation/pact';
import type { Exchange, Provider } from '../model.js';
import { httpControl } from '../target.js';
import type { SandboxStep } from './common.js';
import { type ProxyRequest, type ResignOptions, requestFilterFor } from './resign.js';

export interface VerifyJob {
  provider: Provider;
  pactFile: string;
  providerBaseUrl: string;
  resign: Omit<ResignOptions, 'freshId'>;
  /** Origin of the sandbox control API, when the target has one. */
  controlOrigin?: string;
  /** Set-up steps of every provider state named in the pact. */
  states: Record<string, SandboxStep[]>;
  /** Replace generated ids (targets without provider states). */
  freshIds: boolean;
  resultFile: string;
}

export interface VerifyChildResult {
  /** The Pact core's JSON verification report, when it produced one. */
  report?: unknown;
  /** What went over the wire for each interaction, in pact order (one slot per provider state set-up). */
  exchanges: Exchange[][];
  /** Why the verifier could not run (as opposed to interactions failing). */
  error?: string;
}

interface RecordedResponse {
  statusCode: number;
  getHeaders(): Record<string, unknown>;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
  on(event: 'finish', listener: () => void): unknown;
}

function headerRecord(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

/** Keeps the request as forwarded and the provider's answer as relayed, for the report. */
function record(req: ProxyRequest & { method: string; originalUrl: string }, res: RecordedResponse, slot: Exchange[] | undefined): void {
  if (!slot) return;
  const exchange: Exchange = {
    request: {
      method: req.method,
      url: req.originalUrl,
      headers: headerRecord(req.headers),
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    },
  };
  slot.push(exchange);
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  const write = res.write;
  const end = res.end;
  res.write = (...args: unknown[]) => {
    keep(args[0]);
    return write.apply(res, args);
  };
  res.end = (...args: unknown[]) => {
    if (typeof args[0] !== 'function') keep(args[0]);
    return end.apply(res, args);
  };
  res.on('finish', () => {
    const body = Buffer.concat(chunks);
    const type = String(res.getHeaders()['content-type'] ?? '');
    exchange.response = {
      status: res.statusCode,
      headers: headerRecord(res.getHeaders()),
      body: /pdf|octet-stream/.test(type) ? `(${body.length} bytes of ${type})` : body.toString('utf8'),
    };
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as VerifyJob;
  const control = job.controlOrigin ? httpControl(job.controlOrigin) : undefined;
  let counter = 0;
  const runId = Date.now().toString(36).toUpperCase();
  const options: ResignOptions = { ...job.resign, ...(job.freshIds ? { freshId: () => `BKV${runId}${String(++counter).padStart(4, '0')}` } : {}) };

  const exchanges: Exchange[][] = [];
  const stateHandlers: Record<string, () => Promise<void>> = {};
  for (const [name, steps] of Object.entries(job.states)) {
    stateHandlers[name] = async () => {
      exchanges.push([]);
      if (!control) return;
      // Every interaction starts from a clean provider, so none depends on another's leftovers. Only this
      // provider is reset: the other provider's pact is verified at the same time against the same sandbox.
      await control.setState(job.provider, 'reset');
      for (const step of steps) await control.setState(step.provider, step.state, step.params);
    };
  }

  const filter = requestFilterFor(options);
  const recordingFilter = (req: ProxyRequest & { method: string; originalUrl: string }, res: RecordedResponse, next: () => void) => {
    filter(req, res, () => {
      if (req.path !== '/_pactSetup' && req.path !== '/_messages') record(req, res, exchanges[exchanges.length - 1]);
      next();
    });
  };

  const result: VerifyChildResult = { exchanges };
  try {
    const output = await new Verifier({
      providerBaseUrl: job.providerBaseUrl,
      pactUrls: [job.pactFile],
      logLevel: 'error',
      stateHandlers,
      requestFilter: recordingFilter as never,
    }).verifyProvider();
    result.report = JSON.parse(String(output));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      result.report = JSON.parse(message);
    } catch {
      result.error = message;
    }
  }
  writeFileSync(job.resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`verify-child: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
