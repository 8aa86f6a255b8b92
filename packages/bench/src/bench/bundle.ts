/**
 * 5. Bundle size: what an application ships when it imports one client and calls one operation, bundled by
 * esbuild for Node (built-ins external), minified, then gzipped. Each provider twice: through a client
 * object (`createEspayClient` + inquiry, which carries every operation) and through the modular API
 * (`createEspayConnection` + the `inquiry` function, where the bundler keeps only what an inquiry reaches).
 * The esbuild metafile says which packages and files take the space. For comparison, the same for what an
 * application would otherwise ship: an axios-based client of one call (axios plus the same IAK inquiry).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { areaOf } from './profile.js';
import { BENCH_DIR, REPO_DIR } from './util.js';

export interface BundleFigures {
  name: string;
  /** A what-if measure (not a shipped configuration). */
  diagnostic: boolean;
  /** The comparison: an axios-based client of one call, not billerkit. */
  baseline: boolean;
  entry: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** Minified bytes in the output by package, largest first. */
  packages: Array<{ name: string; bytes: number }>;
  /** Largest input files. */
  files: Array<{ path: string; bytes: number }>;
  /**
   * Files the bundle reads at run time and so must ship beside it: @billerkit/specs loads its JSON with
   * readFileSync (all of them, at import), which no bundler can inline.
   */
  runtimeData: Array<{ file: string; bytes: number; gzipBytes: number }>;
}

/**
 * What-if edits of the built files for the diagnostic "floor" entries: the modular inquiry without what an
 * application can do without (the spec-check glue a client without validators never runs, the wrapping of
 * a logger it was never given, and the catalogue's prose), so that the figure says what the calls
 * themselves need. An edit that no longer applies fails the benchmark rather than measure something else.
 */
interface Strip {
  file: RegExp;
  from: string | RegExp;
  to: string;
}

const OPTIONAL_IN_EVERY_CLIENT: Strip[] = [
  { file: /core\/dist\/transport\.js$/, from: 'options.logger ? createSafeLogger(options.logger, redactor) : undefined', to: 'undefined' },
];
const FLOOR_STRIPS: Record<'espay' | 'iak', Strip[]> = {
  espay: [
    ...OPTIONAL_IN_EVERY_CLIENT,
    { file: /espay\/dist\/connection\.js$/, from: "clientValidation(caller, 'espay', options)", to: 'undefined' },
    { file: /specs\/dist\/catalogues\/espay\.js$/, from: /"meaning":"(?:[^"\\]|\\.)*",?/g, to: '' },
  ],
  iak: [
    ...OPTIONAL_IN_EVERY_CLIENT,
    { file: /iak\/dist\/lib\/config\.js$/, from: "clientValidation(caller, 'iak', options)", to: 'undefined' },
    { file: /specs\/dist\/catalogues\/iak\.js$/, from: /"message":"(?:[^"\\]|\\.)*",?/g, to: '' },
  ],
};

function stripPlugin(strips: Strip[]): Plugin {
  return {
    name: 'bench-floor-strips',
    setup(b) {
      const applied = new Set<Strip>();
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const mine = strips.filter((strip) => strip.file.test(args.path));
        if (mine.length === 0) return undefined;
        let contents = readFileSync(args.path, 'utf8');
        for (const strip of mine) {
          const next = contents.replace(strip.from, strip.to);
          if (next === contents) throw new Error(`bench floor: ${String(strip.from)} is not in ${args.path} any more; update FLOOR_STRIPS`);
          contents = next;
          applied.add(strip);
        }
        return { contents, loader: 'js' };
      });
      b.onEnd(() => {
        const missed = strips.filter((strip) => !applied.has(strip));
        if (missed.length > 0) throw new Error(`bench floor: no file matched ${missed.map((m) => String(m.file)).join(', ')}`);
      });
    },
  };
}

