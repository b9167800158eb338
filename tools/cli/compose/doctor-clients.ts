/** Composition: the AWS clients `doctor` reads a deployment with, built on first use. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { eventBridgeClient } from '../../../lib/aws/event-bridge-bus.js';
import { secretsManagerReader } from '../../../lib/aws/secret-value.js';
import { sqsClient } from '../../../lib/aws/sqs-queues.js';
import type { AwsEndpoints } from '../../../lib/config.js';
import { sdkClientConfig } from '../../../lib/sdk/sdk-config.js';

/** The clients, each made once when first asked for (a local run never builds CloudFormation's). */
export interface DoctorClients {
  cloudFormation(): CloudFormationClient;
  sns(): SNSClient;
  eventBridge(): EventBridgeClient;
  sqs(): SQSClient;
  /** Reads a secret by ARN, uncached (`doctor` wants the value the functions will read next). */
  secret: (arn: string) => Promise<string | undefined>;
}

/** {@link DoctorClients} from the SDK's usual settings and the `AWS_ENDPOINT_URL_*` overrides. */
export function doctorClients(endpoints: AwsEndpoints): DoctorClients {
  const lazy = <T>(make: () => T) => {
    let made: T | undefined;
    return () => {
      made ??= make();
      return made;
    };
  };
  const read = secretsManagerReader(endpoints.secretsManager);
  return {
    cloudFormation: lazy(() => new CloudFormationClient(sdkClientConfig(endpoints.cloudFormation))),
    sns: lazy(() => new SNSClient(sdkClientConfig(endpoints.sns))),
    eventBridge: lazy(() => eventBridgeClient(endpoints.eventBridge)),
    sqs: lazy(() => sqsClient(endpoints.sqs)),
    secret: (arn) => read(arn, { forceFetch: true }),
  };
}
