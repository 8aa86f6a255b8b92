/**
 * Code generation from the hand-written IAK contract. The output in src/generated/ is never edited
 * by hand: change the spec and run `pnpm generate`; a test fails when the two drift apart.
 *
 * Paths start with ./ or ../ so that @hey-api/openapi-ts reads them as files, not registry names.
 * hey-api picks one media type per operation (JSON); the XML form is handled by the hand-written
 * layer with the `<mp>` codec of @billerkit/validators.
 */
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../specs/iak/openapi.yaml',
  output: {
    path: 'src/generated',
    tsConfigPath: './tsconfig.json',
    module: { extension: '.js' },
    postProcess: [],
  },
  plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
  logs: { level: 'warn' },
});
