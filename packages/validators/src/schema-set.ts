import type { OpenApiDocument } from '@billerkit/specs';
import { applyMergePatch, isPlainObject } from './merge-patch.js';
import type { Profile } from './types.js';

export type { Profile, Provider } from './types.js';

const COMPONENT_REF = '#/components/schemas/';

/**
 * The ajv options every validator of the specs is compiled with: the run-time ones (src/validators.ts), the
 * precompiled ones (scripts/generate.ts, which adds only code-size options) and the benchmark's. One list, so
 * their verdicts cannot drift apart; the generated code's inputs hash covers this file.
 */
export const AJV_OPTIONS = { strict: true, allErrors: true, allowUnionTypes: true, discriminator: true, strictRequired: false } as const;

/**
 * Builds one JSON Schema 2020-12 document holding every component schema of a spec under `$defs`,
 * in the requested profile. OpenAPI component refs are rewritten to `$defs` refs so ajv can resolve them.
 */
export function buildSchemaSet(doc: OpenApiDocument, id: string, profile: Profile): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    defs[name] = transform(schema, profile);
  }
  return { $id: id, $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: defs };
}

function transform(node: unknown, profile: Profile): unknown {
  if (Array.isArray(node)) return node.map((item) => transform(item, profile));
  if (!isPlainObject(node)) return node;
  let current: Record<string, unknown> = node;
  if (profile === 'tolerant' && isPlainObject(node['x-tolerant'])) {
    current = applyMergePatch(node, node['x-tolerant']) as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current)) {
    if (key === 'x-tolerant' && profile === 'tolerant') continue;
    if (key === 'discriminator' && isPlainObject(value)) {
      // ajv implements discriminator from the branches' `const`s and refuses `mapping`, which only repeats them.
      const { mapping: _mapping, ...rest } = value;
      out[key] = rest;
      continue;
    }
    if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_REF)) {
      out[key] = `#/$defs/${value.slice(COMPONENT_REF.length)}`;
    } else if (isAnnotationValue(key)) {
      out[key] = value;
    } else {
      out[key] = transform(value, profile);
    }
  }
  return out;
}

// Values of these keywords are data, not subschemas; walking them could misread a sample as a patch.
function isAnnotationValue(key: string): boolean {
  return (
    key === 'examples' ||
    key === 'example' ||
    key === 'const' ||
    key === 'enum' ||
    key === 'default' ||
    key.startsWith('x-') ||
    key === 'xml'
  );
}

/** Every `x-…` keyword used anywhere in the document, so ajv strict mode can know them as annotations. */
export function extensionKeywords(doc: OpenApiDocument): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isPlainObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('x-')) found.add(key);
        walk(value);
      }
    }
  };
  walk(doc.components.schemas);
  return [...found].sort();
}

/**
 * The keywords ajv strict mode must know as annotations to compile the document's schemas: OpenAPI's own
 * (`xml`, `externalDocs`, `example`) and every `x-…` keyword used (see {@link extensionKeywords}).
 */
export function annotationKeywords(doc: OpenApiDocument): string[] {
  return ['xml', 'externalDocs', 'example', ...extensionKeywords(doc)];
}
