import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretNotSetError } from '../../../lib/env-variables.js';
import type { ChangePublisher } from '../../../lib/ports.js';
import { type EmfMetric, emfMetrics, stdoutOf } from '../../support/emf.js';
import { functionUrlEvent, signedWebhook, sqsEvent } from '../../support/events.js';
import {
  fixedSecret,
  lambdaContext,
  MemoryBus,
  MemoryDeadLetters,
  MemoryRefreshQueue,
} from '../../support/fakes.js';
import {
  MemoryCycleLease,
  MemoryMirrorStatus,
  MemoryPiriod,
  MemoryStore,
} from '../../support/memory-ports.js';
import { synthApp } from '../../support/synth.js';
import { signedFor } from '../../support/workspace-deps.js';

/*
 * A failure a handler answers instead of throwing (a 500 from the Function URL, a batch item
 * failure on the stream) raises no Lambda Errors alarm. These tests run the handlers with
 * their real Powertools metrics and check that what they emit is exactly what the stack's
 * alarms watch: same namespace, metric name and dimensions.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

type Alarm = {
  Namespace?: string;
  MetricName: string;
  Dimensions?: { Name: string; Value: string }[];
  AlarmDescription: string;
};

let alarms: Alarm[];
let streamMappings: { MaximumRecordAgeInSeconds?: number }[];
let handlers: {
  receiveWebhook: typeof import('../../../functions/receive-webhook/handler.js');
  publishChanges: typeof import('../../../functions/publish-changes/handler.js');
};
beforeAll(async () => {
  const { template } = synthApp({ publishChanges: 'true', 'aws:cdk:bundling-stacks': [] });
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as Alarm,
  );
  streamMappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
    .map((m) => m.Properties)
    .filter((p) => p.StartingPosition);
  handlers = {
    receiveWebhook: await import('../../../functions/receive-webhook/handler.js'),
    publishChanges: await import('../../../functions/publish-changes/handler.js'),
  };
});

/** The alarm on `metricName`; fails when the stack has none. */
function alarmOn(metricName: string): Alarm {
  const found = alarms.filter((a) => a.MetricName === metricName);
  expect(found, `alarms on ${metricName}`).toHaveLength(1);
  return found[0] as Alarm;
}

/** Whether an emitted metric is the one an alarm reads (CloudWatch matches all dimensions). */
function feeds(alarm: Alarm, m: EmfMetric): boolean {
  const dims = Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  return (
    m.namespace === alarm.Namespace &&
    m.name === alarm.MetricName &&
    JSON.stringify(Object.entries(m.dimensions).sort()) ===
      JSON.stringify(Object.entries(dims).sort())
  );
}

const INSERT: DynamoDBRecord = {
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: '100',
    NewImage: { id: { S: 'cus_1' }, updated: { S: '2026-11-25T12:00:00Z' } },
  },
};

