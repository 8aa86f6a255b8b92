/**
 * Helpers for the suite's own tests: a second sandbox as a separate process, a rewriting proxy in front
 * of a sandbox (a provider that answers wrongly), and a copy of the workspace with a modified spec.
 * Everything listens on loopback, on ephemeral ports, and is closed by the caller.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const CONFORMANCE_DIR = join(REPO_DIR, 'conformance');

export interface SandboxProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the sandbox CLI (`packages/sandbox/dist/cli.js`) as its own process and waits for its URL. */
export function startSandboxProcess(args: readonly string[] = ['--deterministic', '--iak-stateless']): Promise<SandboxProcess> {
  const cli = join(REPO_DIR, 'packages', 'sandbox', 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`sandbox process did not start: ${err || out}`));
    }, 15_000);
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1].replace(/\/+$/, ''),
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox process exited with ${code}: ${err || out}`));
    });
  });
}

export interface RewritingProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of `upstream` that can rewrite provider answers (a provider that sends the
 * wrong thing) and hide routes (a provider without the sandbox control API).
 */
export async function startRewritingProxy(
  upstream: string,
  options: { rewrite?: (path: string, body: string) => string; hide?: (path: string) => boolean } = {},
): Promise<RewritingProxy> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (options.hide?.(path)) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          let body = Buffer.concat(chunks);
          if (options.rewrite && /json|xml/.test(String(upstreamRes.headers['content-type'] ?? ''))) {
            body = Buffer.from(options.rewrite(path, body.toString('utf8')), 'utf8');
          }
          const headers = { ...upstreamRes.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(upstreamRes.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function link(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  symlinkSync(realpathSync(from), to);
}

export interface WorkspaceCopy {
  dir: string;
  conformanceDir: string;
  remove(): void;
}

/**
 * A copy of the parts of the workspace the spec-facing stages read, with `mutate` applied to the Espay
 * spec (both the YAML and the built JSON the validators load). The copied conformance sources resolve
 * `@billerkit/validators` and `@billerkit/specs` to the copies; everything else links to the real packages.
 */
export function workspaceCopy(mutate: (spec: Record<string, unknown>) => void): WorkspaceCopy {
  const dir = mkdtempSync(join(tmpdir(), 'billerkit-workspace-copy-'));
  const real = (...parts: string[]) => join(REPO_DIR, ...parts);

  // specs: sources and built JSON, the Espay spec mutated in both
  const specs = join(dir, 'specs');
  for (const part of ['package.json', '.redocly.lint-ignore.yaml', 'dist', 'espay', 'iak'])
    cpSync(real('specs', part), join(specs, part), { recursive: true });
  link(real('specs', 'node_modules'), join(specs, 'node_modules'));
  const jsonFile = join(specs, 'dist', 'espay.openapi.json');
  const spec = JSON.parse(readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  mutate(spec);
  writeFileSync(jsonFile, JSON.stringify(spec, null, 2));
  // YAML is a superset of JSON: the mutated document replaces the YAML source, so lint sees the same change.
  writeFileSync(join(specs, 'espay', 'openapi.yaml'), JSON.stringify(spec, null, 2));

  // validators: the built package, resolving the copied specs
  const validators = join(dir, 'packages', 'validators');
  for (const part of ['package.json', 'dist']) cpSync(real('packages', 'validators', part), join(validators, part), { recursive: true });
  for (const dep of ['ajv', 'ajv-formats'])
    link(real('packages', 'validators', 'node_modules', dep), join(validators, 'node_modules', dep));
  link(specs, join(validators, 'node_modules', '@billerkit', 'specs'));

  // conformance: sources, samples and ledger; dependencies linked
  const conformance = join(dir, 'conformance');
  for (const part of ['src', 'samples', 'corpus', 'DEVIATIONS.md', 'package.json', 'tsconfig.json'])
    cpSync(real('conformance', part), join(conformance, part), { recursive: true });
  cpSync(real('tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  const modules = join(conformance, 'node_modules');
  link(validators, join(modules, '@billerkit', 'validators'));
  link(specs, join(modules, '@billerkit', 'specs'));
  for (const name of ['core', 'espay', 'iak', 'pact', 'sandbox', 'signing'])
    link(real('conformance', 'node_modules', '@billerkit', name), join(modules, '@billerkit', name));
  for (const name of ['@pact-foundation', 'tsx', 'yaml']) link(real('conformance', 'node_modules', name), join(modules, name));
  return { dir, conformanceDir: conformance, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the conformance CLI of `conformanceDir` as a process; resolves with its exit code and output. */
export function runCli(
  conformanceDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(conformanceDir, 'src', 'cli.ts'), ...args], {
      cwd: conformanceDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
