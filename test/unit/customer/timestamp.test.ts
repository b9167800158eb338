import { describe, expect, it } from 'vitest';
import { compareInstants, instantKey, toUtcIso } from '../../../lib/customer/timestamp.js';

describe('toUtcIso', () => {
  it('keeps a UTC timestamp without fraction as given', () => {
    expect(toUtcIso('2023-11-07T05:31:56Z')).toBe('2023-11-07T05:31:56Z');
  });

  it('converts a local offset to UTC and keeps microseconds', () => {
    expect(toUtcIso('2020-10-15T13:26:15.356289-03:00')).toBe('2020-10-15T16:26:15.356289Z');
  });

  it('truncates digits beyond microseconds instead of rounding into the next second', () => {
    expect(toUtcIso('2021-03-01T09:00:59.9999999+00:00')).toBe('2021-03-01T09:00:59.999999Z');
  });

  it('accepts a space separator, no zone (UTC) and compact offsets', () => {
    expect(toUtcIso('2020-10-15 13:26:15')).toBe('2020-10-15T13:26:15Z');
    expect(toUtcIso('2020-10-15T01:00:00+0530')).toBe('2020-10-14T19:30:00Z');
  });

  it('crosses day and year boundaries when applying the offset', () => {
    expect(toUtcIso('2020-12-31T22:00:00-03:00')).toBe('2021-01-01T01:00:00Z');
  });

  it('rejects what is not a date-time', () => {
    for (const bad of ['yesterday', '2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z', '', '12:00']) {
      expect(toUtcIso(bad)).toBeUndefined();
    }
  });
});

describe('compareInstants', () => {
  it('orders by instant even when the fraction lengths differ', () => {
    expect(compareInstants('2023-01-01T00:00:56Z', '2023-01-01T00:00:56.5Z')).toBeLessThan(0);
    expect(compareInstants('2023-01-01T00:00:56.500Z', '2023-01-01T00:00:56.5Z')).toBe(0);
    expect(compareInstants('2023-01-01T00:00:57Z', '2023-01-01T00:00:56.999999Z')).toBeGreaterThan(
      0,
    );
  });

  it('treats an absent timestamp as older than any present one', () => {
    expect(compareInstants(undefined, '2023-01-01T00:00:00Z')).toBeLessThan(0);
    expect(compareInstants('2023-01-01T00:00:00Z', undefined)).toBeGreaterThan(0);
    expect(compareInstants(undefined, undefined)).toBe(0);
  });

  it('gives keys that sort chronologically as strings', () => {
    expect(instantKey('2023-01-01T00:00:56Z')).toBe('2023-01-01T00:00:56.000000');
    expect(instantKey('2023-01-01T00:00:56.5Z')).toBe('2023-01-01T00:00:56.500000');
  });
});
