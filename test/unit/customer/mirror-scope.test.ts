import { describe, expect, it } from 'vitest';
import { inMirrorScope, scopeClash } from '../../../lib/customer/mirror-scope.js';

const LIVE = { workspace: 'acc_X' };
const TEST = { workspace: 'acc_X', testMode: true };

describe('inMirrorScope: whose a stored customer is', () => {
  it('counts an item without testMode as live only, never as test mode', () => {
    expect(inMirrorScope({ workspace: 'acc_X' }, LIVE)).toBe(true);
    expect(inMirrorScope({ workspace: 'acc_X' }, TEST)).toBe(false);
  });

  it('matches workspace and mode both', () => {
    expect(inMirrorScope({ workspace: 'acc_X', testMode: true }, TEST)).toBe(true);
    expect(inMirrorScope({ workspace: 'acc_X', testMode: false }, TEST)).toBe(false);
    expect(inMirrorScope({ workspace: 'acc_X', testMode: true }, LIVE)).toBe(false);
    expect(inMirrorScope({ workspace: 'acc_Y', testMode: false }, LIVE)).toBe(false);
    expect(inMirrorScope({ workspace: 'acc_Y' }, undefined)).toBe(true);
  });
});

describe('scopeClash: why a write or tombstone must not land', () => {
  it('names the stored scope and the request’s, for the other mode', () => {
    expect(scopeClash('cus_1', { workspace: 'acc_X', testMode: true }, LIVE, 'write')).toBe(
      'customer cus_1 is mirrored for workspace acc_X in test mode; this write is for workspace acc_X live, so it is left as it is',
    );
    expect(scopeClash('cus_1', { workspace: 'acc_X' }, TEST, 'tombstone')).toBe(
      "customer cus_1 is mirrored for workspace acc_X live; this tombstone is for workspace acc_X in test mode, so Piriod's 404 there does not delete it",
    );
  });

  it('names another workspace, and lets the same scope through', () => {
    expect(scopeClash('cus_1', { workspace: 'acc_A' }, { workspace: 'acc_B' }, 'write')).toBe(
      'customer cus_1 is mirrored for workspace acc_A live; this write is for workspace acc_B live, so it is left as it is',
    );
    expect(scopeClash('cus_1', { workspace: 'acc_X', testMode: false }, LIVE, 'write')).toBe(
      undefined,
    );
    expect(scopeClash('cus_1', { workspace: 'acc_X', testMode: true }, TEST, 'tombstone')).toBe(
      undefined,
    );
  });

  it('lets a write, not a tombstone, take an item stored before workspaces were', () => {
    expect(scopeClash('cus_1', {}, LIVE, 'write')).toBe(undefined);
    expect(scopeClash('cus_1', {}, LIVE, 'tombstone')).toMatch(
      /^customer cus_1 is mirrored for no workspace live; this tombstone is for workspace acc_X live/,
    );
  });
});
