#!/usr/bin/env node
// The `piriod-mirror` command (`npx piriod-mirror full-mirror` in a clone, after `npm ci`): runs the
// TypeScript CLI in tools/cli through tsx, the same code `npm run mirror` runs.
// npm ships every `bin` file in the package's tarball too, where neither tsx nor the CLI's
// sources are: there it says where the CLI lives instead of crashing.
import { existsSync } from 'node:fs';

const cli = new URL('../tools/cli/main.ts', import.meta.url);
let register;
try {
  if (existsSync(cli)) ({ register } = await import('tsx/esm/api'));
} catch {
  // tsx missing: a clone without `npm ci`, handled below
}
if (!register) {
  console.error(
    'piriod-mirror: the CLI runs from a clone of the repository after `npm ci` (docs/cli.md); the installed package is the query library only (docs/library.md).',
  );
  process.exit(2);
}
register();
const { runFromProcess } = await import(cli.href);
runFromProcess();
