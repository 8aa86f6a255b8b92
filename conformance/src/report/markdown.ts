import { formatMs } from '../console.js';
import type { SuiteResult } from '../model.js';
import { countChecks, STAGE_IDS } from '../model.js';
import { renderMutationMarkdown } from './mutation.js';
import { operationRows } from './operations.js';

const MAX_FAILURES = 30;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A short markdown summary for CI step summaries (GitHub's `$GITHUB_STEP_SUMMARY`): verdict, stage
 * table, per-operation table and the first failures. Input must already be redacted.
 */
export function renderMarkdown(result: SuiteResult, htmlReportName = 'report.html'): string {
  const lines: string[] = [];
  lines.push(`# billerkit conformance: ${result.passed ? '✅ passed' : '❌ failed'}`, '');
  const target = result.target;
  lines.push(
    `Target: ${target.kind === 'embedded' ? 'embedded sandbox' : 'remote'} (espay ${target.espay}, iak ${target.iak}); provider states ${target.stateApi ? 'available' : 'not available'}. Run ${result.startedAt}, ${formatMs(result.durationMs)}.`,
    '',
  );
  lines.push('| stage | checks | passed | failed | skipped | time | status |', '|---|---:|---:|---:|---:|---:|---|');
  for (const stage of result.stages) {
    const c = countChecks(stage.checks);
    const status = stage.status === 'skipped' ? `skipped: ${cell(stage.reason ?? '')}` : stage.status === 'passed' ? '✅' : '❌';
    lines.push(`| ${stage.title} | ${c.total} | ${c.passed} | ${c.failed} | ${c.skipped} | ${formatMs(stage.durationMs)} | ${status} |`);
  }
  lines.push('');

  const ops = operationRows(result);
  if (ops.length > 0) {
    const stages = STAGE_IDS.filter((id) => ops.some((row) => row.stages[id]));
    const titles = stages.map((id) => result.stages.find((s) => s.id === id)?.title ?? id);
    lines.push('## Per operation', '');
    lines.push(`| provider | operation | ${titles.join(' | ')} |`, `|---|---|${stages.map(() => '---').join('|')}|`);
    for (const row of ops) {
      const cells = stages.map((id) => {
        const c = row.stages[id];
        if (!c) return '';
        if (c.failed > 0) return `❌ ${c.failed} failed / ${c.passed + c.failed + c.skipped}`;
        if (c.passed === 0) return `skipped ${c.skipped}`;
        return `✅ ${c.passed}${c.skipped ? ` (+${c.skipped} skipped)` : ''}`;
      });
      lines.push(`| ${row.provider} | \`${row.operation}\` | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }

  const failures = result.stages.flatMap((stage) => stage.checks.filter((c) => c.status === 'failed').map((check) => ({ stage, check })));
  if (failures.length > 0) {
    lines.push(`## Failures (${failures.length})`, '');
    for (const { stage, check } of failures.slice(0, MAX_FAILURES)) {
      const where = [check.provider, check.operation].filter(Boolean).join(' ');
      lines.push(`- **${stage.title}**: ${cell(check.name)}${where ? ` (\`${where}\`)` : ''}`);
      if (check.message) lines.push('', '  ```', ...check.message.split('\n').map((l) => `  ${l}`), '  ```', '');
    }
    if (failures.length > MAX_FAILURES) lines.push(`- … and ${failures.length - MAX_FAILURES} more; see ${htmlReportName}`);
    lines.push('');
  }

  const stateBound = result.stages.filter((s) => s.id !== 'mutation').flatMap((s) => s.checks.filter((c) => c.needsState));
  if (stateBound.length > 0) {
    const skipped = stateBound.filter((c) => c.status === 'skipped').length;
    lines.push(
      `${stateBound.length} check(s) need provider states (the sandbox state API, \`/__sandbox/state\`)${skipped ? `; ${skipped} were skipped because this target has none` : ''}. The report marks them.`,
      '',
    );
  }
  if (result.mutation) lines.push(renderMutationMarkdown(result.mutation));

  const skippedStages = result.stages.filter((s) => s.status === 'skipped');
  for (const stage of skippedStages) lines.push(`> ${stage.title} skipped: ${stage.reason ?? ''}`, '');

  if (result.ledger) {
    const counts = [...result.ledger.matchAll(/^(\d+) messages in (\d+) samples; (\d+) break the strict profile\.$/gm)].map((m) =>
      Number(m[3]),
    );
    const deviations = counts.reduce((a, b) => a + b, 0);
    lines.push(`Deviation ledger: ${deviations} recorded message(s) break the strict profile (see conformance/DEVIATIONS.md).`, '');
  }
  lines.push(`Full report with exchanges: \`${htmlReportName}\`; JUnit: \`junit.xml\`.`, '');
  return lines.join('\n');
}
