import { expect } from 'vitest';
import type { AwsCallRecorder } from './aws-call-recorder.js';
import type { AwsCall } from './aws-calls.js';
import type { DeployedFunction } from './deployed-functions.js';
import { deniedCalls } from './role-check.js';

/**
 * Runs the deployed functions of a simulated deployment against the AWS-call recorder: each
 * with its environment as the stack sets it (only endpoints and Piriod pointed at local
 * stand-ins), every call it makes checked against its synthesized role.
 */
export function permissionHarness(options: {
  functions: () => Map<string, DeployedFunction>;
  recorder: () => AwsCallRecorder;
  piriodUrl: () => string;
  region: string;
}) {
  /** What each function's code called while a test drove it. */
  const recorded = new Map<string, AwsCall[]>();
  const fn = (name: string): DeployedFunction => {
    const found = options.functions().get(name);
    if (!found) throw new Error(`no function ${name} in the template`);
    return found;
  };
  /** The function's environment as the stack sets it; only endpoints point at local stand-ins. */
  const envOf = (name: string): Record<string, string> => {
    const e = fn(name).environment;
    const aws = options.recorder().url;
    return {
      ...e,
      // Lambda sets the region; Piriod is the sandbox; every AWS service is the recorder.
      AWS_REGION: options.region,
      ...(e.PIRIOD_API_URL ? { PIRIOD_API_URL: options.piriodUrl() } : {}),
      AWS_ENDPOINT_URL: aws,
      AWS_ENDPOINT_URL_DYNAMODB: aws,
      AWS_ENDPOINT_URL_SQS: aws,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws,
    };
  };
  /** Runs `drive` with a fresh recording, keeps the function's calls, and fails on any the role denies. */
  const driven = async (name: string, drive: (env: Record<string, string>) => Promise<void>) => {
    const recorder = options.recorder();
    recorder.reset();
    await drive(envOf(name));
    expect(recorder.unmodelled, 'calls the check cannot model').toEqual([]);
    const calls = recorder.calls();
    recorded.set(name, [...(recorded.get(name) ?? []), ...calls]);
    expect(deniedCalls(fn(name), [...calls, ...fn(name).onBehalf])).toEqual([]);
    return calls;
  };
  return { fn, envOf, driven, recorded };
}
