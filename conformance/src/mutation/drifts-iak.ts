/**
 * Ways IAK drifts under its clients, in its JSON and its `<mp>` XML form: answers about another request,
 * dropped and retyped fields, reworded texts, wrong status codes and content types, error pages, broken
 * bodies, a provider that stops refusing, and XML requests answered in another format.
 */
import { iakSign, iakSignInputOf } from '@billerkit/signing';
import { parseIakXml } from '@billerkit/validators';
import {
  changed,
  type Drift,
  type DriftContext,
  dropped,
  editIakData,
  editXml,
  htmlPage,
  iakCommand,
  iakDataEdit,
  isObject,
  isXmlRequest,
  otherId,
  redirect,
  retyped,
  truncated,
  unlabelledGzip,
  type WireAnswer,
  type WireRequest,
  withBody,
  withHeaders,
} from './drift.js';

const iakJson = (drift: Omit<Drift, 'provider' | 'format'>): Drift => ({ provider: 'iak', format: 'iak-json', ...drift });
const iakXml = (drift: Omit<Drift, 'provider' | 'format'>): Drift => ({ provider: 'iak', format: 'iak-xml', ...drift });

/** A JSON request of one of these commands (none named: any command). */
const json = (request: WireRequest, ...commands: string[]) => {
  const command = iakCommand(request);
  return command !== undefined && command !== 'receipt' && !isXmlRequest(request) && (commands.length === 0 || commands.includes(command));
};
const xml = (request: WireRequest, ...commands: string[]) => {
  const command = iakCommand(request);
  return command !== undefined && isXmlRequest(request) && (commands.length === 0 || commands.includes(command));
};

function bodyOf(request: WireRequest): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(request.body.toString('utf8')) as unknown;
    return isObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON body signed with the provider's real API key. */
function resign(body: Record<string, unknown>, context: DriftContext): Record<string, unknown> {
  const { username, apiKey } = context.credentials.iak;
  const extra = iakSignInputOf(body);
  return extra === undefined ? body : { ...body, sign: iakSign(username, apiKey, extra) };
}

const responseCode = (answer: WireAnswer): string | undefined => {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as unknown;
    const data = isObject(body) && isObject(body['data']) ? body['data'] : undefined;
    return typeof data?.['response_code'] === 'string' ? data['response_code'] : undefined;
  } catch {
    return undefined;
  }
};

/** Re-sends an inquiry refused as a duplicate (rc 11) under a fresh ref_id, answering as if for the original. */
async function inquireAgain(request: WireRequest, answer: WireAnswer, context: DriftContext): Promise<WireAnswer | undefined> {
  const body = bodyOf(request);
  if (!json(request, 'inq-pasca') || !body || responseCode(answer) !== '11') return undefined;
  const original = String(body['ref_id']);
  const again = await context.forward(
    withBody(request, JSON.stringify(resign({ ...body, ref_id: `${original.slice(0, 20)}AGAIN` }, context))),
  );
  return editIakData(again, (data) => {
    data['ref_id'] = original;
    return true;
  });
}

/** An `<mp>` element's text changed to another id of the same shape. */
const xmlId = (name: string) => (text: string) =>
  text.replace(new RegExp(`<${name}>([^<]+)</${name}>`), (_, value: string) => `<${name}>${otherId(value)}</${name}>`);

/** An XML answer rewritten as IAK's JSON envelope, the way a host answers when it ignores the request's format. */
function asJson(answer: WireAnswer): WireAnswer | undefined {
  if (!(answer.headers['content-type'] ?? '').includes('xml')) return undefined;
  const parsed = parseIakXml(answer.body.toString('utf8'), { form: 'response' }) as { data?: unknown };
  return {
    ...answer,
    headers: { ...answer.headers, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ data: parsed.data ?? parsed, meta: [] }), 'utf8'),
  };
}

