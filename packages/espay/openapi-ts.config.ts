// Generates src/generated from the Espay contract. Run `pnpm generate`; never edit the output by hand.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../specs/espay/openapi.yaml',
  output: {
    path: 'src/generated',
  },
  plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
});
