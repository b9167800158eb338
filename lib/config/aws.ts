/**
 * The AWS side of configuration: the customers table, the bus, the queues, where secrets are
 * read, and the endpoint overrides of local stand-ins.
 */
import {
  awsEndpoint,
  ConfigError,
  DEFAULT_TABLE_NAME,
  type Env,
  requireVariable,
} from '../env-variables.js';
import { CHECKS, readVariables } from './variables.js';

/** Where the customers table lives. */
export interface StoreConfig {
  tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); the SDK default otherwise. */
  endpoint: string | undefined;
  /** `AWS_REGION`; unset lets the SDK's region chain decide (profile, `AWS_DEFAULT_REGION`…). */
  region: string | undefined;
}

/** Reads the table settings. @throws ConfigError on a malformed value. */
export function loadStoreConfig(env: Env): StoreConfig {
  const e = readVariables(env, {
    CUSTOMERS_TABLE: CHECKS.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: CHECKS.url,
  });
  return {
    tableName: e.CUSTOMERS_TABLE ?? DEFAULT_TABLE_NAME,
    endpoint: e.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined,
  };
}

/**
 * Endpoint overrides of the AWS services reached besides DynamoDB (`AWS_ENDPOINT_URL_<SERVICE>`,
 * else `AWS_ENDPOINT_URL`, as the SDK reads them): local stand-ins in tests and `npm run dev`.
 * `undefined` leaves the SDK to resolve AWS's endpoint.
 */
export interface AwsEndpoints {
  eventBridge: string | undefined;
  sqs: string | undefined;
  secretsManager: string | undefined;
  cloudFormation: string | undefined;
  sns: string | undefined;
}

/** Reads the AWS endpoint overrides. */
export function loadAwsEndpoints(env: Env): AwsEndpoints {
  return {
    eventBridge: awsEndpoint(env, 'AWS_ENDPOINT_URL_EVENTBRIDGE'),
    sqs: awsEndpoint(env, 'AWS_ENDPOINT_URL_SQS'),
    secretsManager: awsEndpoint(env, 'AWS_ENDPOINT_URL_SECRETS_MANAGER'),
    cloudFormation: awsEndpoint(env, 'AWS_ENDPOINT_URL_CLOUDFORMATION'),
    sns: awsEndpoint(env, 'AWS_ENDPOINT_URL_SNS'),
  };
}

/** The stack's event bus: refresh requests, changes, continuations. */
export interface BusConfig {
  /** `EVENT_BUS_NAME`. */
  name: string;
  /** EventBridge endpoint override; AWS's otherwise. */
  endpoint: string | undefined;
}

/**
 * Reads the bus. `for`: who is missing it — a function (the stack sets it) or the CLI (whose
 * user needs to hear where the value comes from: the stack's output or `npm run dev`).
 *
 * @throws ConfigError when `EVENT_BUS_NAME` is unset or blank.
 */
export function loadBusConfig(env: Env, reader: 'function' | 'cli' = 'function'): BusConfig {
  const name =
    reader === 'function' ? requireVariable(env, 'EVENT_BUS_NAME') : env.EVENT_BUS_NAME?.trim();
  if (!name) {
    throw new ConfigError(
      "EVENT_BUS_NAME is not set: set it to the stack's EventBusName output (`aws cloudformation describe-stacks --stack-name PiriodMirror --query \"Stacks[0].Outputs[?OutputKey=='EventBusName'].OutputValue\" --output text`), or to the bus `npm run dev` prints in its export block",
    );
  }
  return { name, endpoint: loadAwsEndpoints(env).eventBridge };
}

/** One of the stack's SQS queues. */
export interface QueueConfig {
  url: string;
  /** SQS endpoint override; AWS's otherwise. */
  endpoint: string | undefined;
}

/**
 * Reads a queue the stack names in `variable` (`REFRESH_QUEUE_URL`, `DEAD_LETTER_QUEUE_URL`).
 *
 * @throws ConfigError when it is unset.
 */
export function loadQueueConfig(env: Env, variable: string): QueueConfig {
  return { url: requireVariable(env, variable), endpoint: loadAwsEndpoints(env).sqs };
}

/** Where a function reads its secrets (Secrets Manager, by each secret's ARN). */
export interface SecretsConfig {
  /** Secrets Manager endpoint override; AWS's (in each ARN's region) otherwise. */
  endpoint: string | undefined;
}

/** Reads where secrets are read. */
export function loadSecretsConfig(env: Env): SecretsConfig {
  return { endpoint: loadAwsEndpoints(env).secretsManager };
}