function jsonDrifts(): Drift[] {
  return [
    iakJson({
      id: 'iak-echo-ref-id-inquiry',
      class: 'echo',
      quick: true,
      title: 'inq-pasca answers carry another ref_id',
      answer: iakDataEdit((request) => json(request, 'inq-pasca'), changed('ref_id')),
    }),
    iakJson({
      id: 'iak-echo-hp',
      class: 'echo',
      title: 'inq-pasca answers are about another customer number (hp)',
      answer: iakDataEdit((request) => json(request, 'inq-pasca'), changed('hp')),
    }),
    iakJson({
      id: 'iak-echo-code',
      class: 'echo',
      title: 'inq-pasca answers name another product code',
      answer: iakDataEdit((request) => json(request, 'inq-pasca'), changed('code')),
    }),
    iakJson({
      id: 'iak-echo-tr-id-pay',
      class: 'echo',
      title: 'pay-pasca answers are about another tr_id',
      answer: iakDataEdit((request) => json(request, 'pay-pasca'), changed('tr_id')),
    }),
    iakJson({
      id: 'iak-echo-ref-id-status',
      class: 'echo',
      title: 'checkstatus answers are about another ref_id',
      answer: iakDataEdit((request) => json(request, 'checkstatus'), changed('ref_id')),
    }),
    iakJson({
      id: 'iak-drop-tr-id',
      class: 'dropped field',
      title: 'inq-pasca answers drop tr_id',
      answer: iakDataEdit((request) => json(request, 'inq-pasca'), dropped('tr_id')),
    }),
    iakJson({
      id: 'iak-drop-pricelist',
      class: 'dropped field',
      title: 'pricelist-pasca answers drop the pasca list',
      answer: iakDataEdit((request) => json(request, 'pricelist-pasca'), dropped('pasca')),
    }),
    iakJson({
      id: 'iak-retype-price',
      class: 'retyped field',
      title: 'inq-pasca answers send price as a string',
      answer: iakDataEdit((request) => json(request, 'inq-pasca'), retyped('price', String)),
    }),
    iakJson({
      id: 'iak-retype-response-code',
      class: 'retyped field',
      title: 'answers send response_code as a number (00 → 0)',
      answer: iakDataEdit((request) => json(request), retyped('response_code', Number)),
    }),
    iakJson({
      id: 'iak-retype-status',
      class: 'retyped field',
      title: 'checkstatus answers send status as a string',
      answer: iakDataEdit(
        (request) => json(request, 'checkstatus'),
        retyped('status', String, (status) => typeof status === 'number'),
      ),
    }),
    iakJson({
      id: 'iak-swap-nominal-admin',
      class: 'amounts',
      title: 'inq-pasca answers swap nominal and admin (the price stays right)',
      answer: (request, answer) =>
        json(request, 'inq-pasca')
          ? editIakData(answer, (data) => {
              if (typeof data['nominal'] !== 'number' || typeof data['admin'] !== 'number' || data['nominal'] === data['admin'])
                return false;
              [data['nominal'], data['admin']] = [data['admin'], data['nominal']];
              return true;
            })
          : undefined,
    }),
    iakJson({
      id: 'iak-reword-message',
      class: 'reworded text',
      accepted: 'clients act on response_code alone; message is shown, never parsed (the pacts match it by type)',
      title: 'answers reword message',
      answer: iakDataEdit(
        (request) => json(request),
        retyped(
          'message',
          (text) => `${String(text).toLowerCase()}.`,
          (text) => typeof text === 'string',
        ),
      ),
    }),
    iakJson({
      id: 'iak-failure-http-500',
      class: 'status code',
      title: 'failure answers (response_code other than 00) come with HTTP 500',
      answer: (request, answer) => {
        const code = responseCode(answer);
        return json(request) && answer.status === 200 && code !== undefined && code !== '00' ? { ...answer, status: 500 } : undefined;
      },
    }),
    iakJson({
      id: 'iak-html-maintenance',
      class: 'error page',
      title: 'pay-pasca answered by an HTML maintenance page with HTTP 200',
      answer: (request) => (json(request, 'pay-pasca') ? htmlPage(200, 'Sedang dalam pemeliharaan') : undefined),
    }),
    iakJson({
      id: 'iak-receipt-octet-stream',
      class: 'content type',
      title: 'PDF receipts labelled application/octet-stream',
      answer: (request, answer) =>
        iakCommand(request) === 'receipt' && (answer.headers['content-type'] ?? '').includes('pdf')
          ? withHeaders(answer, { 'content-type': 'application/octet-stream' })
          : undefined,
    }),
    iakJson({
      id: 'iak-truncated-pricelist',
      class: 'body encoding',
      title: 'pricelist-pasca answers cut off halfway',
      answer: (request, answer) => (json(request, 'pricelist-pasca') ? truncated(answer) : undefined),
    }),
    iakJson({
      id: 'iak-redirect-checkstatus',
      class: 'redirect',
      title: 'checkstatus redirected (302) to a maintenance host',
      answer: (request) => (json(request, 'checkstatus') ? redirect(request) : undefined),
    }),
    iakJson({
      id: 'iak-sign-unchecked',
      class: 'signature',
      quick: true,
      title: 'the provider stops checking sign',
      request: (request, context) => {
        const body = json(request) ? bodyOf(request) : undefined;
        if (!body) return undefined;
        const signed = resign(body, context);
        return signed['sign'] !== body['sign'] ? withBody(request, JSON.stringify(signed)) : undefined;
      },
    }),
    iakJson({
      id: 'iak-duplicate-inquired-again',
      class: 'duplicate',
      title: 'an inq-pasca with a used ref_id is answered as new instead of refused (rc 11)',
      answer: inquireAgain,
    }),
  ];
}

