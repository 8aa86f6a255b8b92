/**
 * Prism (`@stoplight/prism-cli`) in proxy mode in front of the embedded sandbox, fed the IAK SDK corpus:
 * which requests does a spec-driven validating proxy flag? Prism reports what it finds in the
 * `sl-violations` header of each answer and passes the request through (no `--errors`).
 *
 *   pnpm --filter @billerkit/conformance prism       prints one line per corpus entry and a verdict
 *
 * Prism reads two documents: the committed spec (`committed`), whose strict schemas are billerkit's own
 * contract, and the same spec with the forms IAK is evidenced to accept applied (`provider`: every
 * `x-tolerant` patch that carries `x-provider-accepts`), which is how IAK itself takes requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox } from '@billerkit/sandbox';
import { iakOpenApi } from '@billerkit/specs';
import { applyMergePatch } from '@billerkit/validators';
import { type CorpusEntry, loadCorpus, renderBody } from '../corpus/corpus.js';

export type PrismSpec = 'committed' | 'provider';

export interface PrismFlag {
  entry: CorpusEntry;
  status: number;
  /** Prism's violations, `location: message`, request and response. */
  violations: string[];
}

/** The document with every patch that carries `x-provider-accepts` applied where it sits. */
export function providerView(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(providerView);
  if (!node || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  const patched =
    typeof record['x-provider-accepts'] === 'string' && record['x-tolerant']
      ? (applyMergePatch(record, record['x-tolerant']) as Record<string, unknown>)
      : record;
  return Object.fromEntries(
    Object.entries(patched).map(([key, value]) => [key, key.startsWith('x-') || key === 'examples' ? value : providerView(value)]),
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Prism's CLI run by this Node directly (no shell shim), so stopping the child stops Prism. */
async function startPrism(specFile: string, upstream: string): Promise<{ url: string; child: ChildProcess }> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');
  const port = await freePort();
  const child = spawn(process.execPath, [main, 'proxy', specFile, upstream, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 120 s: ${output.slice(-2000)}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Prism is listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}: ${output.slice(-2000)}`));
    });
  });
  // Prism logs every request; keep draining its output so it never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `http://127.0.0.1:${port}`, child };
}

function violationsOf(header: string | null): string[] {
  if (!header) return [];
  try {
    return (JSON.parse(header) as Array<{ location?: string[]; message?: string }>).map(
      (v) => `${(v.location ?? []).join('.')}: ${v.message ?? '?'}`,
    );
  } catch {
    return [header];
  }
}

/** Replays the corpus through Prism (proxy) → embedded sandbox, in order, and returns what Prism flagged. */
export async function runPrismCorpus(spec: PrismSpec): Promise<PrismFlag[]> {
  const dir = mkdtempSync(join(tmpdir(), 'billerkit-prism-'));
  const specFile = join(dir, 'iak.openapi.json');
  writeFileSync(specFile, JSON.stringify(spec === 'provider' ? providerView(iakOpenApi) : iakOpenApi));
  const sandbox = await startSandbox({ deterministic: true, logger: { error: () => {} } });
  let prism: { url: string; child: ChildProcess } | undefined;
  try {
    prism = await startPrism(specFile, sandbox.url);
    sandbox.setState('iak', 'balance', { balanceMinor: '100000000000' });
    const flags: PrismFlag[] = [];
    for (const entry of loadCorpus()) {
      if (entry.setup) sandbox.setState('iak', entry.setup.state, entry.setup.params);
      const body = renderBody(entry, sandbox.credentials.iak);
      const headers: Record<string, string> = entry.method === 'POST' ? { 'content-type': entry.contentType ?? 'application/json' } : {};
      const response = await fetch(`${prism.url}${entry.path}`, { method: entry.method, headers, ...(body === undefined ? {} : { body }) });
      await response.arrayBuffer();
      flags.push({ entry, status: response.status, violations: violationsOf(response.headers.get('sl-violations')) });
    }
    return flags;
  } finally {
    prism?.child.kill('SIGTERM');
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && new URL(`file://${process.argv[1]}`).pathname === new URL(import.meta.url).pathname;
if (isMain) {
  for (const spec of ['provider', 'committed'] as const) {
    const flags = await runPrismCorpus(spec);
    const flagged = flags.filter((f) => f.violations.length > 0);
    process.stdout.write(`\nPrism proxy, ${spec} spec: ${flags.length} requests, ${flagged.length} flagged\n`);
    for (const flag of flagged) {
      process.stdout.write(
        `  ${flag.entry.xml ? 'XML ' : 'JSON'} HTTP ${flag.status} ${flag.entry.name}\n      ${flag.violations.join('\n      ')}\n`,
      );
    }
  }
}
