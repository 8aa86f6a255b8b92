import type { Check, StageResult, SuiteResult } from './model.js';
import { countChecks } from './model.js';
import type { ProgressEvent } from './runner.js';

export interface Printer {
  onEvent(event: ProgressEvent): void;
}

const DOTS_PER_LINE = 60;

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function describeCheck(check: Check): string {
  const where = [check.provider, check.operation].filter(Boolean).join(' ');
  return where && !check.name.includes(where) ? `${check.name} [${where}]` : check.name;
}

/**
 * Live progress: a line when a stage starts, a dot per passing check, failures in full as they
 * happen (with the operation and field), and a closing line per stage. `redact` runs over everything
 * printed, because failure messages can quote what a target sent.
 */
export function createPrinter(write: (text: string) => void, redact: (text: string) => string = (t) => t): Printer {
  let dots = 0;
  const endDots = () => {
    if (dots > 0) write('\n');
    dots = 0;
  };
  return {
    onEvent(event) {
      if (event.type === 'stage-start') {
        write(`\n[${event.index + 1}/${event.total}] ${event.title}\n`);
      } else if (event.type === 'check') {
        const { check } = event;
        if (check.status === 'failed') {
          endDots();
          write(redact(`  ✗ ${describeCheck(check)}\n${indent(check.message ?? '(no message)', '      ')}\n`));
        } else {
          if (dots === 0) write('  ');
          write(check.status === 'passed' ? '.' : 's');
          dots++;
          if (dots >= DOTS_PER_LINE) endDots();
        }
      } else {
        endDots();
        const { result } = event;
        for (const note of result.notes) write(redact(`  · ${note}\n`));
        write(`  ${stageLine(result)}\n`);
      }
    },
  };
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function stageLine(result: StageResult): string {
  const counts = countChecks(result.checks);
  if (result.status === 'skipped') return `– skipped: ${result.reason ?? 'nothing to run'} (${formatMs(result.durationMs)})`;
  const mark = result.status === 'passed' ? '✓' : '✗';
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `${mark} ${counts.passed}/${counts.total} passed${counts.failed > 0 ? `, ${counts.failed} failed` : ''}${skipped} (${formatMs(result.durationMs)})`;
}

/** The summary table printed at the end: stage, checks, passed, failed, skipped, time. */
export function summaryTable(result: SuiteResult): string {
  const header = ['stage', 'checks', 'passed', 'failed', 'skipped', 'time', 'status'];
  const rows = result.stages.map((stage) => {
    const c = countChecks(stage.checks);
    return [stage.title, String(c.total), String(c.passed), String(c.failed), String(c.skipped), formatMs(stage.durationMs), stage.status];
  });
  const totals = result.stages.reduce(
    (acc, stage) => {
      const c = countChecks(stage.checks);
      return { total: acc.total + c.total, passed: acc.passed + c.passed, failed: acc.failed + c.failed, skipped: acc.skipped + c.skipped };
    },
    { total: 0, passed: 0, failed: 0, skipped: 0 },
  );
  rows.push([
    'total',
    String(totals.total),
    String(totals.passed),
    String(totals.failed),
    String(totals.skipped),
    formatMs(result.durationMs),
    result.passed ? 'passed' : 'FAILED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1] ?? [])].join('\n');
}
