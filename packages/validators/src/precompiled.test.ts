import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { espayValidators } from './espay.js';
import { parseFormBody } from './form-body.js';
import { iakValidators } from './iak.js';
import { parseIakXml } from './iak-xml.js';
import type { Profile, Provider, ValidationIssue } from './types.js';
import { componentNames, getValidator } from './validators.js';

const precompiled = { espay: espayValidators, iak: iakValidators };
const PROFILES: readonly Profile[] = ['strict', 'tolerant'];

interface Message {
  provider: Provider;
  component: string;
  data: unknown;
  id: string;
}

// The recorded samples are the closest thing to what the providers really send; every decodable message is used.
function sampleMessages(): Message[] {
  const out: Message[] = [];
  for (const provider of ['espay', 'iak'] as const) {
    const dir = new URL(`../../../conformance/samples/${provider}/`, import.meta.url);
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.sample.json'))
      .sort()) {
      const sample = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as {
        messages: Array<{ contentType: string; component: string; raw: string; wire?: string }>;
      };
      sample.messages.forEach((m, i) => {
        const text = m.wire ?? m.raw;
        const type = m.contentType.toLowerCase();
        try {
          const data = type.includes('x-www-form-urlencoded')
            ? parseFormBody(text)
            : type.includes('xml')
              ? parseIakXml(text)
              : JSON.parse(text);
          out.push({ provider, component: m.component, data, id: `${name}#${i}` });
        } catch {
          // undecodable published text: nothing to validate
        }
      });
    }
  }
  return out;
}

const REPLACEMENTS: readonly unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  1.5,
  1e21,
  '',
  ' ',
  'x',
  '0000',
  '00',
  '1',
  'A'.repeat(300),
  '😀'.repeat(20),
  true,
  false,
  {},
  [],
  [{}],
  { a: 1 },
];

/** Every copy of `data` with one value (at any depth) removed or replaced, plus one unknown field per object. */
function* variants(data: unknown, depth = 0): Generator<unknown> {
  if (depth > 4 || !data || typeof data !== 'object') return;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length && i < 3; i++) {
      for (const replacement of REPLACEMENTS.slice(1)) yield data.map((item, j) => (j === i ? replacement : item));
      for (const inner of variants(data[i], depth + 1)) yield data.map((item, j) => (j === i ? inner : item));
    }
    yield [];
    return;
  }
  const record = data as Record<string, unknown>;
  yield { ...record, not_documented: 'x' };
  for (const key of Object.keys(record)) {
    for (const replacement of REPLACEMENTS) {
      const copy = { ...record };
      if (replacement === undefined) delete copy[key];
      else copy[key] = replacement;
      yield copy;
    }
    for (const inner of variants(record[key], depth + 1)) yield { ...record, [key]: inner };
  }
}

/**
 * The precompiled code stops at the first error, so a failure has one issue where ajv lists all; it must name
 * a field ajv names too. For a oneOf/anyOf component, the closest branch is chosen from one issue per branch
 * instead of all of them and can differ from ajv's choice; the issue must then be one ajv finds in that branch.
 */
function expectSameField(
  m: Message,
  profile: Profile,
  data: unknown,
  first: ValidationIssue | undefined,
  ajvIssues: readonly ValidationIssue[],
): void {
  const where = `${m.id} ${profile} ${JSON.stringify(data)}`;
  if (!first?.path.startsWith('/')) expect.fail(`${where}: no field named (${JSON.stringify(first)})`);
  const reference =
    first.branch && first.branch !== ajvIssues[0]?.branch ? getValidator(m.provider, first.branch, profile)(data).issues : ajvIssues;
  if (!reference.some((issue) => issue.path === first.path)) {
    expect.fail(
      `${where}: precompiled names ${first.path}${first.branch ? ` (${first.branch})` : ''}, ajv ${reference.map((issue) => issue.path).join(' ')}`,
    );
  }
}

