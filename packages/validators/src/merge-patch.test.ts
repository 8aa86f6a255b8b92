import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.js';
import { buildSchemaSet, extensionKeywords } from './schema-set.js';

describe('applyMergePatch (RFC 7396 appendix A)', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  ];
  it.each(cases)('%j + %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
  it('does not modify its inputs', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('buildSchemaSet', () => {
  const doc = {
    openapi: '3.1.0',
    paths: {},
    components: {
      schemas: {
        Envelope: {
          type: 'object',
          required: ['error_code'],
          properties: {
            error_code: {
              type: 'string',
              pattern: '^[0-9]{4}$',
              'x-tolerant': { type: ['string', 'integer'], pattern: null },
              'x-tolerant-why': 'seen as a JSON number',
              examples: [{ 'x-tolerant': 'data, not a patch' }],
            },
            data: { $ref: '#/components/schemas/Data' },
          },
        },
        Data: { type: 'object' },
      },
    },
  };

  it('keeps the documented schema in the strict profile and rewrites component refs', () => {
    const set = buildSchemaSet(doc, 'urn:test', 'strict') as {
      $defs: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    };
    expect(set.$defs['Envelope']!.properties['error_code']!['pattern']).toBe('^[0-9]{4}$');
    expect(set.$defs['Envelope']!.properties['data']).toEqual({ $ref: '#/$defs/Data' });
  });

  it('applies x-tolerant patches in the tolerant profile, leaving examples alone', () => {
    const set = buildSchemaSet(doc, 'urn:test', 'tolerant') as {
      $defs: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    };
    const errorCode = set.$defs['Envelope']!.properties['error_code']!;
    expect(errorCode['type']).toEqual(['string', 'integer']);
    expect(errorCode).not.toHaveProperty('pattern');
    expect(errorCode).not.toHaveProperty('x-tolerant');
    expect(errorCode['examples']).toEqual([{ 'x-tolerant': 'data, not a patch' }]);
  });

  it('lists the extension keywords so strict ajv accepts them', () => {
    expect(extensionKeywords(doc)).toEqual(['x-tolerant', 'x-tolerant-why']);
  });
});
