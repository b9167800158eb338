import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../../infra/stack-outputs.js';
import { ROOT } from '../../support/import-graph.js';
import { installPacked } from '../../support/offline-install.js';
import { runCommand } from '../../support/run-cli.js';

/**
 * The construct as a team meets it: `examples/cdk-app` (plain JavaScript) installed from the
 * packed tarball, offline, into a fresh project with no esbuild, tsx or TypeScript, and
 * synthesized with plain node, cdk-nag's checks included (an unacknowledged finding fails
 * the synth): once with the construct's own bus, once on an existing bus.
 */

const EXAMPLE = join(ROOT, 'examples/cdk-app');
const STACK = 'BillingServices';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON.
type Template = { Resources: Record<string, { Type: string; Properties: any }>; Outputs: any };

let work: string;
let project: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'piriod-mirror-cdk-app-'));
  project = join(work, 'app');
  cpSync(join(EXAMPLE, 'app.mjs'), join(project, 'app.mjs'));
  const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8'));
  // Throws with npm's output when the offline install fails.
  await installPacked(project, manifest);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `node app.mjs` with `context`, as the CDK CLI would run it; the synthesized template. */
async function synth(context: Record<string, string>) {
  const outdir = mkdtempSync(join(work, 'cdk.out-'));
  const run = await runCommand(
    'node',
    ['app.mjs'],
    { CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
    project,
  );
  const file = join(outdir, `${STACK}.template.json`);
  const template = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Template)
    : undefined;
  return { run, template, outdir };
}

const ofType = (t: Template, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe('examples/cdk-app, installed from the tarball', () => {
  it('installs with no esbuild, tsx or TypeScript', () => {
    for (const absent of ['esbuild', 'tsx', 'typescript', '@aws-lambda-powertools']) {
      expect(existsSync(join(project, 'node_modules', absent)), absent).toBe(false);
    }
    expect(existsSync(join(project, 'node_modules/piriod-mirror/dist/cdk/infra/index.js'))).toBe(
      true,
    );
  });

  it('synthesizes with plain node and its own bus, cdk-nag clean, with the outputs doctor reads', async () => {
    const { run, template, outdir } = await synth({});
    expect(run.stderr).not.toMatch(/Validation failed|AwsSolutions-/);
    expect(run.code).toBe(0);
    const t = template as Template;
    expect(ofType(t, 'AWS::Events::EventBus')).toHaveLength(1);
    expect(Object.keys(t.Outputs).sort()).toEqual([...STACK_OUTPUTS].sort());
    // The four functions' code: prebuilt bundles staged as assets, nothing bundled here.
    const fns = ofType(t, 'AWS::Lambda::Function');
    expect(fns).toHaveLength(3);
    for (const [, fn] of fns) {
      expect(fn.Properties.Handler).toBe('index.handler');
      const asset = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
      expect(existsSync(join(outdir, `asset.${asset}`, 'index.mjs'))).toBe(true);
    }
  });

  it('synthesizes on an existing bus: no bus of its own, its rules and grants on that bus, and grantRead on the app’s role', async () => {
    const { run, template } = await synth({ existingBus: 'company-events' });
    expect(run.stderr).not.toMatch(/Validation failed|AwsSolutions-/);
    expect(run.code).toBe(0);
    const t = template as Template;
    expect(ofType(t, 'AWS::Events::EventBus')).toEqual([]);
    const rules = ofType(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
    expect(rules.length).toBeGreaterThan(0);
    for (const [, rule] of rules) expect(rule.Properties.EventBusName).toBe('company-events');
    expect(JSON.stringify(t)).toContain(':event-bus/company-events');

    const [roleId] =
      ofType(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('InvoicingService')) ?? [];
    const policies = ofType(t, 'AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId),
    );
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect([...statements[0].Action].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    // The table and its three query indexes, named one by one.
    expect(statements[0].Resource).toHaveLength(4);
  });
});
