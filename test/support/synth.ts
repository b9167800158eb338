import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { buildApp } from '../../infra/app.js';
import { BUNDLES_CONTEXT_KEY } from '../../infra/function-bundles.js';

/**
 * Context for a synth in the suite: the function bundles the global setup built once, so
 * no test depends on `dist/`.
 */
export function bundlesContext(): Record<string, string> {
  return { [BUNDLES_CONTEXT_KEY]: inject('functionBundles') };
}

/** Synthesizes the real app (cdk-nag included) once, from the suite's prebuilt bundles. */
export function synthApp(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'piriod-mirror-cdk-'));
  const { app, stack } = buildApp(
    new App({ outdir, context: { workspace: 'acc_test', ...bundlesContext(), ...context } }),
  );
  // Throws "Validation failed" when cdk-nag has an unacknowledged finding.
  const template = Template.fromStack(stack);
  const assembly = app.synth();
  return { app, stack, template, assembly };
}
