/**
 * What a provider itself is evidenced to accept beyond the strict profile. A request schema whose
 * `x-tolerant` patch also carries `x-provider-accepts` (a sentence naming the provider's own document or
 * SDK) admits a form the provider accepts, so a simulator of that provider accepts it while the strict
 * profile, the one billerkit's clients send, stays as written. Every other tolerant relaxation is still
 * refused by such a simulator.
 */
import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { isPlainObject } from './merge-patch.js';
import type { Provider, ValidationResult } from './types.js';
import { validate } from './validators.js';

const COMPONENT_REF = '#/components/schemas/';

export interface ProviderAcceptance {
  /** The request component whose body can carry the form, e.g. `PayPascaRequest`. */
  component: string;
  /** JSON Pointer of the field inside that body, e.g. `/tr_id`. */
  path: string;
  /** The schema that carries `x-provider-accepts`, e.g. `RequestTrId` (or the component and path when inline). */
  schema: string;
  /** The tolerant patch's own explanation (`x-tolerant-why`). */
  why: string;
  /** The evidence that the provider accepts it (`x-provider-accepts`). */
  evidence: string;
}

/** A verdict in the provider's own terms: strict, plus the acceptances that let this body through. */
export interface ProviderVerdict extends ValidationResult {
  /** Acceptances this body relied on (empty when it meets the strict profile). */
  accepted: ProviderAcceptance[];
}

const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };
const cache = new Map<string, ProviderAcceptance[]>();

/** The acceptances reachable from one component, by the field path they apply to. */
export function providerAcceptances(provider: Provider, component: string): ProviderAcceptance[] {
  const key = `${provider}:${component}`;
  let found = cache.get(key);
  if (!found) {
    const schemas = documents[provider].components.schemas as Record<string, unknown>;
    found = [];
    walk(schemas, component, schemas[component], '', component, found, new Set());
    cache.set(key, found);
  }
  return found;
}

/** Every acceptance of a provider's request components (components named `…Request`), for docs. */
export function allProviderAcceptances(provider: Provider): ProviderAcceptance[] {
  return Object.keys(documents[provider].components.schemas)
    .filter((name) => name.endsWith('Request'))
    .flatMap((name) => providerAcceptances(provider, name));
}

function walk(
  schemas: Record<string, unknown>,
  component: string,
  node: unknown,
  path: string,
  label: string,
  out: ProviderAcceptance[],
  seen: Set<string>,
): void {
  if (!isPlainObject(node)) return;
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith(COMPONENT_REF)) {
    const name = ref.slice(COMPONENT_REF.length);
    const visit = `${name}@${path}`;
    if (seen.has(visit)) return;
    seen.add(visit);
    walk(schemas, component, schemas[name], path, name, out, seen);
  }
  const evidence = node['x-provider-accepts'];
  if (typeof evidence === 'string' && isPlainObject(node['x-tolerant'])) {
    const why = typeof node['x-tolerant-why'] === 'string' ? node['x-tolerant-why'] : '';
    if (!out.some((a) => a.path === path && a.schema === label)) out.push({ component, path, schema: label, why, evidence });
  }
  const properties = node['properties'];
  if (isPlainObject(properties)) {
    for (const [name, child] of Object.entries(properties))
      walk(schemas, component, child, `${path}/${name}`, `${component}${path}/${name}`, out, seen);
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[keyword];
    if (Array.isArray(list)) for (const item of list) walk(schemas, component, item, path, label, out, seen);
  }
}

function covers(acceptance: ProviderAcceptance, path: string): boolean {
  return path === acceptance.path || path.startsWith(`${acceptance.path}/`);
}

/**
 * Validates a request body as the provider is evidenced to take it: valid when it meets the strict profile,
 * or when it meets the tolerant one and every strict issue sits at a field whose form the provider accepts.
 * Otherwise the strict issues come back.
 */
export function validateAsProvider(provider: Provider, component: string, data: unknown): ProviderVerdict {
  const strict = validate(provider, component, 'strict', data);
  if (strict.valid) return { ...strict, accepted: [] };
  const acceptances = providerAcceptances(provider, component);
  const used = new Set<ProviderAcceptance>();
  for (const issue of strict.issues) {
    const acceptance = acceptances.find((a) => covers(a, issue.path));
    if (!acceptance) return { ...strict, accepted: [] };
    used.add(acceptance);
  }
  if (!validate(provider, component, 'tolerant', data).valid) return { ...strict, accepted: [] };
  return { valid: true, issues: [], accepted: [...used] };
}