describe('alarms that watch what handlers answer instead of throwing', () => {
  it('publish-changes: with EventBridge failing, emits the metric the ChangesPublishFailed alarm reads', async () => {
    const failing: ChangePublisher = {
      publish: async () => {
        throw new Error('EventBridge: InternalFailure');
      },
    };
    const handler = handlers.publishChanges.createPublishChangesHandler(async () => ({
      publisher: failing,
    }));
    let answer: unknown;
    const lines = await stdoutOf(async () => {
      answer = await handler({ Records: [INSERT] }, lambdaContext());
    });
    // Answered, not thrown: Lambda's Errors metric would never see it.
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    const alarm = alarmOn('ChangesPublishFailed');
    expect(
      emfMetrics(lines)
        .filter((m) => feeds(alarm, m))
        .map((m) => m.value),
    ).toEqual([1]);
  });

  it('publish-changes: a healthy batch emits no failure', async () => {
    const handler = handlers.publishChanges.createPublishChangesHandler(async () => ({
      publisher: new MemoryBus(),
    }));
    const lines = await stdoutOf(() => handler({ Records: [INSERT] }, lambdaContext()));
    const alarm = alarmOn('ChangesPublishFailed');
    expect(emfMetrics(lines).filter((m) => feeds(alarm, m))).toEqual([]);
  });

  it('receive-webhook: a refused bus answers 200 through the queue and feeds the WebhookPublishFailed alarm', async () => {
    const bus = new MemoryBus();
    bus.failRequests = true;
    const handler = handlers.receiveWebhook.createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret('whsecret_test')),
      requests: bus,
    }));
    let status: number | undefined;
    const lines = await stdoutOf(async () => {
      const res = await handler(
        signedWebhook({ event: 'customer.updated', object_id: 'cus_01H8XYZ' }, 'whsecret_test'),
        lambdaContext(),
      );
      status = res.statusCode;
    });
    expect(status).toBe(200);
    const alarm = alarmOn('WebhookPublishFailed');
    expect(
      emfMetrics(lines)
        .filter((m) => feeds(alarm, m))
        .map((m) => m.value),
    ).toEqual([1]);
    expect(emfMetrics(lines).map((m) => m.name)).toContain('WebhookQueued');
  });

  it.each([
    ['the bus and the queue refuse', 'refuse' as const],
    ['the signing secret cannot be read', 'secret' as const],
  ])(
    'receive-webhook: when %s, answers 202 and feeds the WebhookUnprocessed alarm',
    async (_, failure) => {
      const bus = new MemoryBus();
      const queue = new MemoryBus();
      bus.failRequests = queue.failRequests = failure === 'refuse';
      const unreadable = {
        get: async (): Promise<string> => {
          throw new Error('Secrets Manager unavailable');
        },
        refresh: async (): Promise<string> => {
          throw new Error('Secrets Manager unavailable');
        },
      };
      const handler = handlers.receiveWebhook.createReceiveWebhookHandler(async () => ({
        ...signedFor(failure === 'secret' ? unreadable : fixedSecret('whsecret_test')),
        requests: bus,
        queue,
      }));
      let status: number | undefined;
      const lines = await stdoutOf(async () => {
        const res = await handler(
          signedWebhook({ event: 'customer.updated', object_id: 'cus_01H8XYZ' }, 'whsecret_test'),
          lambdaContext(),
        );
        status = res.statusCode;
      });
      expect(status).toBe(202);
      const alarm = alarmOn('WebhookUnprocessed');
      expect(alarm.AlarmDescription).toMatch(/not acted on/);
      expect(
        emfMetrics(lines)
          .filter((m) => feeds(alarm, m))
          .map((m) => m.value),
      ).toEqual([1]);
    },
  );

  it('receive-webhook: before its secret is set, answers 202 and counts NotConfigured', async () => {
    const notSet = {
      get: async (): Promise<string> => {
        throw new SecretNotSetError('the secret has no value yet');
      },
      refresh: async (): Promise<string> => {
        throw new SecretNotSetError('the secret has no value yet');
      },
    };
    const handler = handlers.receiveWebhook.createReceiveWebhookHandler(async () => ({
      ...signedFor(notSet),
      requests: new MemoryBus(),
    }));
    let status: number | undefined;
    const lines = await stdoutOf(async () => {
      const res = await handler(
        signedWebhook({ event: 'customer.updated', object_id: 'cus_01H8XYZ' }, 'whsecret_test'),
        lambdaContext(),
      );
      status = res.statusCode;
    });
    expect(status).toBe(202);
    expect(emfMetrics(lines)).toEqual([
      expect.objectContaining({
        name: 'NotConfigured',
        value: 1,
        dimensions: { service: 'receive-webhook' },
      }),
    ]);
  });

  it('receive-webhook: counts every outcome, rejections by reason', async () => {
    const handler = handlers.receiveWebhook.createReceiveWebhookHandler(async () => ({
      ...signedFor(fixedSecret('whsecret_test')),
      requests: new MemoryBus(),
    }));
    const cases = [
      [
        signedWebhook({ event: 'customer.updated', object_id: 'cus_01H8XYZ' }, 'whsecret_test'),
        'WebhookAccepted',
        undefined,
      ],
      [
        signedWebhook({ event: 'invoice.paid', object_id: 'inv_1' }, 'whsecret_test'),
        'WebhookIgnored',
        'not-a-customer',
      ],
      [functionUrlEvent({ method: 'GET' }), 'WebhookRejected', 'method'],
      [functionUrlEvent({ body: 'x'.repeat(70_000) }), 'WebhookRejected', 'too-large'],
      [functionUrlEvent({ body: '[1]' }), 'WebhookRejected', 'malformed'],
      [
        functionUrlEvent({ body: '{"event":"customer.updated","object_id":"cus_1"}' }),
        'WebhookRejected',
        'signature',
      ],
    ] as const;
    for (const [event, name, reason] of cases) {
      const lines = await stdoutOf(() => handler(event, lambdaContext()));
      const counted = emfMetrics(lines).filter((m) => m.name.startsWith('Webhook'));
      expect(counted, name).toEqual([
        expect.objectContaining({
          name,
          value: 1,
          dimensions: { service: 'receive-webhook', ...(reason ? { reason } : {}) },
        }),
      ]);
    }
  });
});

