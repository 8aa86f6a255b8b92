// Turns the hand-written YAML specs and their JSON catalogues into dist/*.json, the form every package loads.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
mkdirSync(dist, { recursive: true });

const files = {
  'espay.openapi.json': 'espay/openapi.yaml',
  'iak.openapi.json': 'iak/openapi.yaml',
  'espay.error-codes.json': 'espay/error-codes.json',
  'espay.products.json': 'espay/products.json',
  'iak.response-codes.json': 'iak/response-codes.json',
  'iak.status-values.json': 'iak/status-values.json',
  'iak.test-numbers.json': 'iak/test-numbers.json',
};

for (const [out, source] of Object.entries(files)) {
  const url = new URL(source, root);
  if (!existsSync(url)) throw new Error(`specs: ${source} is missing`);
  const text = readFileSync(url, 'utf8');
  const value = source.endsWith('.yaml') ? parse(text, { maxAliasCount: -1 }) : JSON.parse(text);
  writeFileSync(new URL(out, dist), `${JSON.stringify(value, null, 2)}\n`);
}
