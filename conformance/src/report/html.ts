import { formatMs } from '../console.js';
import type { Check, Exchange, StageResult, SuiteResult } from '../model.js';
import { countChecks, STAGE_IDS } from '../model.js';
import { renderMutationHtml } from './mutation.js';
import { operationRows } from './operations.js';

export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": '#39' }[c]};`);
}

const CSS = `
:root { --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --skip:#7d4e00; --skip-bg:#fff8c5; --muted:#57606a; --line:#d0d7de; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #fff; }
header { padding: 24px 32px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { margin: 0 0 6px; font-size: 22px; }
main { padding: 8px 32px 48px; max-width: 1200px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.passed { color: var(--ok); background: var(--ok-bg); }
.failed { color: var(--bad); background: var(--bad-bg); }
.skipped { color: var(--skip); background: var(--skip-bg); }
.verdict { font-size: 15px; padding: 3px 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--bg); padding: 0 4px; border-radius: 4px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
details > summary { cursor: pointer; padding: 8px 12px; background: var(--bg); border-radius: 6px; }
details[open] > summary { border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; }
details > .body { padding: 8px 12px; }
ul.checks { list-style: none; padding: 0; margin: 0; }
ul.checks li { padding: 3px 0; border-bottom: 1px dashed #eaeef2; }
ul.checks li:last-child { border-bottom: none; }
.failure { border-left: 3px solid var(--bad); padding: 6px 12px; margin: 12px 0; background: #fffafa; }
.failure .msg { white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.exchange h4 { margin: 6px 0 2px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.issues { color: var(--bad); margin: 4px 0; }
nav a { margin-right: 14px; }
.ledger table td:nth-child(4) { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
`;

function badge(status: string, text = status): string {
  return `<span class="badge ${escapeHtml(status)}">${escapeHtml(text)}</span>`;
}

function headersText(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function prettyBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  if (/^[\w.-]+=[^&]*(&[\w.-]+=[^&]*)*$/.test(trimmed)) {
    // A form body reads better one field per line.
    return [...new URLSearchParams(trimmed)].map(([k, v]) => `${k}=${v}`).join('\n');
  }
  return body;
}

function renderExchange(exchange: Exchange, index: number): string {
  const req = exchange.request;
  const request = `${req.method} ${req.url}\n${headersText(req.headers)}\n\n${prettyBody(req.body)}`;
  const response = exchange.response
    ? `HTTP ${exchange.response.status}\n${headersText(exchange.response.headers)}\n\n${prettyBody(exchange.response.body)}`
    : (exchange.error ?? '(no response)');
  const issues = (exchange.issues ?? []).map((issue) => `<div class="issues">✗ ${escapeHtml(issue)}</div>`).join('');
  return `<div><strong>Exchange ${index + 1}</strong>${issues}<div class="exchange"><div><h4>Request</h4><pre>${escapeHtml(request)}</pre></div><div><h4>Response</h4><pre>${escapeHtml(response)}</pre></div></div></div>`;
}

function where(check: Check): string {
  const parts = [check.provider, check.operation].filter(Boolean).join(' ');
  return parts ? ` <code>${escapeHtml(parts)}</code>` : '';
}

function renderStage(stage: StageResult): string {
  const c = countChecks(stage.checks);
  const failed = stage.checks.filter((check) => check.status === 'failed');
  const summary = `${badge(stage.status)} <strong>${escapeHtml(stage.title)}</strong> <span class="muted">— ${c.passed}/${c.total} passed${c.failed ? `, ${c.failed} failed` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}, ${formatMs(stage.durationMs)}</span>`;
  const parts: string[] = [];
  if (stage.reason) parts.push(`<p class="muted">Skipped: ${escapeHtml(stage.reason)}</p>`);
  if (stage.notes.length > 0) parts.push(`<ul>${stage.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`);
  for (const check of failed) {
    parts.push(
      `<div class="failure"><div>${badge('failed')} <strong>${escapeHtml(check.name)}</strong>${where(check)}</div>` +
        `<div class="msg">${escapeHtml(check.message ?? '')}</div>${(check.exchanges ?? []).map(renderExchange).join('')}</div>`,
    );
  }
  const others = stage.checks.filter((check) => check.status !== 'failed');
  if (others.length > 0) {
    const items = others
      .map(
        (check) =>
          `<li>${badge(check.status)} ${escapeHtml(check.name)}${where(check)}${check.needsState && check.status === 'passed' ? ' <span class="muted">(needs the sandbox state API)</span>' : ''}${check.status === 'skipped' && check.message ? ` <span class="muted">— ${escapeHtml(check.message)}</span>` : ''}</li>`,
      )
      .join('');
    parts.push(
      `<details><summary>${others.length} other check(s)</summary><div class="body"><ul class="checks">${items}</ul></div></details>`,
    );
  }
  return `<details id="stage-${stage.id}" ${stage.status === 'failed' ? 'open' : ''}><summary>${summary}</summary><div class="body">${parts.join('\n')}</div></details>`;
}

