import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EspayTestClient } from './espay/espay.test.helpers.js';
import { ESPAY_TEST_ORDERS } from './espay/test-orders.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cliSource = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs the CLI from source (tsx loader, the same code tsc puts in dist/cli.js). */
function launch(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', cliSource, ...args], { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] });
}

function collect(child: ChildProcessWithoutNullStreams) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { out, exited };
}

async function waitFor(read: () => string, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('billerkit-sandbox CLI', () => {
  it('is declared as the package bin and starts with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    // A committed stub that loads dist/cli.js, so a workspace install can link the bin before the first build.
    expect(pkg.bin['billerkit-sandbox']).toBe('./bin/billerkit-sandbox.js');
    const stub = readFileSync(new URL('../bin/billerkit-sandbox.js', import.meta.url), 'utf8');
    expect(stub.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(stub).toMatch(/^import '\.\.\/dist\/cli\.js';$/m);
    expect(readFileSync(cliSource, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the URL, credentials and test tables, serves requests and stops cleanly on SIGINT', async () => {
    const child = launch(['--port', '0', '--deterministic', '--iak-generation', 'newer']);
    const { out, exited } = collect(child);
    try {
      const [, url] = await waitFor(() => out.stdout, /^billerkit-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
      await waitFor(() => out.stdout, /Press Ctrl\+C to stop\./);
      expect(out.stdout).toMatch(/senderId=SANDBOX password=\S+ signatureKey=\S+/);
      expect(out.stdout).toMatch(/iak {4}username=\S+ apiKey=\S+/);
      for (const order of ESPAY_TEST_ORDERS) expect(out.stdout).toContain(order.orderId);
      expect(out.stdout).toContain('IAK test numbers (generation "newer")');
      expect(out.stdout).toContain('deterministic (clock 2025-01-01T03:00:00.000Z)');

      const sandbox = {
        url: url as string,
        credentials: {
          espay: {
            senderId: 'SANDBOX',
            password: (out.stdout.match(/ password=(\S+)/) as RegExpMatchArray)[1] as string,
            signatureKey: (out.stdout.match(/signatureKey=(\S+)/) as RegExpMatchArray)[1] as string,
            basicAuth: (() => {
              const [username, password] = ((out.stdout.match(/basicAuth=(\S+)/) as RegExpMatchArray)[1] as string).split(':');
              return { username: username as string, password: password as string };
            })(),
          },
          iak: { username: '', apiKey: '' },
        },
      };
      const client = new EspayTestClient(sandbox);
      const answer = await client.balance();
      expect(answer.body).toMatchObject({ error_code: '0000', balance: '10000000.00', rs_datetime: '2025-01-01 10:00:00' });
      expect(client.violations()).toEqual([]);

      child.kill('SIGINT');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(out.stdout).toContain('SIGINT, stopping');
      expect(out.stderr).toBe('');
      await expect(fetch(`${url}/__sandbox/health`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops on SIGTERM too', async () => {
    const child = launch([]);
    const { out, exited } = collect(child);
    try {
      await waitFor(() => out.stdout, /Press Ctrl\+C to stop\./);
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses bad arguments with exit code 2 and a busy port with exit code 1', async () => {
    for (const args of [['--port', 'abc'], ['--iak-generation', 'old'], ['--bogus'], ['--seed', 'x']]) {
      const { out, exited } = collect(launch(args));
      expect((await exited).code, args.join(' ')).toBe(2);
      expect(out.stderr).toContain('Usage: billerkit-sandbox');
    }
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const { out, exited } = collect(launch(['--port', String(port)]));
      expect((await exited).code).toBe(1);
      expect(out.stderr).toMatch(/could not start: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const { out, exited } = collect(launch(['--help']));
    expect((await exited).code).toBe(0);
    expect(out.stdout).toContain('--iak-generation');
  });
});