describe('the change stream', () => {
  it('alarms within minutes when publish-changes falls behind, not after a day', () => {
    const alarm = alarmOn('IteratorAge') as Alarm & {
      Threshold: number;
      Statistic: string;
      Namespace: string;
    };
    // Milliseconds, as Lambda reports IteratorAge: ten minutes behind, at worst.
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 600_000,
    });
    expect(alarm.Dimensions).toEqual([
      {
        Name: 'FunctionName',
        Value: expect.objectContaining({ Ref: expect.stringMatching(/^PublishChanges/) }),
      },
    ]);
  });

  it('gives up on a failing batch after at most 6 hours, while the stream still holds its records', () => {
    expect(streamMappings).toHaveLength(1);
    const age = streamMappings[0]?.MaximumRecordAgeInSeconds ?? -1;
    // -1 (or a day) would block the shard until its records are trimmed.
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThanOrEqual(6 * 3600);
  });
});

describe('the full mirror of each workspace', () => {
  it("feeds its own workspace's MirrorStale alarm with MirrorStaleness once a cycle completed, and no other's", async () => {
    const { template } = synthApp({
      workspace: undefined,
      workspaces: 'acc_A,acc_B',
      'aws:cdk:bundling-stacks': [],
    });
    // The staleness metric each MirrorStale alarm's expression reads, by workspace.
    type MathAlarm = {
      AlarmDescription: string;
      Metrics?: { Id: string; MetricStat?: { Metric: Alarm } }[];
    };
    const stale = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as MathAlarm)
      .filter((a) => String(a.AlarmDescription).startsWith('No full mirror of workspace'))
      .map((a) => {
        const m = a.Metrics?.find((x) => x.Id === 'staleness')?.MetricStat?.Metric as Alarm;
        return { ...m, Namespace: m.Namespace, MetricName: m.MetricName };
      });
    expect(stale).toHaveLength(2);
    const fullMirror = await import('../../../functions/full-mirror/handler.js');
    const handler = fullMirror.createFullMirrorHandler(async () => ({
      workspaces: {
        ids: ['acc_A', 'acc_B'],
        open: async (workspace) => ({ piriod: new MemoryPiriod([]), workspace, testMode: false }),
      },
      store: new MemoryStore(),
      clock: { now: () => new Date('2026-11-25T12:00:00Z') },
      queue: new MemoryRefreshQueue(),
      continuation: new MemoryBus(),
      leaseOf: () => new MemoryCycleLease(),
      statusOf: (scope) => new MemoryMirrorStatus(scope),
    }));
    const lines = await stdoutOf(() =>
      handler(
        { 'detail-type': 'Scheduled Event', detail: { workspace: 'acc_B' } },
        lambdaContext(),
      ),
    );
    const fed = stale.map((alarm) => emfMetrics(lines).filter((m) => feeds(alarm, m)).length);
    const workspaceOf = (a: Alarm) => a.Dimensions?.find((d) => d.Name === 'Workspace')?.Value;
    expect(stale.map(workspaceOf)).toEqual(['acc_A', 'acc_B']);
    expect(fed).toEqual([0, 1]);
  });
});

