/**
 * `npm run build` (its last step): bundles the four functions into dist/functions/, the
 * prebuilt assets the construct (`piriod-mirror/cdk`) deploys with `Code.fromAsset`.
 */
import { join } from 'node:path';
import { buildFunctionBundles } from './function-bundler.js';

const outdir = join(import.meta.dirname, '..', 'dist', 'functions');
await buildFunctionBundles(outdir);
console.log(`bundled the functions into ${outdir}`);
