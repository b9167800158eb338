import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';

/** Synthesizes the real app (cdk-nag included) once; bundles with the local esbuild. */
export function synthApp(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'piriod-mirror-cdk-'));
  const { app, stack } = buildApp(
    new App({ outdir, context: { workspace: 'acc_test', ...context } }),
  );
  // Throws "Validation failed" when cdk-nag has an unacknowledged finding.
  const template = Template.fromStack(stack);
  const assembly = app.synth();
  return { app, stack, template, assembly };
}
