import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import type { Provider } from './model.js';

export interface Route {
  operationId: string;
  /** The declared path, e.g. `/api/v1/bill/check/{type}`. */
  template: string;
}

const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };

function templateRegex(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+')}$`);
}

/**
 * The operation a request line reaches in the provider's spec, the way a spec-driven router picks it: a
 * declared path spelled exactly wins over a templated one, and a path parameter is never empty. Undefined
 * when the spec declares no such path and method.
 */
export function routeOf(provider: Provider, method: string, path: string): Route | undefined {
  const paths = documents[provider].paths;
  const bare = path.split('?')[0] ?? path;
  const candidates = Object.keys(paths).sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')));
  for (const template of candidates) {
    if (template === bare || (template.includes('{') && templateRegex(template).test(bare))) {
      const operation = paths[template]?.[method.toLowerCase()] as { operationId?: string } | undefined;
      if (operation?.operationId) return { operationId: operation.operationId, template };
    }
  }
  return undefined;
}

/** Method and path of an `httpHead` request line (`POST /rest/… HTTP/1.1`), if it has one. */
export function requestLine(httpHead: string): { method: string; path: string } | undefined {
  const match = /^([A-Z]+) (\/\S*) HTTP\/\d\.\d/.exec(httpHead.trimStart());
  return match ? { method: match[1] as string, path: match[2] as string } : undefined;
}
