import { writeFileSync } from 'node:fs';
import { checkSamples } from './check.js';
import { renderLedger } from './ledger.js';
import { loadSamples } from './load.js';

export const LEDGER_FILE = new URL('../../DEVIATIONS.md', import.meta.url);

const isMain = process.argv[1] && new URL(`file://${process.argv[1]}`).pathname === new URL(import.meta.url).pathname;
if (isMain) {
  const ledger = renderLedger(checkSamples(loadSamples()));
  writeFileSync(LEDGER_FILE, ledger);
  process.stdout.write(`wrote ${LEDGER_FILE.pathname}\n`);
}
