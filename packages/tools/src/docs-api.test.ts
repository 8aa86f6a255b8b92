import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SPECS, buildApiDocs, externalResources, operationIds } from './docs.js';

describe('Redocly API pages', () => {
  const out = mkdtempSync(join(tmpdir(), 'billerkit-api-docs-'));
  let files: string[] = [];

  beforeAll(async () => {
    files = await buildApiDocs(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes espay.html and iak.html', () => {
    expect(files.map((file) => basename(file))).toEqual(['espay.html', 'iak.html']);
  });

  it.each(API_SPECS.map((spec) => [spec.name, spec] as const))('%s.html is self-contained and names every operationId', (name, spec) => {
    const html = readFileSync(join(out, `${name}.html`), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(externalResources(html)).toEqual([]);
    const ids = operationIds(readFileSync(spec.file, 'utf8'));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(html, id).toContain(`"operationId":"${id}"`);
  });

  it('reads the operationIds the architecture fixes', () => {
    const [espay, iak] = API_SPECS.map((spec) => operationIds(readFileSync(spec.file, 'utf8')));
    expect(espay).toEqual(
      expect.arrayContaining(['inquiryTransaction', 'paymentReport', 'getTransactionInfo', 'getBalance', 'getRegisteredProducts']),
    );
    expect(iak).toEqual(expect.arrayContaining(['billCheck', 'pricelistByType', 'downloadReceipt']));
  });
});

describe('externalResources', () => {
  it('finds what a browser would fetch from elsewhere (the CDN build of a Redoc page, fonts)', () => {
    const html = [
      '<link rel="modulepreload" href="https://cdn.redocly.com/redoc/v3.0.1/bundles/redoc.standalone.js" crossorigin="anonymous">',
      "<script src='//cdn.example.com/x.js'></script>",
      '<img src=http://example.com/logo.png>',
      '<style>@import "https://fonts.googleapis.com/css?family=Roboto"; body { background: url(https://example.com/bg.png) }</style>',
    ].join('\n');
    expect(externalResources(html)).toEqual([
      '<link> https://cdn.redocly.com/redoc/v3.0.1/bundles/redoc.standalone.js',
      '<script> //cdn.example.com/x.js',
      '<img> http://example.com/logo.png',
      'css https://fonts.googleapis.com/css?family=Roboto',
      'css https://example.com/bg.png',
    ]);
  });

  it('lets plain links, inline scripts and data: URLs through', () => {
    const html =
      '<a href="https://redocly.com/redoc/">docs by Redocly</a><script>var x = 1</script><img src="data:image/png;base64,AAAA"><link rel="icon" href="data:,">';
    expect(externalResources(html)).toEqual([]);
  });
});
