/**
 * The fixed corpus of requests in the shapes IAK's published SDKs send (`corpus/iak-sdk.json`): what each
 * entry is, how it is filled in for a target, and the spec's verdict on it. The stage (`stages/corpus.ts`)
 * replays it; the deviation ledger lists the entries refused on purpose, with their reasons.
 */
import { readFileSync } from 'node:fs';
import { IAK_SIGN_EXTRA, iakSign } from '@billerkit/signing';
import { iakCommands, parseIakXml, type ValidationIssue, validateAsProvider } from '@billerkit/validators';
import { type Route, routeOf } from '../routes.js';

export interface CorpusExpectation {
  status: number;
  /** The answer's `response_code`. */
  responseCode?: string;
  /** The answer's media type (receipts). */
  contentType?: string;
  /** A price-list answer must list products. */
  listsProducts?: boolean;
  /** For a refusal: the field the refusal names (in the spec's issues and the answer's `error_details`). */
  field?: string;
  /** For a refusal: why it is refused on purpose (listed in the deviation ledger). */
  reason?: string;
}

export interface CorpusEntry {
  name: string;
  /** Where the shape comes from (SDK file and function, or reference page). */
  source: string;
  note?: string;
  method: 'GET' | 'POST';
  path: string;
  contentType?: string;
  /** JSON body, with `{{username}}` and `{{sign}}` placeholders. */
  body?: Record<string, unknown>;
  /** XML body text, with the same placeholders. */
  xml?: string;
  /** Sandbox state set up first (needs the control API). */
  setup?: { state: string; params: Record<string, unknown> };
  expect: CorpusExpectation;
}

export const CORPUS_FILE = new URL('../../corpus/iak-sdk.json', import.meta.url);

export function loadCorpus(file: string | URL = CORPUS_FILE): CorpusEntry[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries: CorpusEntry[] }).entries;
}

export function isRefusal(entry: CorpusEntry): boolean {
  return entry.expect.status >= 400;
}

/** What goes over the wire for one target: placeholders filled in, signed as the SDK signs. */
export function renderBody(entry: CorpusEntry, credentials: { username: string; apiKey: string }): string | undefined {
  const fields = entry.body ?? (entry.xml ? (parseIakXml(entry.xml, { form: 'request' }) as Record<string, unknown>) : undefined);
  if (!fields) return undefined;
  const command = fields['commands'];
  const extra =
    command === 'inq-pasca'
      ? String(fields['ref_id'])
      : command === 'pay-pasca'
        ? String(fields['tr_id'])
        : command === 'checkstatus'
          ? IAK_SIGN_EXTRA.checkStatus
          : IAK_SIGN_EXTRA.pricelist;
  const sign = iakSign(credentials.username, credentials.apiKey, extra);
  const fill = (text: string) => text.replaceAll('{{username}}', credentials.username).replaceAll('{{sign}}', sign);
  return entry.body ? fill(JSON.stringify(entry.body)) : fill(entry.xml as string);
}

export interface SpecVerdict {
  route: Route | undefined;
  component?: string;
  valid: boolean;
  issues: ValidationIssue[];
  /** Fields let through by the provider's documented acceptance (x-provider-accepts). */
  accepted: string[];
}

/** The spec's verdict on an entry's request, as IAK is evidenced to take it (strict plus x-provider-accepts). */
export function specVerdict(entry: CorpusEntry, wireBody: string | undefined): SpecVerdict {
  const route = routeOf('iak', entry.method, entry.path);
  if (!route || wireBody === undefined) return { route, valid: route !== undefined, issues: [], accepted: [] };
  const data = (entry.xml ? parseIakXml(wireBody, { form: 'request' }) : JSON.parse(wireBody)) as Record<string, unknown>;
  const command = String(data['commands']);
  const component = route.operationId === 'pricelistByType' ? 'PricelistTypeRequest' : iakCommands[command]?.requestComponent;
  if (!component)
    return { route, valid: false, issues: [{ path: '/commands', keyword: 'enum', message: `unknown command ${command}` }], accepted: [] };
  const verdict = validateAsProvider('iak', component, data);
  return {
    route,
    component,
    valid: verdict.valid,
    issues: verdict.issues,
    accepted: verdict.accepted.map((a) => `${a.path} (${a.schema})`),
  };
}
