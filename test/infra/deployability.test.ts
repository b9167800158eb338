import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.js';
import { refreshVisibilityTimeoutSeconds } from '../../lib/messages/routing.js';
import { docFiles, readDoc } from '../support/markdown.js';
import { STATEFUL_LOGICAL_IDS } from '../support/pinned-logical-ids.js';
import { synthApp } from '../support/synth.js';

// No bundling: these tests read the template's settings, not the functions' code.
const synth = (context: Record<string, unknown> = {}) =>
  synthApp({ 'aws:cdk:bundling-stacks': [], ...context }).template;

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];
const one = (template: Template, type: string, idPrefix: string): Resource => {
  const found = resources(template, type).find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no ${type} ${idPrefix}…`);
  return found[1];
};

/** The refresh worker's settings as deployed: its timeout, queue and SQS mapping. */
function workerSettings(template: Template) {
  const fn = one(template, 'AWS::Lambda::Function', 'RefreshCustomers').Properties;
  const queue = one(template, 'AWS::SQS::Queue', 'RefreshQueue').Properties;
  const [mapping] = resources(template, 'AWS::Lambda::EventSourceMapping').filter(([id]) =>
    id.startsWith('RefreshCustomers'),
  );
  return {
    timeout: fn.Timeout as number,
    reserved: fn.ReservedConcurrentExecutions as number | undefined,
    visibility: queue.VisibilityTimeout as number,
    window: (mapping?.[1].Properties.MaximumBatchingWindowInSeconds ?? 0) as number,
    maxConcurrency: mapping?.[1].Properties.ScalingConfig?.MaximumConcurrency as number,
  };
}

describe('deployable on any account', () => {
  it('sizes the refresh queue’s visibility timeout to six worker timeouts plus the batching window, up to a 300 s window', () => {
    for (const window of [0, 1, 300]) {
      const w = workerSettings(synth({ batchingWindowSeconds: String(window) }));
      expect(w.window).toBe(window);
      expect(w.visibility).toBeGreaterThanOrEqual(6 * w.timeout + w.window);
      expect(w.visibility).toBe(refreshVisibilityTimeoutSeconds(window));
    }
    expect(() => synth({ batchingWindowSeconds: '301' })).toThrow(/batchingWindowSeconds/);
  });

  it('keeps the SQS mapping’s maximum concurrency within the worker’s reserved concurrency', () => {
    for (const n of [2, 7]) {
      const w = workerSettings(synth({ workerConcurrency: String(n) }));
      expect(w.reserved).toBe(n);
      expect(w.maxConcurrency).toBeLessThanOrEqual(w.reserved as number);
    }
    // The mapping's minimum is 2: a worker reserved at 1 would have its own pollers throttled.
    expect(() => synth({ workerConcurrency: '1' })).toThrow(/workerConcurrency.*\[2, 100\]/);
  });

  it('reserves concurrency by default and says what account concurrency that needs', () => {
    const { app } = synthApp({ 'aws:cdk:bundling-stacks': [] });
    const fns = resources(synth(), 'AWS::Lambda::Function').map(
      ([, f]) => f.Properties.ReservedConcurrentExecutions,
    );
    expect(fns.sort()).toEqual([10, 2, 3]);
    const infos = app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .map((m) => String(m.data));
    expect(infos.some((m) => /account's Lambda concurrency must be at least 115/.test(m))).toBe(
      true,
    );
  });

  it('with reservedConcurrency=false reserves nothing, and the SQS mapping still bounds the worker', () => {
    const template = synth({ reservedConcurrency: 'false' });
    for (const [id, fn] of resources(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    }
    expect(workerSettings(template).maxConcurrency).toBe(2);
    expect(() => synth({ reservedConcurrency: 'maybe' })).toThrow(/reservedConcurrency/);
  });
});

describe('upgrading a deployed stack', () => {
  it('keeps the logical ids of data and of the one-per-queue mapping, so a deploy updates them in place', () => {
    // With change events on: the stream mapping exists too.
    const ids = Object.keys(synth({ publishChanges: 'true' }).toJSON().Resources);
    for (const [what, id] of Object.entries(STATEFUL_LOGICAL_IDS)) expect(ids, what).toContain(id);
  });
});

describe('tearing a stack down', () => {
  it('retains the table, the dead-letter queue, the alarm key and both secrets', () => {
    const resources = synth().toJSON().Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string }
    >;
    const retained = Object.values(resources)
      .filter((r) => r.DeletionPolicy === 'Retain')
      .map((r) => r.Type)
      .sort();
    expect(retained).toEqual(
      [
        'AWS::DynamoDB::GlobalTable',
        'AWS::KMS::Key',
        'AWS::SQS::Queue',
        'AWS::SecretsManager::Secret',
        'AWS::SecretsManager::Secret',
      ].sort(),
    );
  });
});

describe('stack outputs', () => {
  const template = synth();
  const outputs = Object.keys(template.findOutputs('*'));

  it('are exactly the stable names of the contract', () => {
    expect(outputs.sort()).toEqual([...STACK_OUTPUTS].sort());
  });

  it('include every output the README and docs name', () => {
    const named = outputNamesInDocs();
    expect(named.size).toBeGreaterThan(5);
    for (const [name, where] of named) expect(outputs, `${name} (${where})`).toContain(name);
  });
});

/**
 * Outputs the docs name, with where: placeholders in commands (`<TableName>`,
 * `<EventBusName output>`) and backticked output-like names (`WebhookUrl`). A placeholder
 * that starts upper-case must be an output, so `<DeadLetterQueue ARN>` is caught too.
 */
function outputNamesInDocs(): Map<string, string> {
  const named = new Map<string, string>();
  for (const file of docFiles()) {
    const lines = readDoc(file).split('\n');
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      for (const m of line.matchAll(/<([A-Z][^<>]*?)(?: output)?>/g))
        named.set(m[1] as string, where);
      for (const m of line.matchAll(/`([A-Z][a-z]+(?:[A-Z][a-z]+)+(?:Name|Arn|Arns|Url))`/g))
        named.set(m[1] as string, where);
    });
  }
  return named;
}
