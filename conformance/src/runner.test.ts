import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrinter, summaryTable } from './console.js';
import type { SuiteResult } from './model.js';
import { writeReports } from './report/index.js';
import { type ProgressEvent, runSuite } from './runner.js';
import type { Target } from './target.js';

const target: Target = {
  description: { kind: 'embedded', espay: 'http://127.0.0.1:1', iak: 'http://127.0.0.1:1', stateApi: true },
  missing: {},
  secrets: ['hunter2-password', 'sig-key-value'],
  close: async () => {},
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('runSuite', () => {
  it('runs stages in suite order, reports checks live, keeps going after a crash', async () => {
    const events: ProgressEvent[] = [];
    const result = await runSuite({
      target,
      stages: {
        scenarios: async (ctx) => {
          ctx.report({ name: 'flow', provider: 'iak', operation: 'billCheck', status: 'passed' });
          return { checks: [{ name: 'late', status: 'skipped', message: 'no state API' }] };
        },
        lint: async () => {
          throw new Error('redocly exploded');
        },
        samples: async () => ({ checks: [{ name: 's', status: 'passed' }], ledger: '# ledger' }),
      },
      onEvent: (event) => events.push(event),
    });
    expect(result.stages.map((s) => [s.id, s.status])).toEqual([
      ['lint', 'failed'],
      ['samples', 'passed'],
      ['scenarios', 'passed'],
    ]);
    expect(result.stages[0]?.checks[0]?.message).toBe('redocly exploded');
    expect(result.stages[2]?.checks.map((c) => c.name)).toEqual(['flow', 'late']);
    expect(result.ledger).toBe('# ledger');
    expect(result.passed).toBe(false);
    expect(events.filter((e) => e.type === 'check')).toHaveLength(4);
  });

  it('honours `only` and marks a stage skipped with its reason', async () => {
    const result = await runSuite({
      target,
      stages: { lint: async () => ({ checks: [] }), verify: async () => ({ checks: [], skipped: 'no provider states' }) },
      only: ['verify'],
    });
    expect(result.stages).toHaveLength(1);
    expect(result.stages[0]).toMatchObject({ id: 'verify', status: 'skipped', reason: 'no provider states' });
    expect(result.passed).toBe(true);
  });
});

describe('reports', () => {
  const result: SuiteResult = {
    startedAt: '2025-01-01T03:00:00.000Z',
    durationMs: 1234,
    target: target.description,
    passed: false,
    ledger:
      '# Deviation ledger\n\n## Espay Biller\n\n1 messages in 1 samples; 1 break the strict profile.\n\n| sample | rule |\n|---|---|\n| `a.json` | /error_code must match \\| x |\n',
    stages: [
      {
        id: 'scenarios',
        title: 'Scenarios',
        status: 'failed',
        durationMs: 20,
        notes: ['a note'],
        checks: [
          { name: 'ok <b>', provider: 'espay', operation: 'getBalance', status: 'passed' },
          {
            name: 'pay',
            provider: 'espay',
            operation: 'paymentReport',
            status: 'failed',
            message: 'paymentReport response /error_code must match pattern "^[0-9]{4}$"',
            exchanges: [
              {
                request: {
                  method: 'POST',
                  url: 'http://127.0.0.1:1/rest/biller/paymentreport',
                  headers: { authorization: 'Basic ZXNwYXktdGVzdDpodW50ZXIy', 'content-type': 'application/x-www-form-urlencoded' },
                  body: 'rq_uuid=A1&password=hunter2-password&signature=abcdef0123&order_id=1',
                },
                response: {
                  status: 200,
                  headers: { 'content-type': 'application/json' },
                  body: '{"error_code":"x","echo":"sig-key-value"}',
                },
                issues: ['/error_code must match pattern "^[0-9]{4}$"'],
              },
            ],
          },
          { name: 'skipped one', status: 'skipped', message: 'needs /__sandbox/state' },
        ],
      },
    ],
  };

  it('writes JUnit, markdown, HTML and JSON with every secret removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-reports-'));
    dirs.push(dir);
    const paths = writeReports(result, dir, target.secrets);
    const texts = Object.values(paths).map((p) => readFileSync(p, 'utf8'));
    for (const text of texts) {
      expect(text).not.toContain('hunter2-password');
      expect(text).not.toContain('sig-key-value');
      expect(text).not.toContain('abcdef0123');
      expect(text).not.toContain('ZXNwYXktdGVzdDpodW50ZXIy');
    }
    const junit = readFileSync(paths.junit, 'utf8');
    expect(junit).toContain('<testsuite name="Scenarios" id="scenarios" tests="3" failures="1" skipped="1"');
    expect(junit).toContain('classname="conformance.scenarios.espay.paymentReport" name="pay"');
    expect(junit).toContain('<skipped message="needs /__sandbox/state"/>');
    expect(junit).toContain('name="ok &lt;b&gt;"');
    const html = readFileSync(paths.html, 'utf8');
    expect(html).not.toMatch(/<(script|link)\b/);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(html).toContain('ok &lt;b&gt;');
    expect(html).toContain('<h2 id="ledger">Deviation ledger</h2>');
    expect(html).toContain('<td>/error_code must match | x</td>');
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('| espay | `paymentReport` |');
    expect(md).toContain('1 recorded message(s) break the strict profile');
  });

  it('prints progress with failures in full and a summary table', () => {
    let out = '';
    const printer = createPrinter(
      (t) => {
        out += t;
      },
      (t) => t.replaceAll('hunter2-password', '[REDACTED]'),
    );
    const stage = result.stages[0];
    if (!stage) throw new Error('fixture');
    printer.onEvent({ type: 'stage-start', stage: 'scenarios', title: 'Scenarios', index: 0, total: 1 });
    for (const check of stage.checks)
      printer.onEvent({ type: 'check', stage: 'scenarios', check: { ...check, message: `${check.message} hunter2-password` } });
    printer.onEvent({ type: 'stage-end', result: stage, index: 0, total: 1 });
    expect(out).toContain('[1/1] Scenarios');
    expect(out).toContain('✗ pay [espay paymentReport]');
    expect(out).not.toContain('hunter2-password');
    expect(out).toContain('✗ 1/3 passed, 1 failed, 1 skipped');
    const table = summaryTable(result);
    expect(table.split('\n')[0]).toMatch(/^stage\s+checks\s+passed\s+failed\s+skipped\s+time\s+status$/);
    expect(table).toMatch(/Scenarios\s+3\s+1\s+1\s+1\s+20 ms\s+failed/);
    expect(table).toMatch(/total\s+3\s+1\s+1\s+1\s+1\.2 s\s+FAILED/);
  });
});