function xmlDrifts(): Drift[] {
  return [
    iakXml({
      id: 'iak-xml-answered-json',
      class: 'format',
      quick: true,
      title: 'XML requests answered in JSON',
      answer: (request, answer) => (xml(request) ? asJson(answer) : undefined),
    }),
    iakXml({
      id: 'iak-xml-echo-ref-id',
      class: 'echo',
      title: 'XML inq-pasca answers carry another ref_id',
      answer: (request, answer) => (xml(request, 'inq-pasca') ? editXml(answer, xmlId('ref_id')) : undefined),
    }),
    iakXml({
      id: 'iak-xml-echo-tr-id',
      class: 'echo',
      title: 'XML pay-pasca answers are about another tr_id',
      answer: (request, answer) => (xml(request, 'pay-pasca') ? editXml(answer, xmlId('tr_id')) : undefined),
    }),
    iakXml({
      id: 'iak-xml-wrong-root',
      class: 'format',
      title: 'XML answers with <response> instead of <mp> as the root',
      answer: (request, answer) =>
        xml(request) ? editXml(answer, (text) => text.replace(/<mp>/, '<response>').replace(/<\/mp>\s*$/, '</response>')) : undefined,
    }),
    iakXml({
      id: 'iak-xml-content-type-html',
      class: 'content type',
      title: 'XML answers labelled text/html',
      answer: (request, answer) => (xml(request) ? withHeaders(answer, { 'content-type': 'text/html; charset=utf-8' }) : undefined),
    }),
    iakXml({
      id: 'iak-xml-unlabelled-gzip',
      class: 'body encoding',
      title: 'XML answers gzipped without Content-Encoding',
      answer: (request, answer) => (xml(request) ? unlabelledGzip(answer) : undefined),
    }),
    iakXml({
      id: 'iak-xml-drop-price',
      class: 'dropped field',
      title: 'XML inq-pasca answers drop <price>',
      answer: (request, answer) =>
        xml(request, 'inq-pasca') ? editXml(answer, (text) => text.replace(/<price>[^<]*<\/price>/, '')) : undefined,
    }),
  ];
}

export function iakDrifts(): Drift[] {
  return [...jsonDrifts(), ...xmlDrifts()];
}
