import { describe, expect, it } from 'vitest';
import { planRefreshBatch } from '../../../lib/use-cases/refresh-batch-plan.js';
import {
  settleRefreshBatch,
  type WorkspaceRun,
} from '../../../lib/use-cases/refresh-batch-settle.js';

const message = (messageId: string, detail: object | string, receiveCount?: number) => ({
  messageId,
  body: typeof detail === 'string' ? detail : JSON.stringify(detail),
  ...(receiveCount === undefined ? {} : { receiveCount }),
});

describe('planning a refresh batch (pure)', () => {
  it('groups by workspace, gives each customer to the most urgent message, and letters what no receive can refresh', () => {
    const messages = [
      message('m1', { customerIds: ['cus_1', 'cus_2'], workspace: 'acc_A' }, 1),
      message('m2', { customerIds: ['cus_2', '../x'], workspace: 'acc_A' }, 5),
      message('m3', { customerId: 'cus_2', workspace: 'acc_B' }),
      message('m4', { customerId: 'cus_3', workspace: 'acc_Z' }),
      message('m5', 'not a refresh'),
    ];
    const plan = planRefreshBatch(messages, ['acc_A', 'acc_B']);
    // m2 is on its fifth receive: it claims cus_2 in acc_A; acc_B's cus_2 is another customer.
    expect([...plan.work].map(([w, bySource]) => [w, [...bySource]])).toEqual([
      ['acc_A', [['event', ['cus_2', 'cus_1']]]],
      ['acc_B', [['event', ['cus_2']]]],
    ]);
    expect([...plan.planned.keys()]).toEqual(['m2', 'm1', 'm3']);
    expect(plan.letters.map((l) => [l.message.messageId, l.customerId])).toEqual([
      ['m2', '../x'],
      ['m4', 'cus_3'],
      ['m5', undefined],
    ]);
  });
});

describe('settling a refresh batch (pure)', () => {
  const messages = [
    message('m1', { customerIds: ['cus_1', 'cus_2'] }, 1),
    message('m2', { customerIds: ['cus_1', 'cus_3'] }, 5),
  ];
  const plan = planRefreshBatch(messages, ['acc_1']);
  const run: WorkspaceRun = {
    outcomes: new Map([
      ['cus_1', { id: 'cus_1', result: 'failed', reason: 'schema-invalid', retryable: false }],
      ['cus_2', { id: 'cus_2', result: 'failed', reason: 'Piriod answered 503', retryable: true }],
    ]),
  };

  it('retries a message with a transient failure and keeps its dead letters for the receive that settles it', () => {
    const s = settleRefreshBatch(messages, plan, new Map([['acc_1', run]]), 5);
    expect([...s.retry]).toEqual(['m1']);
    // m2 is on its last receive: cus_1 fails for good, cus_3 was never started.
    expect(s.letters.map((l) => [l.message.messageId, l.customerId, l.reason])).toEqual([
      ['m2', 'cus_1', 'schema-invalid'],
      [
        'm2',
        'cus_3',
        "not refreshed: no Piriod request could finish before the invocation's deadline (dead-lettered on receive 5, maxReceiveCount 5)",
      ],
    ]);
    expect(s.notStarted).toBe(1);
  });

  it("ends every customer of a stopped workspace by the stop's reason, at once when it is for good", () => {
    const stopped: WorkspaceRun = {
      outcomes: new Map(),
      stop: { reason: 'Piriod rejected the token (401)', permanent: true },
    };
    const s = settleRefreshBatch(messages, plan, new Map([['acc_1', stopped]]), 5);
    expect(s.retry.size).toBe(0);
    expect(s.letters.map((l) => l.customerId)).toEqual(['cus_1', 'cus_2', 'cus_1', 'cus_3']);
    expect(s.notStarted).toBe(0);
  });
});
