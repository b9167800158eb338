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
    /** This run's directory for the packed package (test/support/offline-install.ts). */
    packDir: string;
    /** The four function bundles, built once for every synth of the suite. */
    functionBundles: string;
  }
}

let db: LocalDynamoDb | undefined;
let packDir: string | undefined;
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
  // Packing happens on first use (packOnce), so a run without package tests does not pay it.
  packDir = mkdtempSync(join(tmpdir(), 'piriod-mirror-pack-'));
  project.provide('packDir', packDir);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
  if (bundles) rmSync(bundles, { recursive: true, force: true });
}
