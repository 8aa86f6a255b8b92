/**
 * The suite must bite: each test breaks one thing on a copy or through an option (never the real files)
 * and expects the matching stage to fail with a message that names the operation and the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEspayClient, type EspayClientOptions } from '@billerkit/espay';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedTarget } from './embedded.js';
import type { Check, StageResult } from './model.js';
import { runSuite } from './runner.js';
import { STAGES } from './stages/index.js';
import { runConformance } from './suite.js';
import { httpControl, secretsOf, type Target } from './target.js';
import { runCli, startRewritingProxy, workspaceCopy } from './test-support.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function failed(stage: StageResult | undefined): Check[] {
  return stage?.checks.filter((check) => check.status === 'failed') ?? [];
}

describe('a copy of the spec with a changed pattern', () => {
  it('fails the samples stage, naming the sample, the component and the field', async () => {
    const copy = workspaceCopy((spec) => {
      const schemas = (spec['components'] as { schemas: Record<string, Record<string, unknown>> }).schemas;
      const rsDatetime = schemas['RsDatetime'];
      if (!rsDatetime) throw new Error('the Espay spec has no RsDatetime schema');
      // Slashes instead of dashes: every documented answer's rs_datetime now breaks the strict profile.
      rsDatetime['pattern'] = '^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}$';
    });
    cleanups.push(() => copy.remove());
    const result = await runCli(copy.conformanceDir, ['--stage', 'samples', '--reports', join(copy.dir, 'reports')]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/✗ espay\/[\w.-]+\.sample\.json #\d response InquiryTransactionResponse/);
    expect(result.stdout).toContain('strict: expected pass, got fail: /rs_datetime must match pattern "^\\d{4}/\\d{2}/\\d{2}');
    expect(result.stdout).toMatch(/Recorded samples\s+\d+\s+\d+\s+[1-9]\d*\s+0/);
  });
});

describe('a client that sends the wrong thing', () => {
  const consumerOnly = async (espayClient: (options: EspayClientOptions) => ReturnType<typeof createEspayClient>) => {
    const target = await embeddedTarget();
    cleanups.push(() => target.close());
    const result = await runSuite({
      target,
      stages: STAGES,
      only: ['consumer'],
      stageOptions: { consumer: { pactDir: tempDir('conformance-broken-client-'), providers: ['espay'], espayClient } },
    });
    return result.stages[0];
  };

  it('with a wrong base path fails the consumer stage, naming the operation and the path', async () => {
    const stage = await consumerOnly((options) => createEspayClient({ ...options, baseUrl: `${options.baseUrl}/v2` }));
    expect(stage?.status).toBe('failed');
    const inquiry = failed(stage).find((c) => c.operation === 'inquiryTransaction');
    expect(inquiry?.message).toContain('espay inquiryTransaction');
    expect(inquiry?.message).toContain('/v2/rest/biller/inquirytransaction');
    // A failing consumer run never publishes: the secret scan reports a missing or partial pact instead.
    expect(failed(stage).length).toBeGreaterThan(15);
  });

  it('with an altered body fails the consumer stage, naming the operation and the field', async () => {
    const stage = await consumerOnly((options) =>
      createEspayClient({
        ...options,
        // Real HTTP underneath; only the product code in the form body is changed on the way out.
        fetch: async (input, init) => {
          const request = new Request(input, init);
          const body = (await request.text()).replace('product_code=SPBFRE', 'product_code=SPBXPL');
          return fetch(request.url, { method: request.method, headers: request.headers, body });
        },
      }),
    );
    expect(stage?.status).toBe('failed');
    const payment = failed(stage).find((c) => c.operation === 'paymentReport');
    expect(payment?.message).toContain('espay paymentReport');
    expect(payment?.message).toMatch(/\$\.product_code: Expected form post parameter 'product_code' with value 'SPBFRE' but was 'SPBXPL'/);
    // Operations without a product code are untouched and still pass.
    expect(stage?.checks.find((c) => c.operation === 'getBalance')?.status).toBe('passed');
  });
});

describe('a provider that answers wrongly', () => {
  it('a sandbox with a fault on paymentreport fails verification and scenarios, naming paymentReport', async () => {
    const { result } = await runConformance({
      stages: ['consumer', 'verify', 'scenarios'],
      reportsDir: false,
      sandbox: { faults: [{ fault: 'malformed-body', probability: 1, path: '/rest/biller/paymentreport' }] },
      stageOptions: { consumer: { pactDir: tempDir('conformance-fault-'), providers: ['espay'] }, verify: { providers: ['espay'] } },
    });
    const [consumer, verify, scenarios] = result.stages;
    expect(consumer?.status).toBe('passed');
    expect(verify?.status).toBe('failed');
    expect(new Set(failed(verify).map((c) => c.operation))).toEqual(new Set(['paymentReport']));
    expect(failed(verify)[0]?.message).toContain('espay paymentReport: espay-biller did not honour');
    expect(failed(verify)[0]?.exchanges?.[0]?.request.url).toContain('/rest/biller/paymentreport');
    expect(scenarios?.status).toBe('failed');
    expect(failed(scenarios).every((c) => c.provider === 'espay')).toBe(true);
    expect(
      failed(scenarios)
        .map((c) => c.message)
        .join('\n'),
    ).toContain('espay paymentReport');
    // Everything else is unaffected.
    expect(verify?.checks.filter((c) => c.operation !== 'paymentReport').every((c) => c.status === 'passed')).toBe(true);
    expect(scenarios?.checks.filter((c) => c.provider === 'iak').every((c) => c.status === 'passed')).toBe(true);
  });

  it('a sandbox whose inquiry answers a wrongly formatted bill_amount fails verification and scenarios, naming the operation and field', async () => {
    const sandbox: Sandbox = await startSandbox({ deterministic: true, iakStatelessTestNumbers: true });
    cleanups.push(() => sandbox.close());
    const proxy = await startRewritingProxy(sandbox.url, {
      // The documentation's "150.000,00" style instead of the digit string every sample shows.
      rewrite: (path, body) =>
        path === '/rest/biller/inquirytransaction' ? body.replace(/"bill_amount":"(\d+)(\d\d)"/, '"bill_amount":"$1,$2"') : body,
    });
    cleanups.push(() => proxy.close());
    const control = httpControl(sandbox.url);
    const target: Target = {
      description: { kind: 'remote', espay: proxy.url, iak: proxy.url, stateApi: true },
      espay: { baseUrl: proxy.url, credentials: sandbox.credentials.espay, control },
      iak: { baseUrl: proxy.url, credentials: sandbox.credentials.iak, control },
      missing: {},
      secrets: secretsOf(sandbox.credentials.espay, sandbox.credentials.iak),
      close: async () => {},
    };
    const result = await runSuite({
      target,
      stages: STAGES,
      only: ['consumer', 'verify', 'scenarios'],
      stageOptions: { consumer: { pactDir: tempDir('conformance-wrong-'), providers: ['espay'] }, verify: { providers: ['espay'] } },
    });
    const [, verify, scenarios] = result.stages;
    expect(verify?.status).toBe('failed');
    const verifyFailure = failed(verify).find((c) => c.operation === 'inquiryTransaction');
    expect(verifyFailure?.message).toMatch(/espay inquiryTransaction: .*\n.*\$\.bill_amount/);
    expect(scenarios?.status).toBe('failed');
    const scenarioText = failed(scenarios)
      .map((c) => c.message)
      .join('\n');
    expect(scenarioText).toContain(
      'espay inquiryTransaction response InquiryTransactionResponse (strict): /bill_amount must match pattern',
    );
    const withExchange = failed(scenarios).find((c) => c.exchanges?.some((e) => e.issues?.length));
    expect(withExchange?.exchanges?.some((e) => /"bill_amount":"\d+,\d\d"/.test(e.response?.body ?? ''))).toBe(true);
  });
});

describe('the spec lint stage', () => {
  it('fails on a copy of the spec with a broken reference', async () => {
    const copy = workspaceCopy((spec) => {
      const paths = spec['paths'] as Record<
        string,
        Record<string, { requestBody: { content: Record<string, { schema: Record<string, string> }> } }>
      >;
      const body = paths['/rest/biller/inquirytransaction']?.['post']?.requestBody.content['application/x-www-form-urlencoded'];
      if (!body) throw new Error('no inquiry request body');
      body.schema = { $ref: '#/components/schemas/NoSuchSchema' };
    });
    cleanups.push(() => copy.remove());
    const target = {
      description: { kind: 'embedded' as const, espay: '', iak: '', stateApi: false },
      missing: {},
      secrets: [],
      close: async () => {},
    };
    const result = await runSuite({
      target,
      stages: STAGES,
      only: ['lint'],
      stageOptions: { lint: { specsDir: join(copy.dir, 'specs') } },
    });
    const espay = result.stages[0]?.checks.find((c) => c.provider === 'espay');
    expect(espay?.status).toBe('failed');
    expect(espay?.message).toMatch(/no-unresolved-refs at #\/paths\/~1rest~1biller~1inquirytransaction\/post\/requestBody/);
    expect(result.stages[0]?.checks.find((c) => c.provider === 'iak')?.status).toBe('passed');
  });
});
