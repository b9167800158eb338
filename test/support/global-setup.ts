import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../tools/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

let db: LocalDynamoDb | undefined;

/** One DynamoDB Local for the whole suite: the JVM start is the slow part. */
export async function setup(project: TestProject): Promise<void> {
  db = await startLocalDynamoDb();
  project.provide('dynamoEndpoint', db.endpoint);
}

export async function teardown(): Promise<void> {
  await db?.stop();
}