describe('before the API token is set', () => {
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ApiTokenSecret-AbCdEf';
  const notSet = () =>
    new SecretNotSetError(
      `the secret ${ARN} (PIRIOD_API_TOKEN_SECRET_ARNS.acc_test) has no value yet`,
      {
        secretArn: ARN,
      },
    );

  it('a scheduled full mirror ends without error, reads and sends nothing, logs and counts "not configured: set <ARN>"', async () => {
    const piriod = new MemoryPiriod([]);
    const lease = new MemoryCycleLease();
    const queue = new MemoryRefreshQueue();
    const bus = new MemoryBus();
    const store = new MemoryStore();
    const fullMirror = await import('../../../functions/full-mirror/handler.js');
    const handler = fullMirror.createFullMirrorHandler(async () => ({
      workspaces: { ids: ['acc_test'], open: async () => Promise.reject(notSet()) },
      store,
      clock: { now: () => new Date('2026-11-25T12:00:00Z') },
      queue,
      continuation: bus,
      leaseOf: () => lease,
      statusOf: (scope) => new MemoryMirrorStatus(scope),
    }));
    let report: unknown;
    const lines = await stdoutOf(async () => {
      report = await handler(
        { 'detail-type': 'Scheduled Event', detail: { workspace: 'acc_test' } },
        lambdaContext(),
      );
    });
    expect(report).toEqual({
      completed: false,
      skipped: 'not-configured',
      reason: `not configured: set ${ARN}`,
      secret: ARN,
    });
    expect(piriod.requests).toEqual([]);
    expect(lease.calls).toEqual([]);
    expect(queue.messages).toEqual([]);
    expect(bus.continuations).toEqual([]);
    expect(store.writes).toBe(0);
    const emitted = emfMetrics(lines);
    // Nothing failed: no InvocationFailed, and no MirrorCompleted for MirrorStalled to read.
    expect(emitted.map((m) => m.name)).toEqual(['NotConfigured']);
    // What it counts is exactly what the NotConfigured alarm reads.
    expect(emitted.filter((m) => feeds(alarmOn('NotConfigured'), m)).map((m) => m.value)).toEqual([
      1,
    ]);
  });

  it('a refresh request is dead-lettered at once, its reason naming the secret to set', async () => {
    const refresh = await import('../../../functions/refresh-customers/handler.js');
    const deadLetters = new MemoryDeadLetters();
    const handler = refresh.createRefreshCustomersHandler(async () => ({
      workspaces: { ids: ['acc_test'], open: async () => Promise.reject(notSet()) },
      store: new MemoryStore(),
      clock: { now: () => new Date('2026-11-25T12:00:00Z') },
      deadLetters,
      concurrency: 2,
    }));
    let res: { batchItemFailures: unknown[] } | undefined;
    await stdoutOf(async () => {
      // First receive: a transient failure would be retried; this one is not.
      res = await handler(sqsEvent([JSON.stringify({ customerId: 'cus_1' })]), lambdaContext());
    });
    expect(res?.batchItemFailures).toEqual([]);
    expect(deadLetters.sent).toEqual([
      expect.objectContaining({
        customerId: 'cus_1',
        reason: expect.stringContaining(`the secret ${ARN} `),
      }),
    ]);
  });
});
