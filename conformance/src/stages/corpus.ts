import { parseIakXml } from '@billerkit/validators';
import { type CorpusEntry, isRefusal, loadCorpus, renderBody, type SpecVerdict, specVerdict } from '../corpus/corpus.js';
import type { Check, Exchange } from '../model.js';
import type { StageContext, StageOutcome } from '../runner.js';
import type { IakCredentials, ProviderTarget } from '../target.js';
import { validateExchange } from '../validate-exchange.js';

export interface CorpusOptions {
  /** The corpus file; conformance/corpus/iak-sdk.json by default. */
  corpusFile?: string | URL;
}

function headerRecord(headers: Headers): Record<string, string> {
  return Object.fromEntries(headers.entries());
}

async function send(target: ProviderTarget<IakCredentials>, entry: CorpusEntry, body: string | undefined): Promise<Exchange> {
  const url = `${target.baseUrl.replace(/\/$/, '')}${entry.path}`;
  // As the Node.js SDK sends them: a JSON (or XML) POST with its Content-Type, a GET with no headers.
  const headers: Record<string, string> = entry.method === 'POST' ? { 'content-type': entry.contentType ?? 'application/json' } : {};
  const exchange: Exchange = { request: { method: entry.method, url, headers, body: body ?? '' } };
  try {
    const response = await fetch(url, {
      method: entry.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(30_000),
    });
    exchange.response = { status: response.status, headers: headerRecord(response.headers), body: await response.text() };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    exchange.error = `${error instanceof Error ? error.message : String(error)}${cause}`;
  }
  return exchange;
}

/** The answer's `data` (JSON envelope) or `<mp>` children (XML); undefined for other bodies. */
function answerData(exchange: Exchange): Record<string, unknown> | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  const type = response.headers['content-type'] ?? '';
  try {
    if (type.includes('json')) return (JSON.parse(response.body) as { data?: Record<string, unknown> }).data;
    if (type.includes('xml')) return (parseIakXml(response.body, { form: 'response' }) as { data?: Record<string, unknown> }).data;
  } catch {
    return undefined;
  }
  return undefined;
}

function specProblems(entry: CorpusEntry, spec: SpecVerdict): string[] {
  if (!spec.route) return [`${entry.method} ${entry.path} is not a declared path of the IAK spec`];
  const field = entry.expect.field;
  if (!isRefusal(entry)) {
    return spec.valid
      ? []
      : [`the spec refuses the request (${spec.component}): ${spec.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`];
  }
  if (!entry.expect.reason?.trim()) return ['a refusal must carry its reason (it goes into the deviation ledger)'];
  if (spec.valid) return [`the spec accepts the request, yet the corpus expects it refused because: ${entry.expect.reason}`];
  if (field && !spec.issues.some((i) => i.path === `/${field}`)) return [`the spec refuses the request, but not for ${field}`];
  return [];
}

function answerProblems(entry: CorpusEntry, exchange: Exchange): string[] {
  const response = exchange.response;
  if (!response) return [`no answer: ${exchange.error ?? 'unknown error'}`];
  const problems: string[] = [];
  const expect = entry.expect;
  if (response.status !== expect.status) problems.push(`HTTP ${response.status}, expected ${expect.status}`);
  const data = answerData(exchange);
  if (expect.responseCode !== undefined && data?.['response_code'] !== expect.responseCode) {
    problems.push(`response_code ${JSON.stringify(data?.['response_code'])}, expected ${expect.responseCode}`);
  }
  if (expect.field && !Object.hasOwn((data?.['error_details'] as object | undefined) ?? {}, expect.field)) {
    problems.push(`error_details does not name ${expect.field}`);
  }
  if (expect.contentType && !(response.headers['content-type'] ?? '').startsWith(expect.contentType)) {
    problems.push(`Content-Type ${response.headers['content-type'] ?? '(none)'}, expected ${expect.contentType}`);
  }
  if (expect.listsProducts && !Array.isArray(data?.['pasca'])) problems.push('the price list has no pasca list');
  // The answer is held to the spec too; the request was judged above, in the provider's own terms.
  problems.push(...validateExchange('iak', exchange, { checkRequest: false }));
  return problems;
}

/**
 * Stage 6: the SDK-shaped corpus replayed in order through the spec validators (strict plus what IAK is
 * evidenced to accept) and the target. Each entry is accepted, or refused on purpose with the documented
 * code and the reason the deviation ledger lists.
 */
export async function corpusStage(context: StageContext<CorpusOptions | undefined>): Promise<StageOutcome> {
  const target = context.target.iak;
  if (!target) return { checks: [], skipped: context.target.missing.iak ?? 'no IAK target' };
  const entries = loadCorpus(context.options?.corpusFile);
  const checks: Check[] = [];
  if (target.control) await target.control.setState('iak', 'balance', { balanceMinor: '100000000000' });
  for (const entry of entries) {
    const started = performance.now();
    const body = renderBody(entry, target.credentials);
    const spec = specVerdict(entry, body);
    const check: Check = {
      name: `${entry.name}: ${isRefusal(entry) ? `refused (${entry.expect.responseCode ?? entry.expect.status})` : 'accepted'}`,
      provider: 'iak',
      status: 'passed',
    };
    const operation = spec.route?.operationId;
    if (operation) check.operation = operation;
    if (entry.setup && !target.control) {
      check.status = 'skipped';
      check.message = `needs the sandbox state "${entry.setup.state}"; ${target.baseUrl} does not answer /__sandbox/state`;
    } else {
      if (entry.setup && target.control) await target.control.setState('iak', entry.setup.state, entry.setup.params);
      const exchange = await send(target, entry, body);
      const problems = [...specProblems(entry, spec), ...answerProblems(entry, exchange)];
      if (problems.length > 0) {
        check.status = 'failed';
        check.message = `${entry.method} ${entry.path} (${entry.source}): ${problems.join('; ')}`;
        check.exchanges = [exchange];
      } else if (spec.accepted.length > 0) {
        check.message = `accepted as IAK is evidenced to accept: ${spec.accepted.join(', ')}`;
      }
    }
    check.durationMs = performance.now() - started;
    checks.push(check);
    context.report(check);
  }
  const refused = entries.filter(isRefusal).length;
  return {
    checks: [],
    notes: [
      `IAK SDK corpus: ${entries.length} requests, ${entries.length - refused} to be accepted, ${refused} refused on purpose (reasons in DEVIATIONS.md)`,
    ],
  };
}
