import { describe, expect, it } from 'vitest';
import { decideWrite } from '../../../lib/customer/write-rule.js';

const stored = {
  id: 'cus_1',
  updated: '2024-01-01T00:00:00Z',
  contentHash: 'a',
  fetchedAt: '2024-01-02T00:00:00.000Z',
};

describe('decideWrite', () => {
  it('creates an absent customer', () => {
    expect(decideWrite(undefined, { contentHash: 'a', fetchedAt: 'x' })).toBe('create');
  });

  it('updates on a later updated instant and calls an earlier one stale', () => {
    expect(
      decideWrite(stored, {
        updated: '2024-01-01T00:00:00.000001Z',
        contentHash: 'b',
        fetchedAt: '2024-01-01T00:00:00.000Z',
      }),
    ).toBe('update');
    expect(
      decideWrite(stored, {
        updated: '2023-12-31T23:59:59.999999Z',
        contentHash: 'b',
        fetchedAt: '2025-01-01T00:00:00.000Z',
      }),
    ).toBe('stale');
  });

  it('at equal updated: unchanged for the same hash, otherwise the later fetch wins', () => {
    expect(
      decideWrite(stored, {
        updated: '2024-01-01T00:00:00.000Z',
        contentHash: 'a',
        fetchedAt: '2025-01-01T00:00:00.000Z',
      }),
    ).toBe('unchanged');
    expect(
      decideWrite(stored, {
        updated: stored.updated,
        contentHash: 'b',
        fetchedAt: '2024-01-03T00:00:00.000Z',
      }),
    ).toBe('update');
    expect(
      decideWrite(stored, {
        updated: stored.updated,
        contentHash: 'b',
        fetchedAt: '2024-01-01T00:00:00.000Z',
      }),
    ).toBe('stale');
  });

  it('treats a missing updated as older than any present one', () => {
    expect(
      decideWrite(
        { id: 'cus_1', contentHash: 'a', fetchedAt: 'f' },
        { updated: '2020-01-01T00:00:00Z', contentHash: 'b', fetchedAt: 'f' },
      ),
    ).toBe('update');
    expect(decideWrite(stored, { contentHash: 'b', fetchedAt: '2030-01-01T00:00:00.000Z' })).toBe(
      'stale',
    );
  });

  it('revives a tombstone with newer data or data read after the tombstone, not with an older read', () => {
    const tomb = { ...stored, deleted: true, deletedAt: '2024-02-01T00:00:00.000Z' };
    expect(
      decideWrite(tomb, {
        updated: stored.updated,
        contentHash: 'a',
        fetchedAt: '2024-02-02T00:00:00.000Z',
      }),
    ).toBe('update');
    expect(
      decideWrite(tomb, {
        updated: '2024-03-01T00:00:00Z',
        contentHash: 'b',
        fetchedAt: '2024-01-15T00:00:00.000Z',
      }),
    ).toBe('update');
    expect(
      decideWrite(tomb, {
        updated: stored.updated,
        contentHash: 'a',
        fetchedAt: '2024-01-15T00:00:00.000Z',
      }),
    ).toBe('stale');
  });
});
