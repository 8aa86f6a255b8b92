import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root: packages/tools/src/ → ../../../. Fixed by this file's place, not by the caller's cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** packages/tools/ itself, whose node_modules/.bin holds the CLIs these scripts run. */
export const TOOLS_DIR = fileURLToPath(new URL('../', import.meta.url));

export const TOOLS_BIN = join(TOOLS_DIR, 'node_modules', '.bin');

export interface WorkspacePackage {
  name: string;
  version: string;
  private: boolean;
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the root, with forward slashes (`packages/signing`). */
  relDir: string;
  manifest: Record<string, unknown>;
}

/**
 * Expands the `packages:` globs of pnpm-workspace.yaml. Only the two forms this repo uses are
 * understood (`dir` and `dir/*`); anything else throws, so a new pattern is noticed here rather than
 * silently skipping packages in the checks.
 */
export function workspacePackageDirs(root: string = REPO_ROOT): string[] {
  const config = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: unknown };
  if (!Array.isArray(config.packages)) throw new TypeError('pnpm-workspace.yaml: packages must be a list');
  const dirs: string[] = [];
  for (const pattern of config.packages) {
    if (typeof pattern !== 'string' || pattern.startsWith('!') || /[*?[{]/.test(pattern.replace(/\/\*$/, ''))) {
      throw new TypeError(`pnpm-workspace.yaml: unsupported pattern ${JSON.stringify(pattern)} (use "dir" or "dir/*")`);
    }
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json'))) dirs.push(join(parent, entry.name));
      }
    } else if (existsSync(join(root, pattern, 'package.json'))) {
      dirs.push(join(root, pattern));
    }
  }
  return dirs;
}

export function workspacePackages(root: string = REPO_ROOT): WorkspacePackage[] {
  return workspacePackageDirs(root).map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
      throw new TypeError(`${join(dir, 'package.json')}: name and version must be strings`);
    }
    return {
      name: manifest.name,
      version: manifest.version,
      private: manifest.private === true,
      dir,
      relDir: relative(root, dir).split('\\').join('/'),
      manifest,
    };
  });
}

/** The packages `changeset publish` would publish: every workspace package not marked private. */
export function publishablePackages(root: string = REPO_ROOT): WorkspacePackage[] {
  return workspacePackages(root).filter((pkg) => !pkg.private);
}
