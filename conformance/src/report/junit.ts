import type { Check, SuiteResult } from '../model.js';
import { countChecks } from '../model.js';

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`)
  );
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

function classname(stage: string, check: Check): string {
  return ['conformance', stage, check.provider, check.operation].filter(Boolean).join('.');
}

function exchangeText(check: Check): string {
  return (check.exchanges ?? [])
    .map((exchange, i) => {
      const req = exchange.request;
      const lines = [`--- exchange ${i + 1}: ${req.method} ${req.url}`, req.body];
      if (exchange.response) lines.push(`<-- ${exchange.response.status}`, exchange.response.body);
      if (exchange.error) lines.push(`<-- ${exchange.error}`);
      for (const issue of exchange.issues ?? []) lines.push(`!! ${issue}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** JUnit XML as CI systems read it: one testsuite per stage, one testcase per check. Input must already be redacted. */
export function renderJunit(result: SuiteResult): string {
  const all = result.stages.flatMap((stage) => stage.checks);
  const totals = countChecks(all);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="billerkit conformance" tests="${totals.total}" failures="${totals.failed}" skipped="${totals.skipped}" errors="0" time="${seconds(result.durationMs)}" timestamp="${escapeXml(result.startedAt)}">`,
  ];
  for (const stage of result.stages) {
    const counts = countChecks(stage.checks);
    out.push(
      `  <testsuite name="${escapeXml(stage.title)}" id="${stage.id}" tests="${counts.total}" failures="${counts.failed}" skipped="${counts.skipped}" errors="0" time="${seconds(stage.durationMs)}">`,
    );
    if (stage.status === 'skipped' && stage.checks.length === 0) {
      out.push(`    <testcase classname="conformance.${stage.id}" name="${escapeXml(stage.title)}" time="0.000">`);
      out.push(`      <skipped message="${escapeXml(stage.reason ?? 'skipped')}"/>`, '    </testcase>');
    }
    for (const check of stage.checks) {
      const open = `    <testcase classname="${escapeXml(classname(stage.id, check))}" name="${escapeXml(check.name)}" time="${seconds(check.durationMs)}"`;
      if (check.status === 'passed') {
        out.push(`${open}/>`);
      } else if (check.status === 'skipped') {
        out.push(`${open}>`, `      <skipped message="${escapeXml(check.message ?? 'skipped')}"/>`, '    </testcase>');
      } else {
        const message = check.message ?? 'failed';
        const details = [message, exchangeText(check)].filter(Boolean).join('\n\n');
        out.push(
          `${open}>`,
          `      <failure message="${escapeXml(message.split('\n')[0] ?? message)}" type="ConformanceFailure">${escapeXml(details)}</failure>`,
          '    </testcase>',
        );
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
