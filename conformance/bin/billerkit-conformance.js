#!/usr/bin/env node
// The package bin. It is committed (dist/ is not) so that a workspace install can link it before the
// first build; the CLI itself is the compiled src/cli.ts.
import '../dist/cli.js';
