// Ties src/generated to its inputs.
//   node scripts/generated.mjs hash    writes src/generated/.hash (run by `pnpm generate` after openapi-ts)
//   node scripts/generated.mjs check   regenerates into a temp dir and compares byte-for-byte, then checks .hash
// The hash is sha256 over the spec text, the config text and the generator version, so a change to any
// of them is visible in review even before anyone regenerates.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src/generated');
const configFile = join(root, 'openapi-ts.config.ts');
const specFile = join(root, '../../specs/espay/openapi.yaml');
const require = createRequire(join(root, 'package.json'));
const generatorPkgPath = require.resolve('@hey-api/openapi-ts/package.json');
const generatorVersion = JSON.parse(readFileSync(generatorPkgPath, 'utf8')).version;
const generatorBin = join(dirname(generatorPkgPath), 'bin/run.js');
const HASH_FILE = '.hash';

export function inputsHash() {
  const h = createHash('sha256');
  h.update(readFileSync(specFile));
  h.update('\0');
  h.update(readFileSync(configFile));
  h.update('\0');
  h.update(`@hey-api/openapi-ts@${generatorVersion}`);
  return h.digest('hex');
}

function listFiles(base, dir = base) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(base, full));
    else out.push(relative(base, full));
  }
  return out.filter((f) => f !== HASH_FILE).sort();
}

/** Returns a list of problems; empty when src/generated is exactly what the generator makes now. */
export function checkGenerated() {
  const problems = [];
  const tmp = mkdtempSync(join(tmpdir(), 'billerkit-espay-gen-'));
  try {
    const out = join(tmp, 'generated');
    const run = spawnSync(process.execPath, [generatorBin, '-f', configFile, '-o', out, '-s', '--no-log-file'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (run.status !== 0) return [`generator failed: ${run.stderr || run.stdout}`];
    const fresh = listFiles(out);
    let current = [];
    try {
      current = listFiles(generated);
    } catch {
      return ['src/generated is missing'];
    }
    for (const f of fresh) if (!current.includes(f)) problems.push(`missing file ${f}`);
    for (const f of current) if (!fresh.includes(f)) problems.push(`extra file ${f}`);
    for (const f of fresh) {
      if (!current.includes(f)) continue;
      if (!readFileSync(join(out, f)).equals(readFileSync(join(generated, f)))) problems.push(`content differs: ${f}`);
    }
    let recorded = '';
    try {
      recorded = readFileSync(join(generated, HASH_FILE), 'utf8').trim();
    } catch {
      problems.push(`${HASH_FILE} is missing`);
    }
    if (recorded && recorded !== inputsHash()) problems.push(`${HASH_FILE} does not match the spec, config and generator version`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode = process.argv[2];
  if (mode === 'hash') {
    writeFileSync(join(generated, HASH_FILE), `${inputsHash()}\n`);
  } else if (mode === 'check') {
    const problems = checkGenerated();
    if (problems.length > 0) {
      console.error(`src/generated is stale (run pnpm generate):\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log('src/generated is up to date');
  } else {
    console.error('usage: node scripts/generated.mjs hash|check');
    process.exit(2);
  }
}
