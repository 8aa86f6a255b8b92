/**
 * The conformance bin as an app's CI meets it, from the packed tarballs installed in the temporary app of
 * pack-smoke.test.ts (which calls this inside its suite, so the one install serves both).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from './exec.js';
import { output, stopGroup, waitForLine } from './packed-app.js';

interface InstalledApp {
  project: string;
  env: NodeJS.ProcessEnv;
}

const conformance = (app: InstalledApp, args: string[], env: NodeJS.ProcessEnv = app.env) =>
  run('npx', ['--no', '--', 'billerkit-conformance', ...args], { cwd: app.project, env: { ...env, NODE_OPTIONS: '' } });

/** Credentials of a separately started sandbox, as the conformance CLI reads them from the environment. */
async function sandboxCredentialEnv(app: InstalledApp): Promise<Record<string, string>> {
  const script = "import('@billerkit/sandbox').then((m) => console.log(JSON.stringify(m.DEFAULT_CREDENTIALS)))";
  const result = await run(process.execPath, ['-e', script], { cwd: app.project, env: app.env });
  expect(result.code, output(result)).toBe(0);
  const { espay, iak } = JSON.parse(result.stdout) as {
    espay: { senderId: string; password: string; signatureKey: string; basicAuth: { username: string; password: string } };
    iak: { username: string; apiKey: string };
  };
  return {
    BILLERKIT_ESPAY_SENDER_ID: espay.senderId,
    BILLERKIT_ESPAY_PASSWORD: espay.password,
    BILLERKIT_ESPAY_SIGNATURE_KEY: espay.signatureKey,
    BILLERKIT_ESPAY_BASIC_USER: espay.basicAuth.username,
    BILLERKIT_ESPAY_BASIC_PASSWORD: espay.basicAuth.password,
    BILLERKIT_IAK_USERNAME: iak.username,
    BILLERKIT_IAK_API_KEY: iak.apiKey,
  };
}

export function conformanceBinTests(installed: () => InstalledApp): void {
  it('billerkit-conformance: --help lists stages, options and variables; a bad argument exits 2 with one line', async () => {
    const app = installed();
    const help = await conformance(app, ['--help']);
    expect(help.code, output(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: billerkit-conformance \[options\]/);
    for (const text of [
      'lint, samples, consumer, verify, scenarios',
      '--target espay=URL',
      '--out DIR',
      'BILLERKIT_ESPAY_SIGNATURE_KEY',
      'BILLERKIT_IAK_API_KEY',
    ]) {
      expect(help.stdout).toContain(text);
    }
    const bad = await conformance(app, ['--stage', 'nonsense']);
    expect(bad.code).toBe(2);
    // One line from the CLI; npx may add its own `npm warn` lines about the caller's npm configuration.
    const lines = bad.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('npm warn '));
    expect(lines).toEqual([expect.stringContaining('unknown stage "nonsense"')]);
  });

  it('billerkit-conformance: with no target it starts the embedded sandbox, passes, and writes JUnit to ./billerkit-reports', async () => {
    const app = installed();
    const result = await conformance(app, []);
    expect(result.code, output(result)).toBe(0);
    expect(result.stdout).toContain('embedded sandbox');
    const junit = readFileSync(join(app.project, 'billerkit-reports', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="billerkit conformance" tests="\d+" failures="0"/);
    // Nothing is written into the installed package.
    const pkg = join(app.project, 'node_modules', '@billerkit', 'conformance');
    expect(existsSync(join(pkg, 'reports'))).toBe(false);
    expect(existsSync(join(pkg, 'billerkit-reports'))).toBe(false);
  });

  it('billerkit-conformance: against a separately started billerkit-sandbox passes, and fails naming the checks with a wrong key', async () => {
    const app = installed();
    const credentials = await sandboxCredentialEnv(app);
    // --iak-stateless: IAK's own test host answers its test numbers the same every time, and the suite (the SDK
    // corpus above all) inquires numbers that the scenarios have paid.
    const sandbox = spawn('npx', ['--no', '--', 'billerkit-sandbox', '--port', '0', '--deterministic', '--iak-stateless'], {
      cwd: app.project,
      env: app.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await waitForLine(sandbox, /^billerkit-sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/m, 'billerkit-sandbox');
      const targets = ['--target', `espay=${url}`, '--target', `iak=${url}`, '--out', join(app.project, 'remote-reports')];
      const good = await conformance(app, targets, { ...app.env, ...credentials });
      expect(good.code, output(good)).toBe(0);
      expect(good.stdout).toContain('remote target');

      const wrong = await conformance(app, [...targets, '--stage', 'verify'], {
        ...app.env,
        ...credentials,
        BILLERKIT_ESPAY_SIGNATURE_KEY: 'not-the-sandbox-key',
      });
      expect(wrong.code, output(wrong)).toBe(1);
      expect(wrong.stdout).toMatch(/✗ .*inquir/);
      expect(wrong.stdout).not.toContain('not-the-sandbox-key');
    } finally {
      await stopGroup(sandbox);
    }
  });
}
