/**
 * The suite must catch a drifting provider. The quick subset of drifts runs here on every change (the
 * full set: `pnpm conformance:mutation`): each is killed, by verification and scenarios alike, and the
 * drift table reaches the reports. The proxy and the refusal check are tested on their own too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEspayClient } from '@billerkit/espay';
import { type Sandbox, startSandbox } from '@billerkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingFetch } from '../capture.js';
import { expectRefusal } from '../scenarios/harness.js';
import { runConformance } from '../suite.js';
import { allDrifts, type DriftVerdict } from './run.js';
import { startMutatingProxy } from './proxy.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A small subset, one per kind of check it proves: an echo, a refusal met by silence, IAK's echo, XML answered in JSON. */
const CI_DRIFTS = ['espay-echo-rq-uuid', 'espay-hang-on-bad-signature', 'iak-echo-ref-id-inquiry', 'iak-xml-answered-json'];

describe('the drift catalogue', () => {
  it('has at least 30 drifts over both providers and both IAK formats, unique ids, reasons for the accepted ones', () => {
    const drifts = allDrifts();
    expect(drifts.length).toBeGreaterThanOrEqual(30);
    expect(new Set(drifts.map((d) => d.id)).size).toBe(drifts.length);
    expect(new Set(drifts.map((d) => d.format))).toEqual(new Set(['espay', 'iak-json', 'iak-xml']));
    for (const drift of drifts.filter((d) => d.accepted !== undefined)) expect(drift.accepted?.length).toBeGreaterThan(20);
    for (const id of CI_DRIFTS) expect(drifts.some((d) => d.id === id && d.quick)).toBe(true);
  });
});

describe('the mutating proxy', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ deterministic: true });
    cleanups.push(() => sandbox.close());
  });

  it('forwards /__sandbox/* untouched and counts only the answers it changed', async () => {
    const drift = allDrifts().find((d) => d.id === 'espay-echo-rq-uuid');
    const proxy = await startMutatingProxy(sandbox.url, drift, { credentials: sandbox.credentials });
    cleanups.push(() => proxy.close());
    const health = await fetch(`${proxy.url}/__sandbox/health`);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    expect(proxy.fired()).toBe(0);
    const recorder = recordingFetch();
    const client = createEspayClient({ baseUrl: proxy.url, ...sandbox.credentials.espay, fetch: recorder.fetch, retry: { maxRetries: 0 } });
    // Whether the client notices the foreign rq_uuid is the client's business; the wire shows the drift.
    await client.balance({ rqUuid: 'MUTATIONPROXY1' }).catch(() => undefined);
    expect(JSON.parse(recorder.exchanges[0]?.response?.body ?? '{}').rq_uuid).toBe('MUTATIONPROXY2');
    expect(proxy.fired()).toBe(1);
    expect(proxy.seen()).toBe(1);
  });
});

describe('a refusal check', () => {
  it('fails when the target never answers: a timeout is no refusal', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );
    const client = createEspayClient({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      senderId: 'SANDBOX',
      password: 'p',
      signatureKey: 'not-the-key',
      basicAuth: { username: 'u', password: 'p' },
      timeoutMs: 300,
      retry: { maxRetries: 0 },
    });
    const check = expectRefusal(
      client.inquiry({ productCode: 'SLYLPO', orderId: '512345678903' }),
      'signature',
      'inquiry with a wrong signature',
    );
    await expect(check).rejects.toThrow(/expected a signature refusal, got TimeoutError/);
  });
});

describe('the quick subset of drifts', () => {
  let verdicts: DriftVerdict[] = [];
  let reportsDir = '';
  beforeAll(async () => {
    reportsDir = mkdtempSync(join(tmpdir(), 'conformance-mutation-'));
    cleanups.push(() => rmSync(reportsDir, { recursive: true, force: true }));
    const { result } = await runConformance({ stages: ['mutation'], reportsDir, stageOptions: { mutation: { drifts: CI_DRIFTS } } });
    expect(result.mutation?.baseline).toEqual({ passed: true, failures: [] });
    verdicts = result.mutation?.drifts ?? [];
  }, 300_000);

  it.each(CI_DRIFTS)('%s is killed by verification and by scenarios', (id) => {
    const verdict = verdicts.find((v) => v.id === id);
    expect(verdict?.status).toBe('killed');
    expect(verdict?.fired).toBeGreaterThan(0);
    expect(new Set(verdict?.killers.map((k) => k.stage))).toEqual(new Set(['verify', 'scenarios']));
  });

  it('a wrong signature met by silence fails the refusal checks of both stages', () => {
    const killers = verdicts.find((v) => v.id === 'espay-hang-on-bad-signature')?.killers.map((k) => k.check);
    expect(killers).toContain('wrong signature is refused');
    expect(killers).toContain('an inquiry for test order 880000000000 (wrong signature)');
  });

  it('an echo drift is caught without the state API too', () => {
    const killers = verdicts.find((v) => v.id === 'iak-echo-ref-id-inquiry')?.killers ?? [];
    expect(killers.some((k) => !k.needsState && k.stage === 'scenarios')).toBe(true);
    expect(killers.some((k) => !k.needsState && k.stage === 'verify')).toBe(true);
  });

  it('writes the drift table beside the other reports and into the HTML report and the summary', () => {
    expect(existsSync(join(reportsDir, 'mutation.json'))).toBe(true);
    expect(readFileSync(join(reportsDir, 'mutation.md'), 'utf8')).toMatch(/\| `espay-echo-rq-uuid`: .* \| espay \| echo \| ✅ killed \|/);
    expect(readFileSync(join(reportsDir, 'summary.md'), 'utf8')).toContain('## Mutation testing');
    expect(readFileSync(join(reportsDir, 'report.html'), 'utf8')).toContain('<h2 id="mutation">Mutation testing</h2>');
  });
});