describe('precompiled validators', () => {
  const messages = sampleMessages();
  // Samples are recorded against any component, clients check only some: the rest stay with the ajv root.
  const covered = messages.filter((m) => precompiled[m.provider].components.includes(m.component));

  it('cover every request and answer component the clients check', () => {
    expect(new Set(espayValidators.components)).toEqual(
      new Set([
        ...['InquiryTransaction', 'PaymentReport', 'GetTransactionInfo', 'GetBalance', 'GetRegisteredProducts'].flatMap((op) => [
          `${op}Request`,
          `${op}Response`,
        ]),
        'InquiryTransactionSuccess',
        'PaymentReportSuccess',
        'GetTransactionInfoSuccess',
        'GetBalanceSuccess',
        'GetRegisteredProductsSuccess',
        'ErrorResponse',
      ]),
    );
    for (const name of ['InqPasca', 'PayPasca', 'CheckStatus', 'PricelistPasca']) {
      expect(iakValidators.components).toContain(`${name}Request`);
      expect(iakValidators.components).toContain(`${name}Response`);
    }
    for (const name of ['InqPascaResult', 'PayPascaResult', 'CheckStatusResult', 'PricelistPascaXmlResponse', 'ReceiptResponse'])
      expect(iakValidators.components).toContain(name);
    for (const provider of ['espay', 'iak'] as const) {
      for (const component of precompiled[provider].components) expect(componentNames(provider)).toContain(component);
    }
  });

  it('reach ajv’s verdict on every recorded sample message, in both profiles', () => {
    expect(covered.length).toBeGreaterThan(50);
    for (const m of covered) {
      for (const profile of PROFILES) {
        const expected = getValidator(m.provider, m.component, profile)(m.data).valid;
        expect(precompiled[m.provider].validate(m.component, profile, m.data).valid, `${m.id} ${profile}`).toBe(expected);
      }
    }
  });

  // The timeout is a net against a hang, not a claim: fixed work that takes minutes only on a crowded machine.
  it('reach ajv’s verdict on every one-value mutation of the samples, and on them against every component', { timeout: 600_000 }, () => {
    let checked = 0;
    let invalid = 0;
    for (const m of covered) {
      for (const data of [m.data, ...variants(m.data)]) {
        for (const profile of PROFILES) {
          const expected = getValidator(m.provider, m.component, profile)(data);
          const actual = precompiled[m.provider].validate(m.component, profile, data);
          if (actual.valid !== expected.valid)
            expect.fail(`${m.id} ${profile} ${JSON.stringify(data)}: ajv ${expected.valid}, precompiled ${actual.valid}`);
          if (!actual.valid) expectSameField(m, profile, data, actual.issues[0], expected.issues);
          checked++;
          if (!expected.valid) invalid++;
        }
      }
      // Against the other components too: a stricter test of the branches an answer does not take.
      for (const component of precompiled[m.provider].components) {
        for (const profile of PROFILES) {
          const expected = getValidator(m.provider, component, profile)(m.data).valid;
          expect(precompiled[m.provider].validate(component, profile, m.data).valid, `${m.id} as ${component} ${profile}`).toBe(expected);
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(invalid).toBeGreaterThan(checked / 4);
  });

  it('name the field, like the ajv validators', () => {
    const result = espayValidators.validate('GetBalanceRequest', 'strict', {});
    expect(result.valid).toBe(false);
    expect(result.issues[0]).toMatchObject({ path: '/rq_uuid', message: 'is required', keyword: 'required' });
    const extra = espayValidators.validate('GetBalanceRequest', 'strict', {
      rq_uuid: 'U',
      rq_datetime: '2026-01-02 03:04:05',
      sender_id: 'S',
      password: 'P',
      signature: 'a'.repeat(64),
      not_documented: 'x',
    });
    expect(extra.issues).toContainEqual(
      expect.objectContaining({ path: '/not_documented', message: 'is not a documented field', keyword: 'additionalProperties' }),
    );
    const pattern = iakValidators.validate('InqPascaRequest', 'strict', {
      commands: 'inq-pasca',
      username: 'u',
      code: 'PLNPOSTPAID',
      hp: '1',
      ref_id: 'has space',
      sign: 'x',
    });
    expect(pattern.valid).toBe(false);
    expect(
      getValidator(
        'iak',
        'InqPascaRequest',
        'strict',
      )({ commands: 'inq-pasca', username: 'u', code: 'PLNPOSTPAID', hp: '1', ref_id: 'has space', sign: 'x' }).issues.map(
        (issue) => issue.path,
      ),
    ).toContain(pattern.issues[0]?.path);
  });

  it('name the closest branch of a oneOf/anyOf component, like the ajv validators', () => {
    const answer = messages.find(
      (m) =>
        m.provider === 'espay' &&
        m.component === 'InquiryTransactionResponse' &&
        (m.data as { error_code?: unknown }).error_code === '0000',
    );
    expect(answer).toBeDefined();
    const broken = { ...(answer?.data as object), amount: 'not a number' };
    const ajv = getValidator('espay', 'InquiryTransactionResponse', 'strict')(broken);
    const mine = espayValidators.validate('InquiryTransactionResponse', 'strict', broken);
    expect(mine.valid).toBe(false);
    expect(mine.issues[0]?.branch).toBe(ajv.issues[0]?.branch);
    expect(ajv.issues.map((issue) => issue.path)).toContain(mine.issues[0]?.path);
    // The success branch's first error (a missing field) comes before its error_code const: the key fields decide.
    const failure = { rq_uuid: 'U1', rs_datetime: '2025-10-13 13:29:00', error_code: 405, error_desc: 'product denied' };
    expect(getValidator('espay', 'InquiryTransactionResponse', 'strict')(failure).issues[0]?.branch).toBe('ErrorResponse');
    expect(espayValidators.validate('InquiryTransactionResponse', 'strict', failure).issues[0]).toMatchObject({
      branch: 'ErrorResponse',
      path: '/error_code',
    });
  });

  it('caches validators and names a component that is not precompiled', () => {
    expect(espayValidators.getValidator('GetBalanceRequest', 'strict')).toBe(espayValidators.getValidator('GetBalanceRequest', 'strict'));
    expect(() => espayValidators.getValidator('NoSuchThing')).toThrow(/no precompiled validator for component schema "NoSuchThing"/);
    expect(() => espayValidators.getValidator('toString')).toThrow(/no precompiled validator/);
  });
});
