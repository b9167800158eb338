import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildFunctionBundles } from '../../scripts/function-bundler.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../tools/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** The four function bundles, built once for every synth of the suite. */
    functionBundles: string;
    /**
     * The package packed once for the whole run (`npm pack`), when the global setup packs
     * it; `packedTarball()` (offline-install.ts) packs it itself otherwise.
     */
    packedTarball?: string;
  }
}

let db: LocalDynamoDb | undefined;
let bundles: string | undefined;

/**
 * One DynamoDB Local for the whole suite (the JVM start is the slow part), and the function
 * bundles built once, outside `dist/` (which `npm pack` rebuilds while other files synthesize).
 */
export async function setup(project: TestProject): Promise<void> {
  bundles = mkdtempSync(join(tmpdir(), 'piriod-mirror-bundles-'));
  const [started] = await Promise.all([startLocalDynamoDb(), buildFunctionBundles(bundles)]);
  db = started;
  project.provide('dynamoEndpoint', db.endpoint);
  project.provide('functionBundles', bundles);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (bundles) rmSync(bundles, { recursive: true, force: true });
}