const CLIENT_INQUIRY = {
  espay: `
import { createEspayClient } from '@billerkit/espay';
export async function run(options) {
  const espay = createEspayClient(options);
  return espay.inquiry({ productCode: 'SPBFRE', orderId: '880000000000' });
}`,
  iak: `
import { createIakClient } from '@billerkit/iak';
export async function run(options) {
  const iak = createIakClient(options);
  return iak.inquiry({ code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1' });
}`,
};
const MODULAR_INQUIRY = {
  espay: `
import { createEspayConnection, inquiry } from '@billerkit/espay';
export async function run(options) {
  const espay = createEspayConnection(options);
  return inquiry(espay, { productCode: 'SPBFRE', orderId: '880000000000' });
}`,
  iak: `
import { createIakConnection, inquiry } from '@billerkit/iak';
export async function run(options) {
  const iak = createIakConnection(options);
  return inquiry(iak, { code: 'PLNPOSTPAID', hp: '530000000001', refId: 'ORDER1' });
}`,
};
/** What an integration without billerkit ships for the same call: axios, an md5 signature and one POST. */
const AXIOS_INQUIRY = `
import { createHash } from 'node:crypto';
import axios from 'axios';
export async function run(options) {
  const refId = 'ORDER1';
  const sign = createHash('md5').update(options.username + options.apiKey + refId).digest('hex');
  const body = { commands: 'inq-pasca', username: options.username, code: 'PLNPOSTPAID', hp: '530000000001', ref_id: refId, sign };
  const { data } = await axios.post(options.baseUrl + '/api/v1/bill/check', body, { timeout: 30000 });
  return data;
}`;
const FLOOR = '(diagnostic) the same, without what it can do without: spec-check glue, logger wrapping, catalogue texts';

/** Per provider: the client, the modular API, and the modular API's floor (built with FLOOR_STRIPS). */
const ENTRIES: Array<{ name: string; entry: string; floor?: 'espay' | 'iak'; baseline?: true }> = [
  { name: 'an axios-based client of one call (axios + the IAK inquiry)', entry: AXIOS_INQUIRY, baseline: true },
  { name: '@billerkit/espay (createEspayClient + inquiry)', entry: CLIENT_INQUIRY.espay },
  { name: '@billerkit/espay modular (createEspayConnection + inquiry)', entry: MODULAR_INQUIRY.espay },
  { name: FLOOR, entry: MODULAR_INQUIRY.espay, floor: 'espay' },
  { name: '@billerkit/iak (createIakClient + inquiry)', entry: CLIENT_INQUIRY.iak },
  { name: '@billerkit/iak modular (createIakConnection + inquiry)', entry: MODULAR_INQUIRY.iak },
  { name: FLOOR, entry: MODULAR_INQUIRY.iak, floor: 'iak' },
];

/** The spec JSON files beside a bundle that loads `@billerkit/specs`' root (read once, when first needed). */
let specsData: BundleFigures['runtimeData'] | undefined;
function readSpecsData(): BundleFigures['runtimeData'] {
  const specsDist = join(REPO_DIR, 'specs', 'dist');
  specsData ??= readdirSync(specsDist)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const data = readFileSync(join(specsDist, file));
      return { file: `specs/dist/${file}`, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
    });
  return specsData;
}

export async function measureBundles(): Promise<BundleFigures[]> {
  const out: BundleFigures[] = [];
  for (const { name, entry, floor, baseline } of ENTRIES) {
    const result = await build({
      plugins: floor ? [stripPlugin(FLOOR_STRIPS[floor])] : [],
      stdin: { contents: entry, resolveDir: BENCH_DIR, loader: 'js', sourcefile: 'entry.js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      treeShaking: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: REPO_DIR,
    });
    const code = result.outputFiles[0]!.contents;
    const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
    const packages = new Map<string, number>();
    const files: Array<{ path: string; bytes: number }> = [];
    for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
      const pkg = path === 'entry.js' ? '(entry)' : areaOf(`/${path}`, '');
      packages.set(pkg, (packages.get(pkg) ?? 0) + bytesInOutput);
      files.push({
        path: path.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^(\.\.\/)+/, ''),
        bytes: bytesInOutput,
      });
    }
    const loadsSpecs = Object.keys(inputs).some((path) => /(^|\/)specs\/dist\/index\.js$/.test(path));
    const runtimeData = loadsSpecs ? readSpecsData() : [];
    out.push({
      name,
      diagnostic: floor !== undefined,
      baseline: baseline === true,
      runtimeData,
      entry: entry.trim(),
      minifiedBytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      packages: [...packages].sort((a, b) => b[1] - a[1]).map(([n, bytes]) => ({ name: n, bytes })),
      files: files.sort((a, b) => b.bytes - a.bytes).slice(0, 8),
    });
  }
  return out;
}
