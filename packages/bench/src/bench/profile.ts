/**
 * Where a client's time goes: a CPU profile (in-process inspector) of a closed loop, summed by area (package,
 * or Node internals), by function (self time) and by billerkit step (inclusive time).
 */
import { Session } from 'node:inspector/promises';

export interface ProfileSummary {
  variant: string;
  /** Share of sampled CPU time by area (package, or node internals). */
  areas: Array<{ area: string; percent: number }>;
  functions: Array<{ name: string; where: string; percent: number }>;
  /** billerkit functions by inclusive time (their callees included): which step of a call costs what. */
  inclusive: Array<{ name: string; where: string; percent: number }>;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Where a script URL belongs: a workspace package, an npm package, or Node itself. */
export function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const workspace = /\/packages\/([^/]+)\/(?:dist|src)\//.exec(url);
  if (workspace) return `@billerkit/${workspace[1]}`;
  if (/\/specs\/dist\//.test(url)) return '@billerkit/specs';
  const pnpm = /node_modules\/\.pnpm\/(@?[^@/]+(?:\+[^@/]+)?)@/.exec(url);
  if (pnpm) return pnpm[1]!.replace('+', '/');
  const plain = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  if (url.includes('internal/deps/undici')) return 'node: undici (fetch)';
  if (url.startsWith('node:_http') || url.startsWith('node:http') || url.startsWith('node:net') || url.startsWith('node:internal/stream'))
    return 'node: http, net, streams';
  if (url.startsWith('node:internal/crypto')) return 'node: crypto';
  if (url.startsWith('node:internal/abort_controller') || url.startsWith('node:internal/worker/js_transferable'))
    return 'node: AbortSignal';
  if (url.startsWith('node:')) return 'node: other internals';
  return url.split('/').slice(-2).join('/');
}

export async function profile(variant: string, run: () => Promise<unknown>): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await run();
  const { profile: cpu } = (await session.post('Profiler.stop')) as {
    profile: { nodes: CpuProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  session.disconnect();
  const byId = new Map(cpu.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  cpu.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (cpu.timeDeltas[i] ?? 0));
  });
  let total = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; time: number }>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    total += time;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + time);
    const where = `${area} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}|${where}`;
    const entry = functions.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, time: 0 };
    entry.time += time;
    functions.set(key, entry);
  }
  // Inclusive time per billerkit function (and the generated hey-api code inside @billerkit/espay): each
  // function counted once per stack, so recursion does not inflate it.
  const inclusive = new Map<string, { name: string; where: string; time: number }>();
  const root = cpu.nodes[0]!;
  const totalOf = new Map<number, number>();
  const sum = (node: CpuProfileNode): number => {
    let t = node.callFrame.functionName === '(idle)' ? 0 : (self.get(node.id) ?? 0);
    for (const child of node.children ?? []) t += sum(byId.get(child)!);
    totalOf.set(node.id, t);
    return t;
  };
  sum(root);
  const walk = (node: CpuProfileNode, onPath: Set<string>) => {
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    const where = `${area} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}|${where}`;
    const mine = area.startsWith('@billerkit/') && area !== '@billerkit/bench' && !onPath.has(key);
    if (mine) {
      const entry = inclusive.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where, time: 0 };
      entry.time += totalOf.get(node.id) ?? 0;
      inclusive.set(key, entry);
    }
    const next = mine ? new Set(onPath).add(key) : onPath;
    for (const child of node.children ?? []) walk(byId.get(child)!, next);
  };
  walk(root, new Set());
  return {
    variant,
    inclusive: [...inclusive.values()]
      .sort((a, b) => b.time - a.time)
      .slice(0, 14)
      .map((f) => ({ name: f.name, where: f.where, percent: (100 * f.time) / total })),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([area, time]) => ({ area, percent: (100 * time) / total })),
    functions: [...functions.values()]
      .sort((a, b) => b.time - a.time)
      .slice(0, 10)
      .map((f) => ({ name: f.name, where: f.where, percent: (100 * f.time) / total })),
  };
}
