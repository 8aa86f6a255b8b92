import { ESPAY_OPERATIONS } from './espay/index.js';
import { ESPAY_TEST_ORDERS } from './espay/test-orders.js';
import { iakTestNumberTable } from './iak/index.js';
import { INSPECTION_ROUTES } from './inspection.js';
import type { Sandbox } from './sandbox.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * What the CLI prints at start. The first line is stable for scripts: `billerkit-sandbox listening on <url>`.
 * The credentials are the simulator's own test values, printed on purpose.
 */
export function banner(sandbox: Sandbox, generation: 'seed' | 'newer'): string {
  const { espay, iak } = sandbox.credentials;
  const lines = [
    `billerkit-sandbox listening on ${sandbox.url}`,
    '',
    'Espay Biller (form POST, Basic auth):',
    ...Object.keys(ESPAY_OPERATIONS).map((path) => `  POST ${sandbox.url}${path}`),
    'IAK postpaid (JSON or XML POST):',
    `  POST ${sandbox.url}/api/v1/bill/check[/{type}]   GET ${sandbox.url}/api/v1/download/{tr_id}[/1]`,
    '',
    'Credentials (sandbox test values):',
    `  espay  senderId=${espay.senderId} password=${espay.password} signatureKey=${espay.signatureKey}`,
    `         basicAuth=${espay.basicAuth.username}:${espay.basicAuth.password}`,
    `  iak    username=${iak.username} apiKey=${iak.apiKey}`,
    '',
    'Espay test order ids (any product code; every other order_id gets a normal bill and a successful payment):',
    ...table(
      ['order_id', 'case', 'what happens'],
      ESPAY_TEST_ORDERS.map((o) => [o.orderId, o.title, cut(o.description.replace(/`/g, ''), 100)]),
    ),
    '',
    `IAK test numbers (generation "${generation}"):`,
    ...table(
      ['product', 'hp', 'rc', 'case'],
      iakTestNumberTable(generation).map((r) => [cut(r.product, 24), r.hp, r.responseCode, cut(r.description.split(';')[0] ?? '', 80)]),
    ),
    '',
    'Inspection:',
    ...Object.values(INSPECTION_ROUTES).map((route) => `  ${route}`),
    `Faults: header x-sandbox-fault: latency=<ms> | drop-before-record | drop-after-record | http-500 | http-503 | malformed-body`,
    `Mode: ${sandbox.deterministic ? `deterministic (clock ${sandbox.now().toISOString()})` : 'live clock, random ids'}`,
    '',
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n');
}