/** Just enough markdown for the generated ledger: headings, paragraphs, tables, inline code, comments dropped. */
export function markdownToHtml(markdown: string): string {
  const inline = (text: string) => escapeHtml(text.replace(/\\\|/g, '|')).replace(/`([^`]+)`/g, '<code>$1</code>');
  const out: string[] = [];
  const lines = markdown.replace(/<!--[\s\S]*?-->/g, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1]?.length ?? 1) + 2);
      out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('|')) {
        const cells = (lines[i] ?? '')
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cellText) => cellText.trim());
        if (!cells.every((cellText) => /^:?-+:?$/.test(cellText))) rows.push(cells);
        i++;
      }
      i--;
      const [head, ...body] = rows;
      out.push(
        `<table><tr>${(head ?? []).map((h) => `<th>${inline(h)}</th>`).join('')}</tr>${body.map((r) => `<tr>${r.map((d) => `<td>${inline(d)}</td>`).join('')}</tr>`).join('')}</table>`,
      );
    } else if (line.trim() !== '') {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  return out.join('\n');
}

/** A self-contained HTML report (inline CSS, no scripts, no external assets). Input must already be redacted. */
export function renderHtml(result: SuiteResult): string {
  const all = result.stages.flatMap((stage) => stage.checks);
  const totals = countChecks(all);
  const target = result.target;
  const stageRows = result.stages
    .map((stage) => {
      const c = countChecks(stage.checks);
      return `<tr><td><a href="#stage-${stage.id}">${escapeHtml(stage.title)}</a></td><td class="num">${c.total}</td><td class="num">${c.passed}</td><td class="num">${c.failed}</td><td class="num">${c.skipped}</td><td class="num">${formatMs(stage.durationMs)}</td><td>${badge(stage.status)}${stage.reason ? ` <span class="muted">${escapeHtml(stage.reason)}</span>` : ''}</td></tr>`;
    })
    .join('\n');

  const ops = operationRows(result);
  const opStages = STAGE_IDS.filter((id) => ops.some((row) => row.stages[id]));
  const opTable =
    ops.length === 0
      ? '<p class="muted">No operation-level checks ran.</p>'
      : `<table><tr><th>provider</th><th>operation</th>${opStages.map((id) => `<th>${escapeHtml(result.stages.find((s) => s.id === id)?.title ?? id)}</th>`).join('')}</tr>${ops
          .map(
            (row) =>
              `<tr><td>${row.provider}</td><td><code>${escapeHtml(row.operation)}</code></td>${opStages
                .map((id) => {
                  const c = row.stages[id];
                  if (!c) return '<td></td>';
                  if (c.failed > 0)
                    return `<td>${badge('failed', `${c.failed} failed`)} <span class="muted">${c.passed} passed</span></td>`;
                  if (c.passed === 0) return `<td>${badge('skipped', `${c.skipped} skipped`)}</td>`;
                  return `<td>${badge('passed', `${c.passed} passed`)}${c.skipped ? ` <span class="muted">${c.skipped} skipped</span>` : ''}</td>`;
                })
                .join('')}</tr>`,
          )
          .join('\n')}</table>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>billerkit conformance — ${result.passed ? 'passed' : 'failed'}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>billerkit conformance ${badge(result.passed ? 'passed' : 'failed', result.passed ? 'passed' : 'failed').replace('class="badge', 'class="badge verdict')}</h1>
<div class="muted">${totals.passed} of ${totals.total} checks passed${totals.failed ? `, ${totals.failed} failed` : ''}${totals.skipped ? `, ${totals.skipped} skipped` : ''} · ${formatMs(result.durationMs)} · ${escapeHtml(result.startedAt)}</div>
<div class="muted">Target: ${target.kind === 'embedded' ? 'embedded sandbox' : 'remote'} — Espay <code>${escapeHtml(target.espay)}</code>, IAK <code>${escapeHtml(target.iak)}</code>; provider states ${target.stateApi ? 'available' : 'not available'}</div>
<nav><a href="#stages">Stages</a><a href="#operations">Per operation</a><a href="#details">Details and failing exchanges</a>${result.mutation ? '<a href="#mutation">Mutation testing</a>' : ''}${result.ledger ? '<a href="#ledger">Deviation ledger</a>' : ''}</nav>
</header>
<main>
<h2 id="stages">Stages</h2>
<table><tr><th>stage</th><th>checks</th><th>passed</th><th>failed</th><th>skipped</th><th>time</th><th>status</th></tr>
${stageRows}
</table>
<h2 id="operations">Per operation</h2>
${opTable}
<h2 id="details">Details and failing exchanges</h2>
<p class="muted">Secrets (passwords, keys, signatures, Basic credentials) are redacted from everything shown here.</p>
${result.stages.map(renderStage).join('\n')}
${result.mutation ? renderMutationHtml(result.mutation) : ''}
${result.ledger ? `<h2 id="ledger">Deviation ledger</h2><div class="ledger">${markdownToHtml(result.ledger.replace(/^# Deviation ledger\s*\n/, ''))}</div>` : ''}
</main>
</body>
</html>
`;
}
