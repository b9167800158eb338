import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The four functions, by their folder under `functions/` and under the bundles' folder. */
export const FUNCTION_NAMES = [
  'full-mirror',
  'refresh-customers',
  'receive-webhook',
  'publish-changes',
] as const;

/** One of {@link FUNCTION_NAMES}. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** File name of each bundle: Lambda's handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Context key naming another folder of bundles (one sub-folder per function). The
 * repository's tests build the bundles once into a temporary folder and point here, so a
 * concurrent `npm pack` (which rebuilds `dist/`) cannot pull them away mid-synth.
 */
export const BUNDLES_CONTEXT_KEY = 'piriod-mirror:functionBundles';

/**
 * Where the prebuilt bundles are: `dist/functions/` of the package. The construct runs
 * compiled from `dist/cdk/infra/` (installed) or from `infra/` (a clone, through tsx), so
 * both relative places are tried.
 */
export function defaultBundlesDir(): string {
  const candidates = ['../../functions/', '../dist/functions/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(dir)) ?? (candidates[1] as string);
}

/** A function's bundle folder is missing: the package was not built. */
export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/** The folder holding `name`'s bundle, checked to exist, with what to run when it does not. */
export function bundleDir(bundlesDir: string, name: FunctionName): string {
  const dir = `${bundlesDir.replace(/\/?$/, '/')}${name}`;
  if (!existsSync(`${dir}/${BUNDLE_FILE}`)) {
    throw new MissingBundleError(
      `piriod-mirror: no function bundle at ${dir}/${BUNDLE_FILE}: in a clone, run \`npm run build\` first`,
    );
  }
  return dir;
}
