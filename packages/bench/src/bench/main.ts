/**
 * `pnpm bench`: runs the five benchmark sections, prints a table and writes BENCHMARKS.md at the repository
 * root with the figures, the command, the machine and the goal beside each figure. Ratios are measured
 * side by side within this one run (absolute times on a shared two-core machine are noisy; ratios much less).
 *
 * Flags: --skip-wall (no pnpm build / conformance timing), --quick (shorter rounds, for trying it out),
 * --only=1,5 (just those sections; prints the table and leaves BENCHMARKS.md alone, since a partial run
 * must not replace the record of a whole one).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { recordAnswers } from './answers.js';
import { measureHostileBodies } from './hostile-bodies.js';
import { measureBundles } from './bundle.js';
import {
  GOALS as CLIENT_GOALS,
  measureClientOverhead,
  type OverheadGoal,
  type OverheadResult,
  type OverheadVariant,
} from './client-overhead.js';
import { measureSandboxThroughput } from './sandbox-throughput.js';
import { fmt, REPO_DIR } from './util.js';
import { measureValidation } from './validation.js';
import { type CommandTiming, measureWallTimes } from './wall-times.js';

const args = new Set(process.argv.slice(2));
const AXIOS_VERSION = (createRequire(import.meta.url)('axios/package.json') as { version: string }).version;
const quick = args.has('--quick');
const onlyArg = process.argv.slice(2).find((a) => a.startsWith('--only='));
const only = onlyArg
  ? new Set(
      onlyArg
        .slice('--only='.length)
        .split(',')
        .map((n) => n.trim()),
    )
  : undefined;
const wanted = (n: number) => n === 0 || only === undefined || only.has(String(n));
const GOALS = { sandboxVsPrism: 5 };

interface Row {
  section: string;
  measure: string;
  result: string;
  goal: string;
  verdict: 'met' | 'NOT MET' | '—';
}

const rows: Row[] = [];
const notes: string[] = [];
const started = performance.now();
const loadAtStart = loadavg()[0]!;

function log(message: string): void {
  process.stderr.write(`[bench ${fmt.ms(performance.now() - started)}] ${message}\n`);
}

async function section<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  if (!wanted(Number.parseInt(name, 10))) return undefined;
  log(`${name} …`);
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    rows.push({ section: name, measure: '(section failed)', result: message.split('\n')[0]!.slice(0, 160), goal: '', verdict: '—' });
    notes.push(`**${name} failed**: ${message}`);
    return undefined;
  }
}

const answers = await section('0. setup', recordAnswers);

let overhead: OverheadResult | undefined;
if (answers) {
  overhead = await section('1. client overhead', () =>
    measureClientOverhead(answers, { rounds: quick ? 2 : 9, roundMs: quick ? 800 : 1_500, concurrency: 16 }),
  );
  for (const v of overhead?.variants ?? []) rows.push(overheadRow(v));
}

function goalText(goal: OverheadGoal): string {
  const parts = [`≥ ${goal.floor}× node:http`];
  if (goal.axios !== undefined) parts.push(`≥ ${goal.axios}× axios`);
  if (goal.cpu !== undefined) parts.push(`CPU ≤ ${goal.cpu}×`);
  return parts.join(', ');
}

function overheadRow(v: OverheadVariant): Row {
  const base = { section: '1. client overhead', measure: v.name };
  if (v.role === 'floor')
    return { ...base, result: `${fmt.int(v.perSecond)} req/s; client CPU ${fmt.int(v.cpuUsPerCall)} µs/call`, goal: 'floor', verdict: '—' };
  const versus = v.name.startsWith('axios') ? '' : `, ${fmt.ratio(v.axiosRatio)} axios`;
  const extra = v.overheadUs < 0 ? `${fmt.int(-v.overheadUs)} µs/call less` : `+${fmt.int(v.overheadUs)} µs/call`;
  return {
    ...base,
    result: `${fmt.int(v.perSecond)} req/s = ${fmt.ratio(v.ratio)} node:http${versus} (${extra}); client CPU ${fmt.int(v.cpuUsPerCall)} µs/call = ${fmt.ratio(v.cpuRatio)} node:http`,
    goal: v.goal ? goalText(v.goal) : v.role === 'diagnostic' ? '(diagnostic)' : 'baseline',
    verdict: v.met === undefined ? '—' : v.met ? 'met' : 'NOT MET',
  };
}

const throughput = await section('2. sandbox vs Prism', () =>
  measureSandboxThroughput({ rounds: 2, roundSeconds: quick ? 2 : 4, connections: 16 }),
);
if (throughput) {
  rows.push({
    section: '2. sandbox vs Prism',
    measure: 'billerkit sandbox (autocannon, 16 connections)',
    result: `${fmt.int(throughput.sandbox.requestsPerSecond)} req/s, p99 ${throughput.sandbox.p99Ms} ms (p50 ${throughput.sandbox.p50Ms} ms); ${throughput.sandbox.unexpected} unexpected / ${throughput.sandbox.errors} errors of ${fmt.int(throughput.sandbox.total)}`,
    goal: `≥ ${GOALS.sandboxVsPrism}× Prism`,
    verdict: throughput.ratio === undefined ? '—' : throughput.ratio >= GOALS.sandboxVsPrism ? 'met' : 'NOT MET',
  });
  const p = throughput.prism;
  rows.push({
    section: '2. sandbox vs Prism',
    measure: 'Prism 5.16.0 mock, same spec and requests',
    result:
      'error' in p
        ? `not measured: ${p.error.split('\n')[0]}`
        : `${fmt.int(p.requestsPerSecond)} req/s, p99 ${p.p99Ms} ms (p50 ${p.p50Ms} ms); ${p.unexpected} non-2xx / ${p.errors} errors of ${fmt.int(p.total)}`,
    goal: 'baseline',
    verdict: '—',
  });
  if (throughput.ratio !== undefined)
    rows.push({
      section: '2. sandbox vs Prism',
      measure: 'sandbox ÷ Prism (median of per-round ratios)',
      result: fmt.ratio(throughput.ratio),
      goal: `≥ ${GOALS.sandboxVsPrism}×`,
      verdict: throughput.ratio >= GOALS.sandboxVsPrism ? 'met' : 'NOT MET',
    });
}

const validation = await section('3. validation', () =>
  measureValidation({ compiledMs: quick ? 200 : 500, runtimeMs: quick ? 400 : 1_000, rounds: quick ? 3 : 5 }),
);
if (validation) {
  rows.push({
    section: '3. validation',
    measure: `compiled validators, ${validation.messages} messages of ${validation.samples} samples`,
    result: `${fmt.int(validation.compiledPerSecond)} validations/s`,
    goal: '—',
    verdict: '—',
  });
  rows.push({
    section: '3. validation',
    measure: 'compile at run time (new Ajv per validation)',
    result: `${fmt.int(validation.runtimePerSecond)} validations/s`,
    goal: '—',
    verdict: '—',
  });
  rows.push({
    section: '3. validation',
    measure: 'compiled ÷ run-time compile',
    result: `${fmt.int(validation.ratio)}×${validation.verdictsAgree ? '' : ' (VERDICTS DIFFER)'}`,
    goal: 'same verdicts',
    verdict: validation.verdictsAgree ? 'met' : 'NOT MET',
  });
  const p = validation.precompiled;
  rows.push({
    section: '3. validation',
    measure: `clients' precompiled validators (ajv standalone), the ${p.messages} messages of components they carry`,
    result: `${fmt.int(p.perSecond)} validations/s (package root's ajv on the same: ${fmt.int(p.rootPerSecond)}/s)${p.verdictsAgree ? '' : ' (VERDICTS DIFFER)'}`,
    goal: 'same verdicts',
    verdict: p.verdictsAgree ? 'met' : 'NOT MET',
  });
}

let wall: { conformance: CommandTiming; buildCached: CommandTiming; buildFirst: CommandTiming } | undefined;
if (!args.has('--skip-wall') && wanted(4)) {
  wall = await section('4. wall times', measureWallTimes);
  if (wall) {
    const t = (c: CommandTiming) => (c.exitCode === 0 ? fmt.ms(c.wallMs) : `${fmt.ms(c.wallMs)}, FAILED (exit ${c.exitCode})`);
    // No time goal; a failing suite is reported in the result and the notes, not as a missed goal.
    rows.push({
      section: '4. wall times',
      measure: 'pnpm conformance (after the build)',
      result: t(wall.conformance),
      goal: '—',
      verdict: '—',
    });
    rows.push({
      section: '4. wall times',
      measure: 'pnpm build, full turbo cache (2nd run)',
      result: `${t(wall.buildCached)}${wall.buildCached.fullTurbo ? ', FULL TURBO' : ', not all cached'}`,
      goal: '—',
      verdict: '—',
    });
    for (const c of [wall.buildFirst, wall.buildCached, wall.conformance]) {
      if (c.exitCode !== 0) notes.push(`\`${c.command}\` exited with ${c.exitCode}; last lines:\n\n\`\`\`\n${c.tail}\n\`\`\``);
    }
  }
}

const bundles = await section('5. bundle size', measureBundles);
const axiosBundle = bundles?.find((b) => b.baseline);
for (const b of bundles ?? []) {
  const versus = axiosBundle && !b.baseline ? ` = ${fmt.ratio(b.gzipBytes / axiosBundle.gzipBytes)} the axios client` : '';
  rows.push({
    section: '5. bundle size',
    measure: b.name,
    result: `${fmt.int(b.gzipBytes)} B gzip (${fmt.int(b.minifiedBytes)} B minified)${versus}`,
    goal: b.baseline ? 'baseline' : b.diagnostic ? '(diagnostic)' : '—',
    verdict: '—',
  });
  if (b.runtimeData.length > 0) {
    const gz = b.runtimeData.reduce((sum, f) => sum + f.gzipBytes, 0);
    const raw = b.runtimeData.reduce((sum, f) => sum + f.bytes, 0);
    rows.push({
      section: '5. bundle size',
      measure: `  + spec JSON it reads at run time (${b.runtimeData.length} files)`,
      result: `+${fmt.int(gz)} B gzip (${fmt.int(raw)} B) = ${fmt.int(b.gzipBytes + gz)} B gzip in all`,
      goal: '—',
      verdict: '—',
    });
  }
}

const HOSTILE_GOALS = { answerMs: 100, answerBytes: 16 * 1024, healthP99Ms: 100 };
const hostile = await section('6. hostile bodies', () => measureHostileBodies({ repeats: quick ? 3 : 10, loadedSeconds: quick ? 3 : 10 }));
for (const b of hostile?.bodies ?? []) {
  const met = b.medianMs < HOSTILE_GOALS.answerMs && b.answerBytes < HOSTILE_GOALS.answerBytes;
  rows.push({
    section: '6. hostile bodies',
    measure: `${b.name}, ${fmt.int(b.bodyBytes)} B of many keys`,
    result: `HTTP ${b.status} in ${b.medianMs.toFixed(1)} ms (median; max ${b.maxMs.toFixed(1)} ms), answer ${fmt.int(b.answerBytes)} B`,
    goal: `< ${HOSTILE_GOALS.answerMs} ms, < 16 KB`,
    verdict: met ? 'met' : 'NOT MET',
  });
}
if (hostile) {
  rows.push({
    section: '6. hostile bodies',
    measure: '/__sandbox/health, nobody else sending',
    result: `p99 ${hostile.idle.p99Ms.toFixed(1)} ms (p50 ${hostile.idle.p50Ms.toFixed(1)} ms) of ${hostile.idle.probes} probes`,
    goal: 'baseline',
    verdict: '—',
  });
  const l = hostile.loaded;
  rows.push({
    section: '6. hostile bodies',
    measure: `/__sandbox/health while four senders loop 1 MB bodies for ${l.seconds} s`,
    result: `p99 ${l.p99Ms.toFixed(1)} ms (p50 ${l.p50Ms.toFixed(1)} ms) of ${l.probes} probes, ${l.failedProbes} failed; ${fmt.int(l.bodiesSent)} bodies refused meanwhile`,
    goal: `p99 < ${HOSTILE_GOALS.healthP99Ms} ms`,
    verdict: l.p99Ms < HOSTILE_GOALS.healthP99Ms ? 'met' : 'NOT MET',
  });
}

const totalMs = performance.now() - started;
log(`done in ${fmt.ms(totalMs)}`);

// ---------------------------------------------------------------------------------------------------------
// Output

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()} ${arch()}, Node ${process.version}`;
const widths = [20, 46, 70, 18, 8];
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(line(['section', 'measure', 'result', 'goal', 'verdict']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line([r.section, r.measure, r.result, r.goal, r.verdict]));
console.log(`\n${machine}; total ${fmt.ms(totalMs)}`);

const md: string[] = [];
md.push('# Benchmarks');
md.push('');
md.push(
  `Made by \`pnpm bench\` (\`npx -y pnpm@10 bench\` without a global pnpm; source: \`packages/bench/src/bench/\`) on ${new Date().toISOString().slice(0, 10)}, in ${fmt.ms(totalMs)}.`,
);
md.push(`Machine: ${machine}.${cpus().length === 2 ? '' : ' (The goals were set for 2 cores.)'}`);
md.push(
  'Every ratio compares two things measured side by side in this one run, in alternating rounds; absolute figures on a shared machine move from run to run, the ratios much less.',
);
const loadAtEnd = loadavg()[0]!;
if (Math.max(loadAtStart, loadAtEnd) > cpus().length) {
  md.push(
    `**Noisy run:** the machine was shared with other work while this ran (1-minute load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end, on ${cpus().length} cores), so absolute figures are low and move between runs; the per-round ratios and CPU per call are the figures to read.`,
  );
}
md.push('');
md.push('| section | measure | result | goal | verdict |');
md.push('|---|---|---|---|---|');
for (const r of rows) md.push(`| ${r.section} | ${r.measure} | ${r.result.replace(/\|/g, '\\|')} | ${r.goal} | ${r.verdict} |`);
md.push('');
md.push('## How each figure is made');
md.push('');
if (overhead) {
  md.push(
    `1. **Client overhead**: a minimal node:http server in a child process answers every request with one fixed, valid answer (recorded from the embedded sandbox). ${overhead.concurrency} callers in a closed loop, ${overhead.rounds} interleaved rounds of ${fmt.ms(overhead.roundMs)} per variant after a warm-up, all variants in this one run. The floor is raw \`node:http\` with a keep-alive agent (prebuilt body with its Content-Length, chunks collected, \`JSON.parse\`): what the platform allows. Beside it, with the same body to the same server, raw \`fetch\` (\`await res.json()\`) and an axios ${AXIOS_VERSION} POST (\`axios.post(url, body, { headers })\`, its default Node adapter and agent), as an integration without billerkit would call. Every ratio is the median of per-round ratios: req/s to the floor's and to axios's, and client CPU per call to the floor's. "Client CPU" is this process's CPU time (user + system, \`process.cpuUsage\`) per completed call, median over rounds; the server runs in its own process, so it is the client's own cost, and it moves much less between runs than req/s on a shared machine. The clients do everything a real call does: build and sign the request, send it through core's transport (per-attempt and total timeouts, size cap, gzip/br, refused redirects), parse, read every field defensively, classify the result code and convert amounts to bigint sen; the "with validators" rows also check the request and the answer against the spec (\`@billerkit/validators/espay\`, \`/iak\`, opt-in). Goals: default clients ≥ ${CLIENT_GOALS.default.floor}× node:http and ≥ ${CLIENT_GOALS.default.axios}× axios req/s with CPU per call ≤ ${CLIENT_GOALS.default.cpu}× node:http; with validators ≥ ${CLIENT_GOALS.validators.floor}× node:http.`,
  );
  md.push(
    '   The default stack is node:http with keep-alive agents; why not undici 7\'s `request`/`Pool` (measured side by side with node:http and fetch, with their bundle sizes) is in `packages/core/README.md`, "Two HTTP stacks". The diagnostic rows split the overhead: core\'s transport alone (the same timeouts, deadline and capped read the clients use) with the prebuilt body, on its default stack (node:http, keep-alive) and with the fetch option; the client layer is a client row against the transport row; the clients with the fetch option show what the default stack saves them.',
  );
  for (const p of overhead.profiles) {
    md.push('');
    md.push(
      `   Below goal: CPU profile of **${p.variant}** (2 s, in-process inspector, idle excluded). By area: ${p.areas.map((a) => `${a.area} ${a.percent.toFixed(1)}%`).join(', ')}.`,
    );
    md.push(
      `   Hottest functions (self time): ${p.functions.map((f) => `\`${f.name}\` (${f.where}) ${f.percent.toFixed(1)}%`).join('; ')}.`,
    );
    md.push(
      `   billerkit steps (inclusive time, callees included): ${p.inclusive.map((f) => `\`${f.name}\` (${f.where}) ${f.percent.toFixed(1)}%`).join('; ')}.`,
    );
  }
}
if (throughput) {
  md.push(
    `2. **Sandbox vs Prism**: autocannon (programmatic API) with ${throughput.connections} connections, ${throughput.rounds} rounds of ${throughput.roundSeconds} s per server after a 1 s warm-up, alternating. Request: ${throughput.body}. Both servers run as child processes on loopback; Prism (\`prism mock specs/espay/openapi.yaml\`, @stoplight/prism-cli 5.16.0, which declares Node ≥ 24.18 but starts and serves on Node 20 here, offline) validates the request against the spec and answers the spec's example; the sandbox checks Basic auth, the form against the strict profile, sender, password and signature, rejects reused rq_uuids, keeps state and builds a bill. "Unexpected" counts sandbox answers other than \`0000\` (a 210 from a reused rq_uuid would show here).`,
  );
}
if (validation) {
  md.push(
    `3. **Validation**: ${validation.messages} decodable messages of the ${validation.samples} recorded samples (\`conformance/samples/**/*.sample.json\`, wire form; form bodies via \`parseFormBody\`, \`<mp>\` via \`parseIakXml\`), tolerant profile. Compiled = \`getValidator()\` (compiled once, cached). Run time = a new Ajv 2020 instance with the same options, formats, keywords and schema set (the validators' own \`buildSchemaSet\`) for every single validation. ${validation.rounds} alternating rounds; figures are medians, the ratio the median of per-round ratios. Verdicts of both are compared. The last row times what the clients use, \`@billerkit/validators/espay\` and \`/iak\` (ajv standalone code generated at build time, first error only), over the messages of the components they carry, next to the package root's ajv (\`allErrors\`) on the same messages, and compares their verdicts with run-time compilation.`,
  );
}
if (wall) {
  md.push(
    `4. **Wall times**: \`pnpm build\` twice (the first fills the turbo cache: ${fmt.ms(wall.buildFirst.wallMs)}, exit ${wall.buildFirst.exitCode}), the second timed; then \`pnpm conformance\` (its own cached build step included).`,
  );
}
if (bundles) {
  md.push(
    '5. **Bundle size**: esbuild 0.28.2, `bundle`, `platform: node` (built-ins external), `format: esm`, `minify`, tree shaking, of an entry that imports one client and calls one operation, in two forms per provider: a client object (`createEspayClient(options).inquiry(…)`, which carries every operation) and the modular API (`inquiry(createEspayConnection(options), …)`, where the bundler keeps only what an inquiry reaches; for IAK a connection without the `<mp>` codec, which speaks JSON only); gzip level 9 of the output. For comparison, what an application would otherwise ship: an axios-based client of one call (axios plus the same IAK inquiry, signed with node:crypto), bundled the same way. No size goal: the figures are reported beside that comparison. Largest contributors (minified bytes in the output, from the metafile):',
  );
  for (const b of bundles) {
    md.push('');
    md.push(
      `   - ${b.name}: ${b.packages
        .slice(0, 8)
        .map((p) => `${p.name} ${fmt.bytes(p.bytes)}`)
        .join(', ')}.`,
    );
    md.push(
      `     Largest files: ${b.files
        .slice(0, 5)
        .map((f) => `\`${f.path}\` ${fmt.bytes(f.bytes)}`)
        .join(', ')}.`,
    );
    if (b.runtimeData.length > 0) {
      md.push(
        `     Not in the bundle: \`@billerkit/specs\` reads ${b.runtimeData.map((f) => `\`${f.file}\` (${fmt.bytes(f.gzipBytes)} gzip)`).join(', ')} with \`readFileSync\` when it is imported, so they must ship beside the bundle (and be found relative to it).`,
      );
    }
  }
}
if (hostile) {
  md.push(
    `6. **Hostile bodies**: the sandbox in a child process (its default options, as \`billerkit-sandbox\` runs); from this process, each 1 MB body of distinct keys (\`"k0":1,"k1":1,…\`, \`<k0>1</k0>…\`, \`k0=1&…\`, after the signed fields of a real inquiry or none) POSTed one at a time over node:http, median and maximum of the repeats, and the largest answer. Then \`GET /__sandbox/health\` every 20 ms for 2 s with nobody else sending, and for ${hostile.loaded.seconds} s while four senders (IAK JSON and XML, signed and not) loop those bodies; p50/p99 of the probes' round trips (a failed or 10 s-timed-out probe counts as infinite). The prober and the senders share one process, so the figures include its wait for a core.`,
  );
}
if (notes.length > 0) {
  md.push('');
  md.push('## Notes');
  md.push('');
  for (const n of notes) md.push(`- ${n}`);
}
md.push('');
if (only === undefined) {
  writeFileSync(join(REPO_DIR, 'BENCHMARKS.md'), md.join('\n'));
  log(`wrote ${join(REPO_DIR, 'BENCHMARKS.md')}`);
} else log('--only: a partial run, BENCHMARKS.md left as it was');
