#!/usr/bin/env node
// The `piriod-mirror` command (`npx piriod-mirror sync` in a clone, after `npm ci`): runs the
// TypeScript CLI in lib/cli through tsx, the same code `npm run mirror` runs.
import { register } from 'tsx/esm/api';

register();
const { runFromProcess } = await import('../lib/cli/main.ts');
runFromProcess();
