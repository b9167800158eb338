import { describe, expect, it } from 'vitest';
import {
  formatWorkspaceList,
  MAX_WORKSPACES,
  parseWorkspaceList,
  resolveWorkspace,
} from '../../../lib/customer/workspaces.js';

describe('a deployment’s workspace list', () => {
  it('reads ids with an optional mode, and writes them back the same', () => {
    const list = parseWorkspaceList(' acc_A , acc_B:test,acc_C:live');
    expect(list).toEqual([
      { id: 'acc_A', testMode: false },
      { id: 'acc_B', testMode: true },
      { id: 'acc_C', testMode: false },
    ]);
    expect(formatWorkspaceList(list)).toBe('acc_A,acc_B:test,acc_C');
  });

  it.each([
    ['', /is empty/],
    [' , ', /is empty/],
    ['acc_A,,acc_B', /has an empty entry \(position 2\)/],
    ['acc A', /"acc A", which is not a workspace id/],
    ['acc_A:sandbox', /the mode after ":" must be test or live/],
    ['acc_A:test:x', /not a workspace id/],
    ['acc_A,acc_B,acc_A:test', /names acc_A twice/],
  ])('refuses %j, saying what is wrong', (text, message) => {
    expect(() => parseWorkspaceList(text)).toThrow(message);
  });

  it(`refuses more than ${MAX_WORKSPACES} workspaces`, () => {
    const many = Array.from({ length: MAX_WORKSPACES + 1 }, (_, i) => `acc_${i}`).join(',');
    expect(() => parseWorkspaceList(many)).toThrow(`at most ${MAX_WORKSPACES} per deployment`);
  });
});

describe('which workspace a request is for', () => {
  const one = ['acc_A'];
  const two = ['acc_A', 'acc_B'];
  it('is the named one, or the only one when none is named', () => {
    expect(resolveWorkspace(two, 'acc_B')).toEqual({ workspace: 'acc_B' });
    expect(resolveWorkspace(one, undefined)).toEqual({ workspace: 'acc_A' });
  });
  it('is missing when none is named and there are several, and unknown when not configured', () => {
    expect(resolveWorkspace(two, undefined)).toMatchObject({ problem: 'missing' });
    expect(resolveWorkspace(one, 'acc_Z')).toMatchObject({
      problem: 'unknown',
      reason: 'workspace "acc_Z" is not mirrored by this deployment (acc_A)',
    });
  });
});
