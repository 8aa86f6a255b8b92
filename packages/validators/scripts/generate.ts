/**
 * Writes src/generated/{espay,iak}.{js,d.ts}: ajv standalone code of the component schemas the clients validate,
 * in both profiles, compiled from the same `buildSchemaSet` as the ajv validators of the package root, so
 * a client bundle carries ready validation functions instead of the ajv compiler and the OpenAPI documents.
 * Run by `pnpm generate` (turbo runs it before build, typecheck and test); `src/generated.test.ts` fails
 * when the files differ from what this script makes now.
 *
 *   tsx scripts/generate.ts          write the files
 *   tsx scripts/generate.ts check    exit 1 when they are stale
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { espayOpenApi, iakOpenApi, type OpenApiDocument } from '@billerkit/specs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { branchComponents } from '../src/issues.js';
import { componentOf, espayOperations, iakCommands, iakOperations } from '../src/operations.js';
import { AJV_OPTIONS, buildSchemaSet } from '../src/schema-set.js';
import type { Profile, Provider } from '../src/types.js';

// Both are CommonJS with a default export; under NodeNext the callable sits on `.default`.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (
  ajv: Ajv2020,
  refsOrFunc: Record<string, string>,
) => string;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const documents: Record<Provider, OpenApiDocument> = { espay: espayOpenApi, iak: iakOpenApi };

/**
 * What the clients check. Espay: each operation's form body and answer. IAK: each `billCheck` command's
 * body and JSON answer, the XML answers (the branches of the operation's XML response), and the JSON receipt.
 */
function clientComponents(provider: Provider): string[] {
  const doc = documents[provider];
  const names: string[] = [];
  if (provider === 'espay') {
    for (const op of Object.values(espayOperations)) names.push(op.requestComponent ?? '', op.responseComponent ?? '');
  } else {
    for (const command of Object.values(iakCommands)) names.push(command.requestComponent, command.responseComponent);
    const billCheck = iakOperations['billCheck'];
    const post = billCheck
      ? (doc.paths[billCheck.path] as Record<string, { responses?: Record<string, { content?: unknown }> }>)['post']
      : undefined;
    const xmlAnswer = componentOf(post?.responses?.['200']?.content, 'application/xml');
    if (!xmlAnswer) throw new Error('iak: billCheck has no application/xml answer component');
    names.push(...branchComponents(doc.components.schemas[xmlAnswer]));
    names.push(iakOperations['downloadReceiptJson']?.responseComponent ?? '');
  }
  // closestBranchIssues runs a oneOf/anyOf component's branches one by one, so they are needed too.
  const all = new Set<string>();
  const add = (name: string): void => {
    if (!Object.hasOwn(doc.components.schemas, name)) throw new Error(`${provider}: no component schema "${name}"`);
    if (all.has(name)) return;
    all.add(name);
    for (const branch of branchComponents(doc.components.schemas[name])) add(branch);
  };
  for (const name of names) add(name);
  return [...all];
}

// No verdict depends on these; left in, the OpenAPI ones would have to be declared to ajv as keywords.
const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'xml',
  'externalDocs',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
// Keywords whose values are data, where a key spelled like an annotation is not one.
const DATA = new Set(['const', 'enum']);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    // `properties` maps field names, which may be spelled like annotations, to schemas.
    if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
      out[key] = Object.fromEntries(Object.entries(value as object).map(([name, child]) => [name, strip(child)]));
    } else out[key] = DATA.has(key) ? value : strip(value);
  }
  return out;
}

const schemaId = (provider: Provider, profile: Profile) => `https://billerkit.dev/schemas/${provider}/${profile}.json`;
const exportName = (profile: Profile, component: string) => `${profile}_${component}`;

/**
 * The components whose schema is the same in both profiles, down to every component they refer to: the
 * tolerant code calls their strict functions rather than carrying a second copy.
 */
function sameInBothProfiles(strict: Record<string, unknown>, tolerant: Record<string, unknown>): Set<string> {
  const refsOf = (schema: unknown) => [...JSON.stringify(schema).matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)].map((m) => m[1] ?? '');
  const same = new Set(Object.keys(strict).filter((name) => JSON.stringify(strict[name]) === JSON.stringify(tolerant[name])));
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of same) {
      if (refsOf(strict[name]).some((ref) => !same.has(ref))) {
        same.delete(name);
        changed = true;
      }
    }
  }
  return same;
}

/**
 * ajv standalone ESM code exporting `<profile>_<Component>` for every client component (a tolerant one only
 * where it differs from the strict one), and the names of those that are the same in both profiles.
 */
