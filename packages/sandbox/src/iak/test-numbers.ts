import type { IakResponseCode, IakTestNumber } from '@billerkit/specs';

export type IakGeneration = 'seed' | 'newer';

/**
 * One test number as the sandbox serves it: the catalogue entry plus where its documented answer happens.
 * `failsAt: 'inquiry'` — the inquiry itself answers `responseCode`; `'payment'` — the inquiry succeeds and the
 * payment answers `responseCode` (`39` pending settles later); `null` — inquiry and payment both succeed.
 */
export interface IakScenario {
  generation: IakGeneration;
  product: string;
  hp: string;
  outcome: string;
  responseCode: string;
  bills: number;
  failsAt: 'inquiry' | 'payment' | null;
  description: string;
  source: string;
  /** True for numbers the sandbox derives from the newer generation's `…XXXX` pattern, not listed by IAK. */
  inferred?: boolean;
}

/** A row of the table the CLI prints. */
export interface IakTestNumberRow {
  generation: IakGeneration;
  product: string;
  hp: string;
  outcome: string;
  responseCode: string;
  bills: number;
  failsAt: 'inquiry' | 'payment' | null;
  description: string;
}

const PAYMENT_STAGE_CODES = new Set(['37', '38', '39', '105']);

function failsAtOf(entry: IakTestNumber): IakScenario['failsAt'] {
  if (entry.responseCode === '00') return null;
  // Descriptions name the stage first: "Inquiry - time out", "Payment - payment failed (the inquiry succeeds)".
  if (/^\s*payment\b/i.test(entry.description)) return 'payment';
  if (/^\s*inquiry\b/i.test(entry.description)) return 'inquiry';
  if (entry.outcome === 'pending' || PAYMENT_STAGE_CODES.has(entry.responseCode)) return 'payment';
  return 'inquiry';
}

function isPattern(hp: string): boolean {
  return /x/i.test(hp);
}

/** The newer generation's last-four-digit code: `0RRR` answers RC `RRR` at inquiry, `1RRR` at payment. */
const NEWER_SUFFIX = /^([01])([0-9]{3})$/;

export class IakTestNumbers {
  private readonly exact = new Map<string, IakScenario>();
  /** Per generation and product: number prefixes whose `…XXXX` suffix follows the newer generation's code. */
  private readonly patterns = new Map<string, Set<string>>();
  private readonly codes: Map<string, IakResponseCode>;
  readonly all: readonly IakScenario[];

  constructor(catalogue: readonly IakTestNumber[], responseCodes: readonly IakResponseCode[]) {
    this.codes = new Map(responseCodes.map((entry) => [entry.code, entry]));
    const all: IakScenario[] = [];
    for (const entry of catalogue) {
      if (isPattern(entry.hp)) {
        this.addPattern(entry.generation, entry.product, entry.hp.replace(/x+$/i, ''));
        continue;
      }
      const scenario: IakScenario = {
        generation: entry.generation,
        product: entry.product,
        hp: entry.hp,
        outcome: entry.outcome,
        responseCode: entry.responseCode,
        bills: entry.bills ?? 1,
        failsAt: failsAtOf(entry),
        description: entry.description,
        source: entry.source,
      };
      this.exact.set(this.key(entry.generation, entry.product, entry.hp), scenario);
      all.push(scenario);
      // Every newer number already follows the 4-digit code, so its prefix serves the other codes too.
      if (entry.generation === 'newer' && NEWER_SUFFIX.test(entry.hp.slice(-4)))
        this.addPattern('newer', entry.product, entry.hp.slice(0, -4));
    }
    this.all = all;
  }

  private key(generation: string, product: string, hp: string): string {
    return `${generation}\u0000${product}\u0000${hp}`;
  }

  private addPattern(generation: string, product: string, prefix: string): void {
    if (prefix === '') return;
    const key = `${generation}\u0000${product}`;
    let set = this.patterns.get(key);
    if (!set) {
      set = new Set();
      this.patterns.set(key, set);
    }
    set.add(prefix);
  }

  /** The scenario of a product code and customer number in one generation, or undefined when it is no test number. */
  lookup(generation: IakGeneration, product: string, hp: string): IakScenario | undefined {
    const exact = this.exact.get(this.key(generation, product, hp));
    if (exact) return exact;
    if (generation !== 'newer' || hp.length <= 4) return undefined;
    const prefixes = this.patterns.get(`${generation}\u0000${product}`);
    if (!prefixes?.has(hp.slice(0, -4))) return undefined;
    const match = NEWER_SUFFIX.exec(hp.slice(-4));
    if (!match) return undefined;
    const [, stage, digits] = match as unknown as [string, string, string];
    const code = this.codes.get(digits) ?? this.codes.get(digits.replace(/^0/, ''));
    if (!code) return undefined;
    const success = code.code === '00';
    return {
      generation,
      product,
      hp,
      outcome: code.outcome,
      responseCode: code.code,
      bills: 1,
      failsAt: success ? null : stage === '0' ? 'inquiry' : 'payment',
      description: success ? 'Success - 1 bill' : `${stage === '0' ? 'Inquiry' : 'Payment'} - ${code.message}`,
      source: 'inferred from the newer generation pattern (last 4 digits: 0 + RC at inquiry, 1 + RC at payment)',
      inferred: true,
    };
  }

  /** The listed test numbers (inferred ones excluded), for the CLI and the README. */
  rows(generation?: IakGeneration): IakTestNumberRow[] {
    return this.all
      .filter((s) => generation === undefined || s.generation === generation)
      .map((s) => ({
        generation: s.generation,
        product: s.product,
        hp: s.hp,
        outcome: s.outcome,
        responseCode: s.responseCode,
        bills: s.bills,
        failsAt: s.failsAt,
        description: s.description,
      }));
  }
}
