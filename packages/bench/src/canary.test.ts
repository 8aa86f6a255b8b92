/**
 * Secret canaries: unique random credentials for both providers (new on every run, with characters that
 * change under URL, form and base64 encoding), given to a sandbox and to the clients. The whole conformance
 * suite runs against that sandbox (`--target`, credentials in the environment as conformance/README.md
 * says), and so does the chaos run with every client debug line captured. Then logs, error messages, pact
 * files, reports and snapshots are scanned: no secret may appear in any spelling (secrets-scan.ts). A
 * planted secret in a copy of the same material must be found, so the scan is known to bite.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosReport, runChaos } from './chaos.js';
import { describeFindings, type Needle, needlesFor, scanDirectory, scanText } from './secrets-scan.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

// Random per run. `+ / = & % # :` change under URL encoding, the space and `*` also differ between URL and
// form encoding, and base64 changes everything: every spelling is a different string to look for.
const CREDENTIALS = {
  espay: {
    senderId: `CANARY${hex(3).toUpperCase()}`,
    password: `pw+/=&%# *${hex(8)}`,
    signatureKey: `sk+/=&%# *:${hex(12)}`,
    basicAuth: { username: `canary-${hex(4)}`, password: `bp+/=&%# *:${hex(10)}` },
  },
  iak: { username: `0812${String(Number.parseInt(hex(3), 16)).padStart(8, '0')}`, apiKey: `ak+/=&%# *${hex(12)}` },
};
const SECRETS = [
  { name: 'Espay password', value: CREDENTIALS.espay.password },
  { name: 'Espay signature key', value: CREDENTIALS.espay.signatureKey },
  { name: 'Espay Basic password', value: CREDENTIALS.espay.basicAuth.password },
  { name: 'IAK API key', value: CREDENTIALS.iak.apiKey },
];
const needles: Needle[] = needlesFor(SECRETS, CREDENTIALS.espay.basicAuth);

let sandbox: Sandbox;
let work: string;
const sandboxLog: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'billerkit-canary-'));
  sandbox = await startSandbox({
    credentials: CREDENTIALS,
    logger: { error: (message, details) => sandboxLog.push(`${message} ${JSON.stringify(details)}`) },
  });
});

afterAll(async () => {
  await sandbox?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  output: string;
}

/** The conformance CLI (as `pnpm conformance` runs it) against the canary sandbox. */
function runConformanceCli(reportsDir: string, pactsDir: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FORCE_COLOR: '0',
    BILLERKIT_ESPAY_SENDER_ID: CREDENTIALS.espay.senderId,
    BILLERKIT_ESPAY_PASSWORD: CREDENTIALS.espay.password,
    BILLERKIT_ESPAY_SIGNATURE_KEY: CREDENTIALS.espay.signatureKey,
    BILLERKIT_ESPAY_BASIC_USER: CREDENTIALS.espay.basicAuth.username,
    BILLERKIT_ESPAY_BASIC_PASSWORD: CREDENTIALS.espay.basicAuth.password,
    BILLERKIT_IAK_USERNAME: CREDENTIALS.iak.username,
    BILLERKIT_IAK_API_KEY: CREDENTIALS.iak.apiKey,
  };
  const args = [
    '--import',
    'tsx',
    'src/cli.ts',
    '--target',
    `espay=${sandbox.url}`,
    '--target',
    `iak=${sandbox.url}`,
    '--reports',
    reportsDir,
    '--pacts',
    pactsDir,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: join(REPO, 'conformance'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the scanner', () => {
  it('finds every spelling of every canary, and nothing in clean text', () => {
    const forms = new Set(needles.map((n) => n.form));
    for (const form of ['plain', 'url-encoded', 'form-encoded', 'base64', 'Basic base64(user:password)']) expect(forms).toContain(form);
    for (const needle of needles) {
      const found = scanText('planted', `prefix ${needle.text} suffix`, needles);
      expect(found.some((f) => f.secret === needle.secret && f.form === needle.form)).toBe(true);
    }
    expect(scanText('clean', 'password=[REDACTED]&signature=[REDACTED] Authorization: Basic [REDACTED]', needles)).toEqual([]);
  });
});