function compile(provider: Provider, components: readonly string[]): { code: string; same: Set<string> } {
  // The shared options except allErrors: the first error is enough for a client's message, the code is much
  // smaller, and the verdict is the same. Without inlined refs, a definition used in many places (amounts,
  // codes) is one function instead of a copy at each use.
  const ajv = new Ajv2020({
    ...AJV_OPTIONS,
    allErrors: false,
    inlineRefs: false,
    // Error messages in the code, so an issue reads like one of the root's.
    messages: true,
    code: { source: true, esm: true },
  });
  addFormats(ajv);
  const strictId = schemaId(provider, 'strict');
  const tolerantId = schemaId(provider, 'tolerant');
  const strict = strip(buildSchemaSet(documents[provider], strictId, 'strict')) as { $defs: Record<string, unknown> };
  const tolerant = strip(buildSchemaSet(documents[provider], tolerantId, 'tolerant')) as { $defs: Record<string, unknown> };
  const same = sameInBothProfiles(strict.$defs, tolerant.$defs);
  const shared = JSON.parse(
    JSON.stringify(tolerant).replace(/"\$ref":"#\/\$defs\/([^"]+)"/g, (ref, name: string) =>
      same.has(name) ? `"$ref":${JSON.stringify(`${strictId}#/$defs/${name}`)}` : ref,
    ),
  ) as Record<string, unknown>;
  ajv.addSchema(strict);
  ajv.addSchema(shared);
  const refs: Record<string, string> = {};
  for (const component of components) {
    refs[exportName('strict', component)] = `${strictId}#/$defs/${component}`;
    if (!same.has(component)) refs[exportName('tolerant', component)] = `${tolerantId}#/$defs/${component}`;
  }
  return { code: standaloneCode(ajv, refs), same };
}

/**
 * Standalone code still `require`s ajv's run-time helpers even in ESM form; they become imports, so ajv stays a
 * dependency for those few small files only (no compiler, no URI library).
 */
function toEsm(code: string): { imports: string[]; body: string } {
  const imports = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)((?:\.[A-Za-z_$][\w$]*|\["[^"]+"\])*)/g, (_match, specifier: string, access: string) => {
    if (!/^ajv(-formats)?\/dist\/[\w/]+$/.test(specifier)) throw new Error(`unexpected require("${specifier}") in ajv standalone code`);
    let local = imports.get(specifier);
    if (local === undefined) {
      local = `runtime${imports.size}`;
      imports.set(specifier, local);
    }
    return `${local}${access}`;
  });
  // The helpers are CommonJS with `exports.default`: Node (and esbuild in a "type": "module" package) give
  // `module.exports` as the default import, vite and Babel-style interop give `exports.default`. Taking the
  // namespace and undoing the second keeps the code's own `.default` right under both.
  const lines = [...imports].flatMap(([specifier, local]) => [
    `import * as ${local}Module from '${specifier}.js';`,
    `const ${local} = ${local}Module.default?.__esModule ? ${local}Module.default : ${local}Module;`,
  ]);
  return { imports: lines, body };
}

function inputsHash(provider: Provider): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(documents[provider]));
  for (const file of [
    '../scripts/generate.ts',
    '../src/schema-set.ts',
    '../src/merge-patch.ts',
    '../src/issues.ts',
    '../src/operations.ts',
  ]) {
    h.update('\0');
    h.update(readFileSync(new URL(file, import.meta.url)));
  }
  for (const pkg of ['ajv', 'ajv-formats']) {
    h.update('\0');
    h.update(readFileSync(fileURLToPath(import.meta.resolve(`${pkg}/package.json`))));
  }
  return h.digest('hex');
}

type FieldKey = { in?: unknown[]; notIn?: unknown[] };

/**
 * For each branch of a oneOf/anyOf component, its top-level fields that take a `const`/`enum` (or `not` one):
 * with only the first error of each branch, these tell which branch the data meant (see precompiled.ts).
 */
