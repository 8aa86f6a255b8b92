import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProviderStateName } from '@billerkit/pact';
import { DEFAULT_CREDENTIALS } from '@billerkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countChecks } from './model.js';
import { consumerSecrets, pactFileName } from './pact/common.js';
import { type ConformanceRun, runConformance } from './suite.js';

const dirs: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the whole suite against the embedded sandbox', () => {
  let run: ConformanceRun;
  let output = '';
  let pactDir: string;
  let publishDir: string;
  let reportsDir: string;
  let seconds: number;

  beforeAll(async () => {
    pactDir = temp('conformance-e2e-pacts-');
    publishDir = temp('conformance-e2e-published-');
    reportsDir = temp('conformance-e2e-reports-');
    const started = performance.now();
    run = await runConformance({
      reportsDir,
      stageOptions: { consumer: { pactDir, publishDir } },
      write: (text) => {
        output += text;
      },
    });
    seconds = (performance.now() - started) / 1000;
  });

  it('passes every stage, each with real checks', () => {
    const failures = run.result.stages.flatMap((stage) =>
      stage.checks.filter((c) => c.status === 'failed').map((c) => `${stage.id}: ${c.name}: ${c.message}`),
    );
    expect(failures).toEqual([]);
    expect(run.result.stages.map((s) => [s.id, s.status])).toEqual([
      ['lint', 'passed'],
      ['samples', 'passed'],
      ['consumer', 'passed'],
      ['verify', 'passed'],
      ['scenarios', 'passed'],
      ['corpus', 'passed'],
    ]);
    const counts = Object.fromEntries(run.result.stages.map((s) => [s.id, countChecks(s.checks)]));
    expect(counts['lint']?.passed).toBe(2);
    expect(counts['samples']?.passed).toBeGreaterThan(50);
    expect(counts['consumer']?.passed).toBeGreaterThanOrEqual(40);
    expect(counts['verify']?.passed).toBe((counts['consumer']?.passed ?? 0) - 2); // all interactions; the two secret scans are consumer-only
    expect(counts['scenarios']?.passed).toBeGreaterThan(100);
    expect(counts['corpus']?.passed).toBeGreaterThanOrEqual(50);
    expect(run.result.passed).toBe(true);
    console.log(
      `conformance e2e: ${seconds.toFixed(1)} s, ${Object.entries(counts)
        .map(([id, c]) => `${id} ${c.passed}/${c.total}`)
        .join(', ')}`,
    );
  });

  it('covers every operation of both specs in the consumer, verification and scenario stages', () => {
    const operations = (id: string) =>
      new Set(run.result.stages.find((s) => s.id === id)?.checks.map((c) => `${c.provider} ${c.operation}`));
    const wanted = [
      'espay inquiryTransaction',
      'espay paymentReport',
      'espay getTransactionInfo',
      'espay getBalance',
      'espay getRegisteredProducts',
      'iak inq-pasca',
      'iak pay-pasca',
      'iak checkstatus',
      'iak pricelist-pasca',
      'iak pricelistByType',
      'iak downloadReceipt',
      'iak downloadReceiptJson',
    ];
    for (const id of ['consumer', 'verify'])
      expect(
        [...wanted].filter((op) => !operations(id).has(op)),
        id,
      ).toEqual([]);
    const scenarioOps = operations('scenarios');
    for (const op of [
      'espay inquiryTransaction',
      'espay paymentReport',
      'espay getTransactionInfo',
      'iak inq-pasca',
      'iak pay-pasca',
      'iak checkstatus',
    ]) {
      expect(scenarioOps.has(op), op).toBe(true);
    }
  });

  it('prints progress and the summary table, and writes the reports', () => {
    for (const line of ['[1/6] Spec lint', '[3/6] Pact consumer tests', '[5/6] Scenarios', '[6/6] IAK SDK corpus', 'stage ', 'Reports: '])
      expect(output).toContain(line);
    expect(output).toMatch(/total\s+\d+\s+\d+\s+0\s+0\s+[\d.]+ s\s+passed/);
    expect(readdirSync(reportsDir).sort()).toEqual(['junit.xml', 'report.html', 'results.json', 'summary.md']);
    expect(readFileSync(join(reportsDir, 'junit.xml'), 'utf8')).toMatch(
      /<testsuites name="billerkit conformance" tests="\d+" failures="0"/,
    );
  });

  it('writes and publishes both pact files, with no credential and no Basic header in them', () => {
    const secrets = [
      ...consumerSecrets(),
      DEFAULT_CREDENTIALS.espay.password,
      DEFAULT_CREDENTIALS.espay.signatureKey,
      DEFAULT_CREDENTIALS.espay.basicAuth.password,
      Buffer.from(`${DEFAULT_CREDENTIALS.espay.basicAuth.username}:${DEFAULT_CREDENTIALS.espay.basicAuth.password}`).toString('base64'),
      DEFAULT_CREDENTIALS.iak.apiKey,
    ];
    for (const provider of ['espay', 'iak'] as const) {
      const file = join(publishDir, pactFileName(provider));
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text).toBe(readFileSync(join(pactDir, pactFileName(provider)), 'utf8'));
      for (const secret of secrets) expect(text.includes(secret), `pact file holds ${secret.slice(0, 3)}…`).toBe(false);
      const pact = JSON.parse(text) as {
        interactions: { providerStates?: { name: string; params?: Record<string, unknown> }[] }[];
        metadata: { pactSpecification: { version: string } };
      };
      expect(pact.metadata.pactSpecification.version).toBe('3.0.0');
      // Provider states are the typed names of @billerkit/pact, the test order or test number in their parameters.
      const states = pact.interactions.flatMap((i) => i.providerStates ?? []);
      expect(states.filter((s) => !isProviderStateName(s.name))).toEqual([]);
      expect(states.some((s) => typeof s.params?.['order_id'] === 'string' || typeof s.params?.['hp'] === 'string')).toBe(true);
    }
  });

  it('keeps every secret out of the reports', () => {
    const secrets = [
      DEFAULT_CREDENTIALS.espay.password,
      DEFAULT_CREDENTIALS.espay.signatureKey,
      DEFAULT_CREDENTIALS.espay.basicAuth.password,
      DEFAULT_CREDENTIALS.iak.apiKey,
    ];
    for (const name of readdirSync(reportsDir)) {
      const text = readFileSync(join(reportsDir, name), 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${name} holds ${secret.slice(0, 3)}…`).toBe(false);
    }
    expect(output.includes(DEFAULT_CREDENTIALS.espay.password)).toBe(false);
  });
});

describe('the IAK test-number generation', () => {
  it('follows the embedded sandbox: the newer generation runs its own matrix', async () => {
    const { result } = await runConformance({ stages: ['scenarios'], reportsDir: false, sandbox: { iakTestNumberGeneration: 'newer' } });
    const stage = result.stages[0];
    expect(stage?.notes).toContain('IAK: 108 published test numbers of the newer generation');
    expect(stage?.checks.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`)).toEqual([]);
    // Newer-generation numbers end in the response code: 530000001039 is the pending payment.
    expect(stage?.checks.some((c) => c.name.startsWith('test number PLNPOSTPAID 530000001039') && c.operation === 'pay-pasca')).toBe(true);
  });
});
