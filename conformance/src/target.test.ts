/**
 * `--target`: the suite against a SECOND sandbox, started as its own process through the sandbox CLI and
 * reached only over HTTP with its credentials in the environment, as if it were a remote host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CREDENTIALS } from '@billerkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from './suite.js';
import { CREDENTIAL_ENV } from './target.js';
import { CONFORMANCE_DIR, runCli, type SandboxProcess, startRewritingProxy, startSandboxProcess } from './test-support.js';

const credentialsEnv = {
  [CREDENTIAL_ENV.espay.senderId]: DEFAULT_CREDENTIALS.espay.senderId,
  [CREDENTIAL_ENV.espay.password]: DEFAULT_CREDENTIALS.espay.password,
  [CREDENTIAL_ENV.espay.signatureKey]: DEFAULT_CREDENTIALS.espay.signatureKey,
  [CREDENTIAL_ENV.espay.basicUser]: DEFAULT_CREDENTIALS.espay.basicAuth.username,
  [CREDENTIAL_ENV.espay.basicPassword]: DEFAULT_CREDENTIALS.espay.basicAuth.password,
  [CREDENTIAL_ENV.iak.username]: DEFAULT_CREDENTIALS.iak.username,
  [CREDENTIAL_ENV.iak.apiKey]: DEFAULT_CREDENTIALS.iak.apiKey,
};

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

async function providerRequests(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/__sandbox/health`)).json()) as { requests: number };
  return health.requests;
}

describe('--target against a sandbox in another process', () => {
  let remote: SandboxProcess;

  beforeAll(async () => {
    remote = await startSandboxProcess(['--deterministic', '--iak-stateless']);
    cleanups.push(() => remote.stop());
  });

  it('refuses unknown targets and missing credentials before sending anything', async () => {
    const before = await providerRequests(remote.url);
    const unknown = await runCli(CONFORMANCE_DIR, ['--target', `xendit=${remote.url}`], { ...process.env, ...credentialsEnv });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"xendit": unknown target');
    expect(unknown.stderr).toContain('Nothing was sent.');
    const env: NodeJS.ProcessEnv = { ...process.env, ...credentialsEnv };
    delete env[CREDENTIAL_ENV.espay.signatureKey];
    delete env[CREDENTIAL_ENV.espay.basicPassword];
    const missing = await runCli(CONFORMANCE_DIR, ['--target', `espay=${remote.url}`, '--target', `iak=${remote.url}`], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing credentials; set BILLERKIT_ESPAY_SIGNATURE_KEY, BILLERKIT_ESPAY_BASIC_PASSWORD');
    expect(missing.stderr).not.toContain(DEFAULT_CREDENTIALS.espay.password);
    expect(await providerRequests(remote.url)).toBe(before);
  });

  it('the CLI passes consumer, verification and scenarios against it, with provider states over HTTP', async () => {
    const result = await runCli(
      CONFORMANCE_DIR,
      [
        '--target',
        `espay=${remote.url}`,
        '--target',
        `iak=${remote.url}`,
        '--stage',
        'consumer,verify,scenarios',
        '--pacts',
        tempDir('conformance-remote-pacts-'),
        '--reports',
        tempDir('conformance-remote-reports-'),
      ],
      { ...process.env, ...credentialsEnv },
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`remote target: espay ${remote.url}, iak ${remote.url}; provider states available`);
    expect(result.stdout).toMatch(/Provider verification\s+(\d+)\s+\1\s+0\s+0/);
    expect(result.stdout).toMatch(/Scenarios\s+(\d+)\s+\1\s+0\s+0/);
    expect(result.stdout).not.toContain(DEFAULT_CREDENTIALS.espay.signatureKey);
    expect(await providerRequests(remote.url)).toBeGreaterThan(100);
  });
});

describe('--target against a host without the sandbox state API', () => {
  it('verifies what needs no provider state and skips the rest with the reason', async () => {
    const fresh = await startSandboxProcess(['--deterministic', '--iak-stateless']);
    cleanups.push(() => fresh.stop());
    // What a real provider host looks like from here: the providers' paths, no /__sandbox routes.
    const host = await startRewritingProxy(fresh.url, { hide: (path) => path.startsWith('/__sandbox') });
    cleanups.push(() => host.close());
    const { result } = await runConformance({
      targets: [`espay=${host.url}`, `iak=${host.url}`],
      env: credentialsEnv,
      stages: ['consumer', 'verify', 'scenarios'],
      reportsDir: false,
      stageOptions: { consumer: { pactDir: tempDir('conformance-nostate-pacts-') } },
    });
    expect(result.target.stateApi).toBe(false);
    const failures = result.stages.flatMap((s) =>
      s.checks.filter((c) => c.status === 'failed').map((c) => `${s.id} ${c.name}: ${c.message}`),
    );
    expect(failures).toEqual([]);
    const verify = result.stages.find((s) => s.id === 'verify');
    const skipped = verify?.checks.filter((c) => c.status === 'skipped') ?? [];
    expect(skipped.length).toBeGreaterThan(10);
    expect(skipped[0]?.message).toContain('/__sandbox/state');
    expect(skipped.some((c) => c.operation === 'paymentReport')).toBe(true);
    // Test numbers and test orders need no set-up, so they are verified for real.
    expect(verify?.checks.filter((c) => c.status === 'passed' && c.operation === 'inq-pasca').length).toBeGreaterThanOrEqual(4);
    expect(verify?.checks.filter((c) => c.status === 'passed' && c.operation === 'inquiryTransaction').length).toBeGreaterThanOrEqual(5);
    const scenarios = result.stages.find((s) => s.id === 'scenarios');
    expect(scenarios?.checks.filter((c) => c.status === 'skipped' && c.name.startsWith('test order')).length).toBe(10);
    const numbers = scenarios?.checks.filter((c) => c.name.startsWith('test number')) ?? [];
    expect(numbers.filter((c) => c.status === 'passed').length).toBeGreaterThan(50);
    // Without the state API nobody can top the deposit up: once it runs out, payments are skipped, saying why.
    for (const check of numbers.filter((c) => c.status === 'skipped')) expect(check.message).toContain('development deposit');
  });

  it('only the given provider is tested; the other is skipped with the reason', async () => {
    const fresh = await startSandboxProcess(['--deterministic', '--iak-stateless']);
    cleanups.push(() => fresh.stop());
    const { result } = await runConformance({
      targets: [`iak=${fresh.url}`],
      env: { [CREDENTIAL_ENV.iak.username]: DEFAULT_CREDENTIALS.iak.username, [CREDENTIAL_ENV.iak.apiKey]: DEFAULT_CREDENTIALS.iak.apiKey },
      stages: ['scenarios'],
      reportsDir: false,
    });
    const checks = result.stages[0]?.checks ?? [];
    expect(checks.find((c) => c.provider === 'espay')).toMatchObject({ status: 'skipped', message: 'no --target espay=URL given' });
    expect(checks.filter((c) => c.provider === 'iak' && c.status === 'passed').length).toBeGreaterThan(100);
    expect(result.passed).toBe(true);
  });
});