describe('secret canaries through conformance and chaos', () => {
  let conformance: CliRun;
  let chaos: ChaosReport;
  const debugLines: string[] = [];

  it('runs the whole conformance suite against a sandbox holding the canaries', async () => {
    conformance = await runConformanceCli(join(work, 'reports'), join(work, 'pacts'));
    // 0 = all passed, 1 = a check failed (still a complete run); 2 would be a usage or target error.
    expect([0, 1], conformance.output.slice(-3_000)).toContain(conformance.code);
    // The suite really talked to the canary sandbox with the canary credentials.
    expect(conformance.output).toMatch(/Provider verification/);
    expect(conformance.output).toContain(sandbox.url);
    expect(readdirSync(join(work, 'pacts')).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
    expect(readdirSync(join(work, 'reports')).length).toBeGreaterThan(0);
    const table = conformance.output
      .split('\n')
      .filter((line) => /^(stage|Spec lint|Recorded samples|Pact consumer|Provider verification|Scenarios|total)\b/.test(line));
    console.info(`canary conformance run (exit ${conformance.code}):\n${table.join('\n')}`);
  });

  it('runs the chaos payments with the canaries and every client debug line captured', async () => {
    chaos = await runChaos({
      credentials: CREDENTIALS,
      logger: { debug: (message, meta) => debugLines.push(`${message} ${JSON.stringify(meta ?? {})}`) },
      sandboxLogger: { error: (message, details) => sandboxLog.push(`${message} ${JSON.stringify(details)}`) },
    });
    expect(chaos.violations).toEqual([]);
    expect(debugLines.length).toBeGreaterThan(1_000);
    // The lines carry request bodies and headers, redacted: the secrets were there to leak.
    expect(debugLines.filter((line) => line.includes('[REDACTED]')).length).toBeGreaterThan(500);
  });

  it('finds no canary in logs, error messages, pact files, reports or snapshots', () => {
    const texts: Array<[string, string]> = [
      ['conformance output', conformance.output],
      ['client debug log (chaos)', debugLines.join('\n')],
      ['sandbox error log', sandboxLog.join('\n')],
      ['chaos error messages', chaos.records.map((r) => r.error ?? '').join('\n')],
      ['chaos results (references)', JSON.stringify(chaos.records)],
    ];
    const findings = texts.flatMap(([where, text]) => scanText(where, text, needles));
    const dirs = [
      join(work, 'reports'),
      join(work, 'pacts'),
      join(REPO, 'conformance', 'pacts'),
      join(REPO, 'conformance', 'reports'),
      ...snapshotDirs(join(REPO, 'packages')),
      ...snapshotDirs(join(REPO, 'conformance')),
    ];
    let files = 0;
    for (const dir of dirs) {
      const scanned = scanDirectory(dir, needles);
      files += scanned.files;
      findings.push(...scanned.findings);
    }
    expect(describeFindings(findings)).toEqual([]);
    expect(files).toBeGreaterThan(3);
    console.info(
      `canary: ${needles.length} spellings of ${SECRETS.length} secrets; ${texts.length} logs (${debugLines.length} debug lines) and ${files} files scanned; 0 found`,
    );
  });

  it('bites: a canary planted in a copy of the same material is found, in every spelling', () => {
    const pactFile = readdirSync(join(work, 'pacts')).find((f) => f.endsWith('.json'))!;
    const pact = readFileSync(join(work, 'pacts', pactFile), 'utf8');
    const copy = join(work, 'planted');
    rmSync(copy, { recursive: true, force: true });
    for (const [i, needle] of needles.entries()) {
      const at = Math.floor(pact.length / 2);
      const planted = join(copy, `${i}`);
      writeFileSync(join(work, `planted-${i}.json`), `${pact.slice(0, at)}${needle.text}${pact.slice(at)}`);
      const inFile = scanDirectory(join(work, `planted-${i}.json`), needles).findings;
      expect(
        inFile.some((f) => f.secret === needle.secret && f.form === needle.form),
        `${needle.secret} ${needle.form} in a pact copy (${planted})`,
      ).toBe(true);
      const log = debugLines.slice(0, 50).join('\n');
      expect(scanText('log copy', `${log}\n${needle.text}\n`, needles).some((f) => f.form === needle.form)).toBe(true);
    }
  });
});

function snapshotDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 5) return;
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (name === '__snapshots__') out.push(path);
      else walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}
