import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values to put where a field belongs: odd strings, numbers past 2^53, literals, small JSON trees. */
export function jsonValue(extra: readonly Json[] = []): fc.Arbitrary<Json> {
  return fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom<Json>(null, true, false, [], {}, '', '1e400', '-1', '12.5', 2 ** 53 + 2, 1e30, -5, ...extra),
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  );
}

/** How the server sends an answer, from the ordinary to the broken at the HTTP level. */
export type Delivery =
  | { kind: 'normal' }
  | { kind: 'drip'; chunkBytes: number; everyMs: number }
  | { kind: 'stall-before-headers' }
  | { kind: 'stall-after-headers' }
  | { kind: 'stall-mid-body' }
  | { kind: 'cut-mid-body' }
  | { kind: 'cut-at-once' }
  | { kind: 'short-content-length' }
  | { kind: 'long-content-length' }
  | { kind: 'bad-chunking' };

export const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'normal' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('drip' as const), chunkBytes: fc.constantFrom(1, 16), everyMs: fc.constantFrom(5, 50) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'stall-before-headers' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stall-after-headers' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stall-mid-body' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cut-mid-body' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cut-at-once' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'short-content-length' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'long-content-length' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bad-chunking' as const }) },
);

/** One hostile answer: status, headers, what the body is (`B`, the provider test's own kinds) and how it is sent. */
export interface Scenario<B> {
  status: number;
  contentType: string | null;
  extraHeaders: Record<string, string>;
  body: B;
  delivery: Delivery;
}

export interface ScenarioOptions {
  /** Statuses other than 200 (which stays the most frequent). */
  otherStatuses: readonly number[];
  contentTypes: readonly (string | null)[];
  /** Header sets added to the answer; list `{}` more than once to make plain answers more frequent. */
  extraHeaders: readonly Record<string, string>[];
}

export function scenarioOf<B>(body: fc.Arbitrary<B>, options: ScenarioOptions): fc.Arbitrary<Scenario<B>> {
  return fc.record({
    status: fc.oneof({ weight: 8, arbitrary: fc.constant(200) }, { weight: 3, arbitrary: fc.constantFrom(...options.otherStatuses) }),
    contentType: fc.constantFrom(...options.contentTypes),
    extraHeaders: fc.constantFrom(...options.extraHeaders),
    body,
    delivery,
  });
}
