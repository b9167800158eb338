import { describe, expect, it } from 'vitest';
import { SDK_BUDGETS, type SdkCaller, worstCaseCallMs } from '../../lib/sdk/sdk-budgets.js';
import { synthApp } from '../support/synth.js';

/** The construct id of each function in the stack, by the caller name its handler uses. */
const FUNCTIONS: Record<Exclude<SdkCaller, 'cli'>, string> = {
  'full-mirror': 'FullMirror',
  'refresh-customers': 'RefreshCustomers',
  'receive-webhook': 'ReceiveWebhook',
  'publish-changes': 'PublishChanges',
};
/** Piriod gives up on a webhook delivery after this long (docs/events.md, "The webhook receiver"). */
const PIRIOD_WEBHOOK_WAIT_MS = 6_000;

describe('SDK budgets against the synthesized functions', () => {
  // No bundling: only the functions' settings are read.
  const { template } = synthApp({ publishChanges: 'true', 'aws:cdk:bundling-stacks': [] });
  const functions = template.findResources('AWS::Lambda::Function');
  const timeoutMs = (constructId: string) => {
    const found = Object.entries(functions).filter(([logicalId]) =>
      logicalId.startsWith(constructId),
    );
    expect(found, constructId).toHaveLength(1);
    return (found[0]?.[1].Properties.Timeout as number) * 1000;
  };

  it.each(Object.entries(FUNCTIONS))(
    '%s: two stalled SDK calls in a row still end before the function times out',
    (caller, constructId) => {
      const worst = worstCaseCallMs(SDK_BUDGETS[caller as SdkCaller]);
      expect(2 * worst).toBeLessThanOrEqual(timeoutMs(constructId));
    },
  );

  it('receive-webhook: a cold secret read and a PutEvents, both stalled, answer within Piriod’s wait', () => {
    expect(2 * worstCaseCallMs(SDK_BUDGETS['receive-webhook'])).toBeLessThan(
      PIRIOD_WEBHOOK_WAIT_MS,
    );
  });
});
