import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
} from '@smithy/core/config';
import { isLoopbackUrl } from '../loopback.js';
import { SDK_BUDGETS, type SdkBudget, sdkRequestHandler } from './sdk-budgets.js';

/** Credentials, as the SDK's providers resolve them (the shape of its `AwsCredentialIdentity`). */
type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** Credentials used against a loopback endpoint when none are configured: DynamoDB Local and local fakes accept any. */
const LOCAL_CREDENTIALS: Credentials = {
  accessKeyId: 'local',
  secretAccessKey: 'local',
};

/** Region used against a loopback endpoint when none is configured. */
export const LOCAL_REGION = 'us-east-1';

/** The part of an SDK v3 client's configuration this project sets. */
export interface SdkClientConfig {
  endpoint?: string;
  region?: string | (() => Promise<string>);
  credentials?: () => Promise<Credentials>;
  /** Connection and per-attempt timeouts that throw (see {@link SdkBudget}). */
  requestHandler: ReturnType<typeof sdkRequestHandler>;
  maxAttempts: number;
}

/**
 * Configuration for an AWS SDK v3 client that keeps the SDK's own credential and region
 * chains (environment, shared config files, SSO, container and instance roles) everywhere.
 * Only against a loopback endpoint (DynamoDB Local, local fakes), and only when those chains
 * find nothing, does it fall back to dummy credentials and `us-east-1`. Against loopback the
 * chain is cut to environment and shared files: it must never probe the instance-metadata
 * address from a laptop or CI machine.
 *
 * DynamoDB Local without `-sharedDb` keeps tables per access key and region, so configured
 * credentials must be the ones used, or the AWS CLI and this tool see different tables.
 *
 * Every client gets the connection and request timeouts of its caller's {@link SdkBudget}, so
 * a stalled endpoint fails the call instead of holding it for minutes.
 *
 * @param endpoint the endpoint override (from the config's `AWS_ENDPOINT_URL_<SERVICE>`, or an
 *   explicit one); `undefined` lets the SDK resolve AWS's endpoint (and read its own variables).
 * @param budget timeouts and attempts of the caller; the CLI's by default.
 */
export function sdkClientConfig(
  endpoint: string | undefined,
  region?: string,
  budget: SdkBudget = SDK_BUDGETS.cli,
): SdkClientConfig {
  const config: SdkClientConfig = {
    requestHandler: sdkRequestHandler(budget),
    maxAttempts: budget.maxAttempts,
  };
  if (endpoint) config.endpoint = endpoint;
  if (region) config.region = region;
  if (!isLoopbackUrl(endpoint)) return config;
  config.credentials = localCredentials;
  config.region ??= localRegion;
  return config;
}

async function localCredentials(): Promise<Credentials> {
  for (const provider of [fromEnv(), fromIni()]) {
    try {
      return await provider();
    } catch {
      // not configured this way: try the next source
    }
  }
  return LOCAL_CREDENTIALS;
}

async function localRegion(): Promise<string> {
  try {
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  } catch {
    return LOCAL_REGION;
  }
}
