#!/usr/bin/env node
// The `piriod-mirror` command. Installed from npm (`npx piriod-mirror`, a global install): the
// CLI that `npm run build` bundled into dist/cli, run with plain node. In a clone, where
// tools/cli is: its TypeScript sources through tsx, the code `npm run mirror` runs, so a
// clone never runs a stale bundle and needs no build.
import { existsSync } from 'node:fs';

const source = new URL('../tools/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error(
      'piriod-mirror: in a clone the CLI runs from its sources through tsx: run `npm ci` first',
    );
    process.exit(2);
  }
  register();
  (await import(source.href)).runFromProcess();
} else {
  (await import('../dist/cli/piriod-mirror.js')).runFromProcess();
}