function branchKeys(defs: Record<string, unknown>, branches: Record<string, string[]>): Record<string, Record<string, FieldKey>> {
  type Node = { $ref?: string; const?: unknown; enum?: unknown[]; not?: Node; properties?: Record<string, Node>; allOf?: Node[] };
  const resolve = (node: Node | undefined): Node | undefined => {
    for (let i = 0; i < 8 && node?.$ref?.startsWith('#/$defs/'); i++) {
      const own = node;
      const target = defs[own.$ref!.slice('#/$defs/'.length)] as Node | undefined;
      // A $ref beside other keywords (`not`, `const`) keeps them: both apply.
      node = { ...target, ...Object.fromEntries(Object.entries(own).filter(([key]) => key !== '$ref')) } as Node;
      if (node.$ref === own.$ref) delete node.$ref;
    }
    return node;
  };
  const valuesOf = (node: Node | undefined) =>
    node?.const !== undefined ? [node.const] : Array.isArray(node?.enum) ? node.enum : undefined;
  const out: Record<string, Record<string, FieldKey>> = {};
  for (const branch of new Set(Object.values(branches).flat())) {
    const schema = resolve(defs[branch] as Node);
    const fields: Record<string, FieldKey> = {};
    for (const part of [schema, ...(schema?.allOf ?? []).map(resolve)]) {
      for (const [name, child] of Object.entries(part?.properties ?? {})) {
        const field = resolve(child);
        const allowed = valuesOf(field);
        const forbidden = valuesOf(resolve(field?.not));
        if (allowed) fields[name] = { ...fields[name], in: allowed };
        if (forbidden) fields[name] = { ...fields[name], notIn: forbidden };
      }
    }
    if (Object.keys(fields).length > 0) out[branch] = fields;
  }
  return out;
}

/**
 * The files src/generated/<provider>.js and .d.ts as this script makes them now. Plain JavaScript rather than
 * TypeScript: tsc would re-indent ajv's one-line code to nearly twice its size and add a source map of it, in
 * every installed copy; the build copies both files into dist/generated as they are.
 */
export function render(provider: Provider): { js: string; dts: string } {
  const doc = documents[provider];
  const components = clientComponents(provider);
  const { code, same } = compile(provider, components);
  const { imports, body } = toEsm(code);
  const local = body.replace(/^"use strict";/, '').replace(/\bexport const (\w+) = (validate\d+);/g, 'const $1 = $2;');
  const functionOf = (profile: Profile, c: string) => exportName(same.has(c) ? 'strict' : profile, c);
  const table = (profile: Profile) => `${profile}:{${components.map((c) => `${JSON.stringify(c)}:${functionOf(profile, c)}`).join(',')}}`;
  const branches = Object.fromEntries(
    components.map((c) => [c, branchComponents(doc.components.schemas[c])]).filter(([, list]) => list.length > 0),
  );
  const keys = branchKeys(
    (strip(buildSchemaSet(doc, schemaId(provider, 'strict'), 'strict')) as { $defs: Record<string, unknown> }).$defs,
    branches,
  );
  const header = [
    `// Generated by scripts/generate.ts from the ${provider} spec in @billerkit/specs (ajv standalone code). Do not edit: run \`pnpm generate\`.`,
    `// inputs sha256 ${inputsHash(provider)}`,
  ];
  const js = [
    ...header,
    ...imports,
    local.trim(),
    `/** @type {import('../precompiled.js').PrecompiledSet} */`,
    `export const ${provider}Precompiled = {branches:${JSON.stringify(branches)},keys:${JSON.stringify(keys)},${table('strict')},${table('tolerant')}};`,
    '',
  ].join('\n');
  const dts = [
    ...header,
    `import type { PrecompiledSet } from '../precompiled.js';`,
    '',
    `export declare const ${provider}Precompiled: PrecompiledSet;`,
    '',
  ].join('\n');
  return { js, dts };
}

export const PROVIDERS: readonly Provider[] = ['espay', 'iak'];

export function generatedFiles(provider: Provider): { js: URL; dts: URL } {
  return {
    js: new URL(`../src/generated/${provider}.js`, import.meta.url),
    dts: new URL(`../src/generated/${provider}.d.ts`, import.meta.url),
  };
}

/** Problems with src/generated as it is on disk; empty when it is what `render` makes now. */
export function staleness(): string[] {
  const problems: string[] = [];
  for (const provider of PROVIDERS) {
    const fresh = render(provider);
    for (const kind of ['js', 'dts'] as const) {
      const name = `src/generated/${provider}.${kind === 'js' ? 'js' : 'd.ts'}`;
      let current: string;
      try {
        current = readFileSync(generatedFiles(provider)[kind], 'utf8');
      } catch {
        problems.push(`${name} is missing`);
        continue;
      }
      const hashLine = (text: string) => text.split('\n')[1];
      if (hashLine(current) !== hashLine(fresh[kind])) problems.push(`${name}: inputs hash differs (spec, generator or ajv changed)`);
      else if (current !== fresh[kind]) problems.push(`${name}: content differs`);
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === 'check') {
    const problems = staleness();
    if (problems.length > 0) {
      console.error(`src/generated is stale (run pnpm generate):\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log('src/generated is up to date');
  } else {
    for (const provider of PROVIDERS) {
      const { js, dts } = render(provider);
      writeFileSync(generatedFiles(provider).js, js);
      writeFileSync(generatedFiles(provider).dts, dts);
    }
  }
}
