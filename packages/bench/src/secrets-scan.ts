/**
 * Looks for secrets in text and files, in every spelling a leak is likely to take: as is, URL-encoded
 * (encodeURIComponent), form-encoded (URLSearchParams), JSON-escaped, upper-cased, base64 and base64url,
 * and for Basic credentials the `base64(user:password)` token of the Authorization header.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Secret {
  /** What it is, for the report (never the value). */
  name: string;
  value: string;
}

export interface Needle {
  secret: string;
  form: string;
  text: string;
}

export interface Finding {
  where: string;
  secret: string;
  form: string;
  /** Offset of the match; the value itself is never reported. */
  offset: number;
}

/** Every spelling of every secret worth looking for; forms that coincide are kept once. */
export function needlesFor(secrets: readonly Secret[], basic?: { username: string; password: string }): Needle[] {
  const out = new Map<string, Needle>();
  const add = (secret: string, form: string, text: string) => {
    if (text.length >= 6 && !out.has(text)) out.set(text, { secret, form, text });
  };
  for (const { name, value } of secrets) {
    add(name, 'plain', value);
    add(name, 'url-encoded', encodeURIComponent(value));
    add(name, 'form-encoded', new URLSearchParams({ x: value }).toString().slice(2));
    add(name, 'json-escaped', JSON.stringify(value).slice(1, -1));
    add(name, 'upper-case', value.toUpperCase());
    add(name, 'base64', Buffer.from(value, 'utf8').toString('base64'));
    add(name, 'base64url', Buffer.from(value, 'utf8').toString('base64url'));
  }
  if (basic) {
    const token = Buffer.from(`${basic.username}:${basic.password}`, 'utf8').toString('base64');
    add('Basic credentials', 'Basic base64(user:password)', token);
    add('Basic credentials', 'Basic base64(user:password), url-encoded', encodeURIComponent(token));
    add('Basic credentials', 'user:password', `${basic.username}:${basic.password}`);
  }
  return [...out.values()];
}

export function scanText(where: string, text: string, needles: readonly Needle[]): Finding[] {
  const findings: Finding[] = [];
  for (const needle of needles) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle.text, from);
      if (at === -1) break;
      findings.push({ where, secret: needle.secret, form: needle.form, offset: at });
      from = at + 1;
    }
  }
  return findings;
}

/** Every file under `dir` (recursively, node_modules skipped), read as UTF-8 and as latin1 (binary files). */
export function scanDirectory(dir: string, needles: readonly Needle[]): { files: number; findings: Finding[] } {
  const findings: Finding[] = [];
  let files = 0;
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') walk(join(path, name));
      return;
    }
    files += 1;
    const bytes = readFileSync(path);
    const utf8 = bytes.toString('utf8');
    const found = scanText(path, utf8, needles);
    findings.push(...(found.length > 0 ? found : scanText(path, bytes.toString('latin1'), needles)));
  };
  walk(dir);
  return { files, findings };
}

export function describeFindings(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.secret} (${f.form}) in ${f.where} at ${f.offset}`);
}
