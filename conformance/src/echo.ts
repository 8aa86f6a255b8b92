/**
 * Checks on one exchange that no schema can make: the answer is about this request (the identifiers
 * the provider echoes are the ones sent), an XML request is answered in XML, the status is one the spec
 * documents for the answer, and IAK's amounts add up. A provider, a cache or
 * a proxy that hands back someone else's answer breaks the first; a host that ignores the request's
 * format breaks the second, and a client may well read the wrong format without complaint.
 */
import { espayOpenApi, iakOpenApi } from '@billerkit/specs';
import { parseIakXml } from '@billerkit/validators';
import { iakAmountIssues } from './amounts.js';
import type { Exchange, Provider } from './model.js';
import { operationOfExchange } from './validate-exchange.js';

/** Identifiers each provider echoes from the request into its answer, where both carry them. */
const ECHOED: Readonly<Record<Provider, readonly string[]>> = {
  // rq_uuid in every answer; order_id in inquiry and payment answers; ref_id and product_code in status answers.
  espay: ['rq_uuid', 'order_id', 'ref_id', 'product_code'],
  // ref_id, hp and code in inquiry answers; tr_id in payment answers; ref_id in status answers.
  iak: ['ref_id', 'tr_id', 'hp', 'code'],
};

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value);

function mediaType(headers: Record<string, string>): string {
  return (
    (Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  );
}

function requestFields(provider: Provider, exchange: Exchange): Fields | undefined {
  const { body, headers } = exchange.request;
  if (body === '') return undefined;
  if (provider === 'espay') return Object.fromEntries(new URLSearchParams(body));
  const type = mediaType(headers);
  if (type.includes('xml')) return parseIakXml(body, { form: 'request' }) as Fields;
  const parsed = JSON.parse(body) as unknown;
  return isObject(parsed) ? parsed : undefined;
}

function answerFields(provider: Provider, exchange: Exchange): Fields | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  const type = mediaType(response.headers);
  if (type.includes('xml')) {
    const parsed = parseIakXml(response.body, { form: 'response' }) as { data?: unknown };
    return isObject(parsed.data) ? parsed.data : undefined;
  }
  if (!type.includes('json')) return undefined;
  const parsed = JSON.parse(response.body) as unknown;
  if (!isObject(parsed)) return undefined;
  if (provider === 'espay') return parsed;
  return isObject(parsed['data']) ? parsed['data'] : undefined;
}

const scalar = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

/**
 * One line per identifier the answer carries with another value than the request: `echo: inq-pasca
 * answer's ref_id is "X", the request sent "Y"`. Bodies that cannot be read are the schema checks' to report.
 */
export function echoIssues(provider: Provider, exchange: Exchange): string[] {
  let sent: Fields | undefined;
  let answered: Fields | undefined;
  try {
    sent = requestFields(provider, exchange);
    answered = answerFields(provider, exchange);
  } catch {
    return [];
  }
  if (!sent || !answered) return [];
  const operation = operationOfExchange(provider, exchange);
  const issues: string[] = [];
  for (const key of ECHOED[provider]) {
    const request = scalar(sent[key]);
    const answer = scalar(answered[key]);
    if (request !== undefined && answer !== undefined && request !== answer) {
      issues.push(
        `${operation} echo: the answer's ${key} is ${JSON.stringify(answer)}, the request sent ${JSON.stringify(request)} (an answer to another request)`,
      );
    }
  }
  return issues;
}

/** An IAK request in XML must be answered in XML (its error answers included); anything else is a format drift. */
export function answerFormatIssues(provider: Provider, exchange: Exchange): string[] {
  if (provider !== 'iak' || !exchange.response || !mediaType(exchange.request.headers).includes('xml')) return [];
  const type = mediaType(exchange.response.headers);
  if (type.includes('xml')) return [];
  return [`${operationOfExchange(provider, exchange)} format: an XML request was answered with Content-Type ${type || '(none)'}, not XML`];
}

/** The HTTP statuses the spec documents for a request's path and method (`default` included when it has one). */
function documentedStatuses(provider: Provider, exchange: Exchange): string[] | undefined {
  const document = provider === 'espay' ? espayOpenApi : iakOpenApi;
  const path = new URL(exchange.request.url).pathname;
  const paths = document.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  for (const [template, operations] of Object.entries(paths)) {
    const pattern = new RegExp(`${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const responses = pattern.test(path) ? operations[exchange.request.method.toLowerCase()]?.responses : undefined;
    if (responses) return Object.keys(responses);
  }
  return undefined;
}

/**
 * The answer's status is one the spec documents for it. IAK's bill-check path documents a `default`
 * (gateway errors), but an answer that carries a business result (`response_code`) comes with 200, or
 * 400 for a bad request: the same body under another status is a provider that changed its statuses.
 */
export function statusIssues(provider: Provider, exchange: Exchange): string[] {
  const response = exchange.response;
  const documented = response ? documentedStatuses(provider, exchange) : undefined;
  if (!response || !documented || documented.includes(String(response.status))) return [];
  const operation = operationOfExchange(provider, exchange);
  const listed = documented.filter((status) => status !== 'default').join(', ');
  if (!documented.includes('default')) return [`${operation} status: HTTP ${response.status}, the spec documents ${listed}`];
  let answered: Fields | undefined;
  try {
    answered = answerFields(provider, exchange);
  } catch {
    return [];
  }
  return answered?.['response_code'] !== undefined
    ? [
        `${operation} status: a business answer (response_code ${String(answered['response_code'])}) with HTTP ${response.status}, the spec documents ${listed}`,
      ]
    : [];
}

/** The amount rules of an IAK bill answer (see `amounts.ts`). */
export function amountIssues(provider: Provider, exchange: Exchange): string[] {
  if (provider !== 'iak') return [];
  let answered: Fields | undefined;
  try {
    answered = answerFields(provider, exchange);
  } catch {
    return [];
  }
  return answered ? iakAmountIssues(operationOfExchange(provider, exchange), answered) : [];
}

/** The checks of an exchange no schema can make: echoes, the answer's format and status, amounts. */
export function exchangeIssues(provider: Provider, exchange: Exchange): string[] {
  return [
    ...echoIssues(provider, exchange),
    ...answerFormatIssues(provider, exchange),
    ...statusIssues(provider, exchange),
    ...amountIssues(provider, exchange),
  ];
}
