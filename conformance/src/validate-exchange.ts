import {
  espayOperations,
  formatIssues,
  iakCommands,
  iakOperations,
  parseFormBody,
  parseIakXml,
  type Profile,
  validate,
} from '@billerkit/validators';
import type { Exchange, Provider } from './model.js';

function mediaType(headers: Record<string, string>): string {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return value.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The spec's operationId (Espay) or command (IAK) an exchange belongs to, for naming it in reports. */
export function operationOfExchange(provider: Provider, exchange: Exchange): string {
  const path = new URL(exchange.request.url).pathname;
  if (provider === 'espay') {
    return Object.values(espayOperations).find((op) => path.endsWith(op.path))?.operationId ?? path;
  }
  if (/\/api\/v1\/download\/[^/]+\/1\/?$/.test(path)) return 'downloadReceiptJson';
  if (/\/api\/v1\/download\/[^/]+\/?$/.test(path)) return 'downloadReceipt';
  if (/\/api\/v1\/bill\/check\/[^/]+\/?$/.test(path)) return 'pricelistByType';
  return iakCommandOf(exchange) ?? iakOperations['billCheck']?.operationId ?? path;
}

function iakCommandOf(exchange: Exchange): string | undefined {
  const type = mediaType(exchange.request.headers);
  try {
    if (type.includes('xml'))
      return String((parseIakXml(exchange.request.body, { form: 'request' }) as Record<string, unknown>)['commands']);
    if (type.includes('json')) return String((JSON.parse(exchange.request.body) as Record<string, unknown>)['commands']);
  } catch {
    return undefined;
  }
  return undefined;
}

interface Message {
  label: string;
  component: string;
  data: unknown;
  profile: Profile;
}

/**
 * Which component schema each side of an exchange must satisfy, and the decoded data to check.
 *
 * XML messages are checked in the tolerant profile: XML text has no types, and the strict profile
 * states the documented JSON types (`nominal` a number), which an `<mp>` document cannot carry. The
 * tolerant patches exist for exactly that; everything else (field names, patterns, required fields)
 * is the same in both profiles.
 */
function messagesOf(provider: Provider, exchange: Exchange, checkRequest: boolean): { messages: Message[]; problems: string[] } {
  const messages: Message[] = [];
  const problems: string[] = [];
  const operation = operationOfExchange(provider, exchange);
  const { request, response } = exchange;
  const requestType = mediaType(request.headers);
  const responseType = response ? mediaType(response.headers) : '';

  if (provider === 'espay') {
    const op = espayOperations[operation];
    if (!op) return { messages, problems: [`no Espay operation has the path ${new URL(request.url).pathname}`] };
    if (op.requestComponent && checkRequest)
      messages.push({
        label: `${operation} request`,
        component: op.requestComponent,
        data: parseFormBody(request.body),
        profile: 'strict',
      });
    if (response) {
      const component = response.status === 401 ? 'UnauthorizedResponse' : op.responseComponent;
      if (!responseType.includes('json'))
        problems.push(`${operation} response: Content-Type ${responseType || '(none)'}, the spec says application/json`);
      else if (component) messages.push({ label: `${operation} response`, component, data: JSON.parse(response.body), profile: 'strict' });
    }
    return { messages, problems };
  }

  const xmlRequest = requestType.includes('xml');
  if (operation === 'downloadReceipt' || operation === 'downloadReceiptJson') {
    if (response && response.status === 200) {
      if (responseType.includes('xml')) {
        const parsed = parseIakXml(response.body, { form: 'response' }) as { data?: unknown };
        messages.push({ label: `${operation} response`, component: 'ReceiptErrorResult', data: parsed.data, profile: 'tolerant' });
      } else if (operation === 'downloadReceiptJson') {
        messages.push({ label: `${operation} response`, component: 'ReceiptResponse', data: JSON.parse(response.body), profile: 'strict' });
      } else if (responseType !== 'application/pdf') {
        problems.push(`${operation} response: Content-Type ${responseType || '(none)'}, the spec says application/pdf or application/xml`);
      }
    }
    return { messages, problems };
  }

  const command = operation === 'pricelistByType' ? 'pricelist-pasca' : operation;
  const schemas = iakCommands[command];
  if (!schemas) return { messages, problems: [`unknown IAK command ${JSON.stringify(command)}`] };
  const requestComponent = operation === 'pricelistByType' ? 'PricelistTypeRequest' : schemas.requestComponent;
  const requestData = xmlRequest ? parseIakXml(request.body, { form: 'request' }) : JSON.parse(request.body);
  if (checkRequest)
    messages.push({
      label: `${operation} request`,
      component: requestComponent,
      data: requestData,
      profile: xmlRequest ? 'tolerant' : 'strict',
    });
  if (response) {
    if (response.status === 400) {
      messages.push({
        label: `${operation} response (HTTP 400)`,
        component: 'BillCheckBadRequest',
        data: JSON.parse(response.body),
        profile: 'strict',
      });
    } else if (responseType.includes('xml')) {
      const parsed = parseIakXml(response.body, { form: 'response' }) as { data?: unknown };
      // The XML form has no envelope; pricelist keeps <data>, the others put the fields under <mp>.
      const xmlComponent =
        command === 'pricelist-pasca' ? 'PricelistPascaXmlResponse' : schemas.responseComponent.replace(/Response$/, 'Result');
      messages.push({
        label: `${operation} response (XML)`,
        component: xmlComponent,
        data: command === 'pricelist-pasca' ? parsed : parsed.data,
        profile: 'tolerant',
      });
    } else if (responseType.includes('json')) {
      const component = operation === 'pricelistByType' ? 'PricelistTypeResponse' : schemas.responseComponent;
      messages.push({ label: `${operation} response`, component, data: JSON.parse(response.body), profile: 'strict' });
    } else {
      problems.push(`${operation} response: Content-Type ${responseType || '(none)'}, the spec says application/json or application/xml`);
    }
  }
  return { messages, problems };
}

/**
 * Checks both sides of a recorded exchange against the spec and returns one line per violation, naming
 * the operation, the component and the field (`paymentReport response PaymentReportResponse: /amount must be string`).
 * `checkRequest: false` checks the answer only (a caller that judged the request its own way).
 */
export function validateExchange(
  provider: Provider,
  exchange: Exchange,
  { checkRequest = true }: { checkRequest?: boolean } = {},
): string[] {
  let decoded: ReturnType<typeof messagesOf>;
  try {
    decoded = messagesOf(provider, exchange, checkRequest);
  } catch (error) {
    return [
      `${operationOfExchange(provider, exchange)}: cannot decode the exchange: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
  const issues = [...decoded.problems];
  for (const message of decoded.messages) {
    const result = validate(provider, message.component, message.profile, message.data);
    if (!result.valid) issues.push(`${message.label} ${message.component} (${message.profile}): ${formatIssues(result.issues)}`);
  }
  return issues;
}
