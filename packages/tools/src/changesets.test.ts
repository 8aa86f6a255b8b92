/**
 * The release flow's version step, rehearsed on a copy: the repository's manifests and changeset config
 * go into a temporary directory (no sources, no git), a changeset for @billerkit/signing is added, and
 * the real `changeset version` from node_modules runs there. Never in the repository itself.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, workspacePackages } from './repo.js';

const CHANGESET = join(REPO_ROOT, 'node_modules', '.bin', 'changeset');
const SIGNING = '@billerkit/signing';
const SUMMARY = 'Verify IAK callback signatures against the raw body.';

type Manifest = {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

const packages = workspacePackages();
const before = new Map(packages.map((pkg) => [pkg.name, pkg.manifest as Manifest]));

/** Everything that depends on signing at runtime, directly or through another workspace package. */
function runtimeDependents(of: string): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, manifest] of before) {
      if (found.has(name) || name === of) continue;
      const deps = Object.keys(manifest.dependencies ?? {});
      if (deps.includes(of) || deps.some((dep) => found.has(dep))) {
        found.add(name);
        grew = true;
      }
    }
  }
  return found;
}

const bumpPatch = (version: string): string => version.replace(/^(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c) => `${a}.${b}.${Number(c) + 1}`);
const bumpMinor = (version: string): string => version.replace(/^(\d+)\.(\d+)\.(\d+)$/, (_, a, b) => `${a}.${Number(b) + 1}.0`);

describe('changeset version on a copy of the workspace', () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'billerkit-changesets-')));
  const manifestAt = (relDir: string): Manifest => JSON.parse(readFileSync(join(work, relDir, 'package.json'), 'utf8')) as Manifest;
  const relDirOf = (name: string): string => packages.find((pkg) => pkg.name === name)?.relDir ?? '';
  const changelog = (name: string): string | undefined => {
    const file = join(work, relDirOf(name), 'CHANGELOG.md');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  let output = '';

  beforeAll(async () => {
    // The guard this whole test exists to honour.
    expect(relative(REPO_ROOT, work).startsWith('..')).toBe(true);
    for (const file of [
      'package.json',
      'pnpm-workspace.yaml',
      '.changeset/config.json',
      ...packages.map((pkg) => `${pkg.relDir}/package.json`),
    ]) {
      mkdirSync(dirname(join(work, file)), { recursive: true });
      copyFileSync(join(REPO_ROOT, file), join(work, file));
    }
    writeFileSync(join(work, '.changeset', 'signing-callbacks.md'), `---\n"${SIGNING}": minor\n---\n\n${SUMMARY}\n`);
    const result = await promisify(execFile)(CHANGESET, ['version'], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, CI: '1' },
    });
    output = result.stdout + result.stderr;
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('uses the pinned @changesets/cli', async () => {
    const { stdout } = await promisify(execFile)(CHANGESET, ['--version']);
    expect(stdout.trim()).toBe('2.31.1');
    expect(output).toContain('All files have been updated');
  });

  it('bumps signing by a minor and writes its changelog with the summary', () => {
    const old = before.get(SIGNING)?.version ?? '';
    expect(manifestAt(relDirOf(SIGNING)).version).toBe(bumpMinor(old));
    expect(changelog(SIGNING)).toBe(`# ${SIGNING}\n\n## ${bumpMinor(old)}\n\n### Minor Changes\n\n- ${SUMMARY}\n`);
  });

  it('consumes the changeset file', () => {
    expect(readdirSync(join(work, '.changeset')).filter((name) => name.endsWith('.md'))).toEqual([]);
  });

  it('gives every workspace:* dependent a patch bump and an "Updated dependencies" entry', () => {
    const dependents = runtimeDependents(SIGNING);
    // Today: both clients and the sandbox (direct) and conformance; computed, so new dependents count too.
    expect([...dependents]).toEqual(expect.arrayContaining(['@billerkit/espay', '@billerkit/iak', '@billerkit/sandbox']));
    const signingVersion = bumpMinor(before.get(SIGNING)?.version ?? '');
    for (const name of dependents) {
      const old = before.get(name) as Manifest;
      const now = manifestAt(relDirOf(name));
      expect({ name, version: now.version }).toEqual({ name, version: bumpPatch(old.version) });
      expect(changelog(name), name).toContain(`## ${bumpPatch(old.version)}\n\n### Patch Changes\n\n- Updated dependencies`);
      if (old.dependencies?.[SIGNING]) {
        expect(changelog(name), name).toContain(`  - ${SIGNING}@${signingVersion}`);
        // The workspace protocol stays; pnpm publish turns it into the real version at publish time.
        expect(now.dependencies?.[SIGNING]).toBe(old.dependencies[SIGNING]);
        expect(old.dependencies[SIGNING]).toMatch(/^workspace:/);
      }
    }
  });

  it('leaves packages that do not depend on signing alone', () => {
    const untouched = [...before.keys()].filter((name) => name !== SIGNING && !runtimeDependents(SIGNING).has(name));
    expect(untouched).toEqual(expect.arrayContaining(['@billerkit/validators', '@billerkit/specs']));
    for (const name of untouched) {
      expect({ name, version: manifestAt(relDirOf(name)).version }).toEqual({ name, version: before.get(name)?.version });
      expect(changelog(name), name).toBeUndefined();
    }
  });
});
