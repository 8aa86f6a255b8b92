import type { IncomingHttpHeaders } from 'node:http';

/** Request header that asks for faults on one request, e.g. `x-sandbox-fault: latency=200, drop-after-record`. */
export const FAULT_HEADER = 'x-sandbox-fault';

export type FaultKind = 'latency' | 'drop-before-record' | 'drop-after-record' | 'http-500' | 'http-503' | 'malformed-body';

export type Fault = { kind: 'latency'; ms: number } | { kind: Exclude<FaultKind, 'latency'> };

/** What a per-run fault rule sees of a request (never the body: it may hold secrets). */
export interface FaultRequestInfo {
  method: string;
  path: string;
  provider: 'espay' | 'iak' | undefined;
  headers: IncomingHttpHeaders;
  /** 1-based count of provider requests this server has received, the current one included. */
  sequence: number;
}

/** A fault written as in the header (`'latency=200'`, `'http-503'`) or as an object. */
export type FaultInput = string | Fault;

export type FaultRule = (request: FaultRequestInfo) => FaultInput | readonly FaultInput[] | null | undefined;

/** One entry of a probability list: the fault happens on a matching request with this probability (0..1). */
export interface FaultChance {
  fault: FaultInput | readonly FaultInput[];
  probability: number;
  provider?: 'espay' | 'iak';
  /** Exact path, e.g. `/rest/biller/paymentreport`. */
  path?: string;
}

export type FaultPlan = FaultRule | readonly FaultChance[];

export class FaultSyntaxError extends Error {
  override readonly name = 'FaultSyntaxError';
}

const TERMINAL = new Set<FaultKind>(['drop-before-record', 'drop-after-record', 'http-500', 'http-503', 'malformed-body']);

/** The faults of one request after parsing: latency first, then at most one fault that ends the exchange. */
export interface ResolvedFaults {
  latencyMs: number;
  terminal: Exclude<FaultKind, 'latency'> | undefined;
}

export const NO_FAULTS: ResolvedFaults = Object.freeze({ latencyMs: 0, terminal: undefined });

function parseOne(input: FaultInput): Fault {
  if (typeof input !== 'string') {
    if (input === null || typeof input !== 'object' || typeof input.kind !== 'string') {
      throw new FaultSyntaxError('a fault must be a string such as "http-503" or an object with a kind');
    }
    return parseOne(input.kind === 'latency' ? `latency=${(input as { ms: unknown }).ms}` : input.kind);
  }
  const text = input.trim().toLowerCase();
  const latency = /^latency=(\d{1,9})$/.exec(text);
  if (latency) return { kind: 'latency', ms: Number(latency[1]) };
  if (text.startsWith('latency')) throw new FaultSyntaxError('latency needs whole milliseconds, e.g. latency=250');
  if (TERMINAL.has(text as FaultKind)) return { kind: text as Exclude<FaultKind, 'latency'> };
  throw new FaultSyntaxError(
    `unknown fault ${JSON.stringify(input.slice(0, 40))}; expected latency=<ms>, drop-before-record, drop-after-record, http-500, http-503 or malformed-body`,
  );
}

/**
 * Parses a list of faults (the header splits on commas) and caps latency. Two faults that each end the
 * exchange cannot both happen, so asking for that is an error rather than a silent choice.
 */
export function resolveFaults(
  inputs: readonly FaultInput[],
  maxLatencyMs: number,
  onConflict: 'error' | 'first' = 'error',
): ResolvedFaults {
  let latencyMs = 0;
  let terminal: ResolvedFaults['terminal'];
  for (const input of inputs) {
    const fault = parseOne(input);
    if (fault.kind === 'latency') {
      latencyMs = Math.min(latencyMs + fault.ms, maxLatencyMs);
    } else if (terminal !== undefined && terminal !== fault.kind) {
      if (onConflict === 'first') continue;
      throw new FaultSyntaxError(`faults ${terminal} and ${fault.kind} cannot both happen on one request`);
    } else {
      terminal = fault.kind;
    }
  }
  return { latencyMs, terminal };
}

export function parseFaultHeader(value: string | string[] | undefined): FaultInput[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function asList(value: FaultInput | readonly FaultInput[] | null | undefined): FaultInput[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly FaultInput[])] : [value as FaultInput];
}

/** Checks a per-run plan when the server starts, so a typo fails `startSandbox` rather than a later request. */
export function checkFaultPlan(plan: FaultPlan | undefined, maxLatencyMs: number): void {
  if (plan === undefined || typeof plan === 'function') return;
  if (!Array.isArray(plan)) throw new TypeError('startSandbox: faults must be a function or a list of { fault, probability }');
  for (const [index, chance] of (plan as readonly FaultChance[]).entries()) {
    if (chance === null || typeof chance !== 'object') throw new TypeError(`startSandbox: faults[${index}] must be an object`);
    if (typeof chance.probability !== 'number' || !(chance.probability >= 0 && chance.probability <= 1)) {
      throw new TypeError(`startSandbox: faults[${index}].probability must be a number from 0 to 1`);
    }
    try {
      resolveFaults(asList(chance.fault), maxLatencyMs);
    } catch (error) {
      throw new TypeError(`startSandbox: faults[${index}]: ${(error as Error).message}`);
    }
  }
}

/**
 * The faults for one request: the header when present (a test asking for a specific fault wins),
 * otherwise the per-run plan.
 */
export function faultsFor(info: FaultRequestInfo, plan: FaultPlan | undefined, random: () => number, maxLatencyMs: number): ResolvedFaults {
  const header = parseFaultHeader(info.headers[FAULT_HEADER]);
  if (header.length > 0) return resolveFaults(header, maxLatencyMs);
  if (plan === undefined) return NO_FAULTS;
  if (typeof plan === 'function') return resolveFaults(asList(plan(info)), maxLatencyMs);
  const chosen: FaultInput[] = [];
  for (const chance of plan as readonly FaultChance[]) {
    if (chance.provider !== undefined && chance.provider !== info.provider) continue;
    if (chance.path !== undefined && chance.path !== info.path) continue;
    // Draw for every matching entry, so the sequence of draws does not depend on earlier outcomes.
    if (random() < chance.probability) chosen.push(...asList(chance.fault));
  }
  // Independent draws may pick two ending faults; the earlier entry of the list wins.
  return resolveFaults(chosen, maxLatencyMs, 'first');
}
