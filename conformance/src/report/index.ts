import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteResult } from '../model.js';
import { redactSuite } from '../redaction.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderMutationMarkdown } from './mutation.js';

export interface ReportPaths {
  junit: string;
  markdown: string;
  html: string;
  json: string;
  /** The drift table on its own, when the mutation stage ran. */
  mutation?: { json: string; markdown: string };
}

/**
 * Writes the four reports into `dir`. Everything goes through the redactor first, by field name and by
 * the target's secret values, so no report can carry a credential even when a failure quotes one.
 */
export function writeReports(result: SuiteResult, dir: string, secrets: readonly string[]): ReportPaths {
  mkdirSync(dir, { recursive: true });
  const safe = redactSuite(result, secrets);
  const paths: ReportPaths = {
    junit: join(dir, 'junit.xml'),
    markdown: join(dir, 'summary.md'),
    html: join(dir, 'report.html'),
    json: join(dir, 'results.json'),
  };
  writeFileSync(paths.junit, renderJunit(safe));
  writeFileSync(paths.markdown, renderMarkdown(safe, 'report.html'));
  writeFileSync(paths.html, renderHtml(safe));
  writeFileSync(paths.json, `${JSON.stringify(safe, null, 2)}\n`);
  if (safe.mutation) {
    const mutation = { json: join(dir, 'mutation.json'), markdown: join(dir, 'mutation.md') };
    writeFileSync(mutation.json, `${JSON.stringify(safe.mutation, null, 2)}\n`);
    writeFileSync(
      mutation.markdown,
      `# billerkit conformance: mutation report\n\n${renderMutationMarkdown(safe.mutation).replace(/^## Mutation testing\n\n/, '')}`,
    );
    return { ...paths, mutation };
  }
  return paths;
}
