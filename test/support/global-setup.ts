import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../tools/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    /** This run's directory for the packed package (test/support/offline-install.ts). */
    packDir: string;
  }
}

let db: LocalDynamoDb | undefined;
let packDir: string | undefined;

/** One DynamoDB Local for the whole suite: the JVM start is the slow part. */
export async function setup(project: TestProject): Promise<void> {
  db = await startLocalDynamoDb();
  project.provide('dynamoEndpoint', db.endpoint);
  // Packing happens on first use (packOnce), so a run without package tests does not pay it.
  packDir = mkdtempSync(join(tmpdir(), 'piriod-mirror-pack-'));
  project.provide('packDir', packDir);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
}
