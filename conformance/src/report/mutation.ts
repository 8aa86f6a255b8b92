import type { DriftVerdict, MutationReport } from '../mutation/run.js';
import { escapeHtml } from './html.js';

export interface MutationTotals {
  drifts: number;
  killed: number;
  survived: number;
  neverFired: number;
  accepted: number;
  /** Killed drifts with at least two killing checks. */
  killedTwice: number;
  /** Killed drifts that some check without the state API also kills. */
  killedWithoutState: number;
}

export function mutationTotals(report: MutationReport): MutationTotals {
  const count = (status: DriftVerdict['status']) => report.drifts.filter((d) => d.status === status).length;
  const killed = report.drifts.filter((d) => d.status === 'killed');
  return {
    drifts: report.drifts.length,
    killed: killed.length,
    survived: count('survived'),
    neverFired: count('never fired'),
    accepted: count('accepted'),
    killedTwice: killed.filter((d) => d.killers.length >= 2).length,
    killedWithoutState: killed.filter((d) => d.killers.some((k) => !k.needsState)).length,
  };
}

/**
 * Drift classes no check without the state API kills: against a host without `/__sandbox/state`
 * (a provider's own sandbox), the suite would not see these drifts at all.
 */
export function classesNeedingState(report: MutationReport): string[] {
  const classes = new Set(report.drifts.filter((d) => d.status === 'killed').map((d) => d.class));
  const coveredWithoutState = new Set(report.drifts.filter((d) => d.killers.some((k) => !k.needsState)).map((d) => d.class));
  return [...classes].filter((c) => !coveredWithoutState.has(c));
}

/** "3 verify, 12 scenarios (2 need state)": how many checks of each stage killed it. */
export function killerSummary(verdict: DriftVerdict): string {
  if (verdict.status === 'accepted') return `accepted: ${verdict.accepted ?? ''}`;
  if (verdict.killers.length === 0) return verdict.status === 'never fired' ? 'never fired' : 'SURVIVED';
  const stages = [...new Set(verdict.killers.map((k) => k.stage))];
  const parts = stages.map((stage) => {
    const killers = verdict.killers.filter((k) => k.stage === stage);
    const bound = killers.filter((k) => k.needsState).length;
    return `${killers.length} ${stage}${bound ? ` (${bound} need state)` : ''}`;
  });
  return parts.join(', ');
}

/** The first few killing checks by name, for the table. */
export function killerNames(verdict: DriftVerdict, limit = 3): string {
  const names = verdict.killers.slice(0, limit).map((k) => `${k.stage}: ${k.check}${k.needsState ? ' †' : ''}`);
  if (verdict.killers.length > limit) names.push(`… ${verdict.killers.length - limit} more`);
  return names.join('; ');
}

function stateless(report: MutationReport): string {
  const missing = classesNeedingState(report);
  return missing.length === 0
    ? 'every drift class is still killed by a check that needs no provider state.'
    : `no check without provider states kills the drift class(es) ${missing.join(', ')}.`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const MARK: Record<DriftVerdict['status'], string> = {
  killed: '✅ killed',
  accepted: '➖ accepted',
  survived: '❌ survived',
  'never fired': '⚠️ never fired',
};

/** The mutation table in markdown: one row per drift, its class, its killers. */
export function renderMutationMarkdown(report: MutationReport): string {
  const t = mutationTotals(report);
  const lines = [
    '## Mutation testing',
    '',
    `${t.killed} of ${t.drifts - t.accepted} drift(s) killed${t.accepted ? `, ${t.accepted} accepted with a reason` : ''}${t.survived ? `, **${t.survived} survived**` : ''}${t.neverFired ? `, **${t.neverFired} never fired**` : ''}; ${t.killedTwice} killed by two or more checks; ${t.killedWithoutState} killed by a check that needs no state API. Answer budget ${report.answerBudgetMs / 1000} s. Baseline: ${report.baseline.passed ? 'every check passes behind a faithful proxy' : `**failed** (${report.baseline.failures.length} check(s))`}.`,
    '',
    `Without the state API: ${stateless(report)}`,
    '',
    '| drift | provider | class | verdict | fired | killed by | first killers († needs the state API) |',
    '|---|---|---|---|---:|---|---|',
  ];
  for (const d of report.drifts) {
    lines.push(
      `| \`${d.id}\`: ${cell(d.title)} | ${d.format} | ${d.class} | ${MARK[d.status]} | ${d.fired} | ${cell(killerSummary(d))} | ${cell(killerNames(d))} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** The same table as an HTML section. */
export function renderMutationHtml(report: MutationReport): string {
  const t = mutationTotals(report);
  const badge = (status: DriftVerdict['status']) => {
    const css = status === 'killed' ? 'passed' : status === 'accepted' ? 'skipped' : 'failed';
    return `<span class="badge ${css}">${escapeHtml(status)}</span>`;
  };
  const rows = report.drifts
    .map(
      (d) =>
        `<tr><td><code>${escapeHtml(d.id)}</code><br><span class="muted">${escapeHtml(d.title)}</span></td><td>${escapeHtml(d.format)}</td><td>${escapeHtml(d.class)}</td><td>${badge(d.status)}</td><td class="num">${d.fired}</td><td>${escapeHtml(killerSummary(d))}${
          d.killers.length > 0
            ? `<details><summary>${d.killers.length} check(s)</summary><div class="body"><ul class="checks">${d.killers.map((k) => `<li>${escapeHtml(`${k.stage}: ${k.check}`)}${k.needsState ? ' <span class="muted">(needs the state API)</span>' : ''}</li>`).join('')}</ul></div></details>`
            : ''
        }</td></tr>`,
    )
    .join('\n');
  const baseline = report.baseline.passed
    ? 'every check passes behind a faithful proxy'
    : `<strong>failed</strong>: ${report.baseline.failures.map((f) => escapeHtml(f)).join('; ')}`;
  return `<h2 id="mutation">Mutation testing</h2>
<p>${t.killed} of ${t.drifts - t.accepted} drift(s) killed${t.accepted ? `, ${t.accepted} accepted with a reason` : ''}${t.survived ? `, <strong>${t.survived} survived</strong>` : ''}${t.neverFired ? `, <strong>${t.neverFired} never fired</strong>` : ''}; ${t.killedTwice} killed by two or more checks; ${t.killedWithoutState} killed by a check that needs no state API. Answer budget ${report.answerBudgetMs / 1000} s. Baseline: ${baseline}.</p>
<p>Without the state API: ${escapeHtml(stateless(report))}</p>
<table><tr><th>drift</th><th>format</th><th>class</th><th>verdict</th><th>fired</th><th>killed by</th></tr>
${rows}
</table>`;
}
