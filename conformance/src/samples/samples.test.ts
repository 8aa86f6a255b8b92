import { readFileSync } from 'node:fs';
import { validate } from '@billerkit/validators';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSamples, describeMismatch } from './check.js';
import { renderLedger } from './ledger.js';
import { loadSamples } from './load.js';
import { mutationsOf } from './mutate.js';
import { LEDGER_FILE } from './write-ledger.js';

const samples = loadSamples();
const results = checkSamples(samples);

afterAll(() => {
  for (const provider of ['espay', 'iak'] as const) {
    const own = results.filter((r) => r.sample.provider === provider);
    const sampleCount = new Set(own.map((r) => r.sample.id)).size;
    const strict = own.filter((r) => r.verdicts.strict === 'pass').length;
    const tolerant = own.filter((r) => r.verdicts.tolerant === 'pass').length;
    console.log(
      `samples ${provider}: ${sampleCount} samples, ${own.length} messages; strict ${strict}/${own.length} pass; tolerant ${tolerant}/${own.length} pass`,
    );
  }
});

describe('recorded samples', () => {
  it('exist for both providers', () => {
    expect(samples.filter((s) => s.provider === 'espay').length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.provider === 'iak').length).toBeGreaterThan(0);
  });

  it('have unique ids', () => {
    const ids = samples.map((s) => s.id);
    expect(ids.length).toBe(new Set(ids).size);
  });

  it.each(results.map((r) => [`${r.sample.file} #${r.index} ${r.message.direction}`, r] as const))(
    '%s matches its expected verdicts',
    (_name, result) => {
      expect(result.mismatches, describeMismatch(result)).toEqual([]);
    },
  );

  it('every message passes the tolerant profile', () => {
    const failing = results.filter((r) => r.verdicts.tolerant === 'fail').map((r) => `${r.sample.file} #${r.index}`);
    expect(failing).toEqual([]);
  });

  it('every strict failure explains itself', () => {
    const unexplained = results
      .filter((r) => r.verdicts.strict === 'fail' && !r.message.note?.trim())
      .map((r) => `${r.sample.file} #${r.index}`);
    expect(unexplained).toEqual([]);
  });

  it('the deviation ledger is up to date (regenerate: pnpm --filter @billerkit/conformance ledger)', () => {
    expect(readFileSync(LEDGER_FILE, 'utf8')).toBe(renderLedger(results));
  });
});

describe('recorded request lines', () => {
  const withLine = results.filter((r) => r.message.direction === 'request' && r.message.httpHead);

  it("name declared paths, IAK's SDK trailing-slash spelling included", () => {
    expect(withLine.some((r) => r.message.httpHead?.startsWith('POST /api/v1/bill/check/ '))).toBe(true);
    expect(withLine.flatMap((r) => r.issues.tolerant.filter((i) => i.keyword === 'path'))).toEqual([]);
  });

  it('fail both profiles when the path is not declared', () => {
    const sample = samples.find((s) => s.id === 'iak/sdk-pricelist-type-path');
    if (!sample) throw new Error('sample iak/sdk-pricelist-type-path is missing');
    const message = { ...sample.messages[0], httpHead: 'POST /api/v1/bill/checks/ HTTP/1.1' } as (typeof sample.messages)[0];
    const [result] = checkSamples([{ ...sample, messages: [message] }]);
    expect(result?.verdicts).toEqual({ strict: 'fail', tolerant: 'fail' });
    expect(result?.issues.tolerant[0]?.message).toContain('not a declared path');
  });
});

describe('the schemas bite: mutated samples fail strict', () => {
  const strictPassing = results.filter((r) => r.verdicts.strict === 'pass');

  it('there are strict-passing messages to mutate', () => {
    expect(strictPassing.length).toBeGreaterThan(0);
  });

  it.each(strictPassing.map((r) => [`${r.sample.file} #${r.index}`, r] as const))('%s', (_name, result) => {
    const mutations = mutationsOf(result.data);
    expect(mutations.length).toBeGreaterThan(0);
    const accepted: string[] = [];
    let droppedRejected = 0;
    for (const mutation of mutations) {
      const { valid } = validate(result.sample.provider, result.message.component, 'strict', mutation.value);
      if (mutation.kind === 'drop') {
        if (!valid) droppedRejected++;
      } else if (valid && !mutation.field.includes('.')) {
        accepted.push(mutation.name);
      } else if (valid && mutation.kind === 'pattern') {
        accepted.push(mutation.name);
      }
    }
    expect(accepted, `mutations the strict schema ${result.message.component} accepted`).toEqual([]);
    expect(droppedRejected, 'dropping some required field must fail').toBeGreaterThan(0);
  });
});
