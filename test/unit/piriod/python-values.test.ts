import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pythonFloat, pythonInt, pythonStringRepr } from '../../../lib/piriod/python-repr.js';
import { pythonValuesOf } from '../../../lib/piriod/python-values.js';

/** Bodies and Python's `''.join(map(str, json.loads(body).values()))`, from generate.py. */
const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/signature/python-values.json', import.meta.url), 'utf8'),
) as { cases: { name: string; text: string; rendered: string }[] };

describe('pythonValuesOf', () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('renders as Python does: %s', (_, c) => {
    expect(pythonValuesOf(c.text)).toBe(c.rendered);
  });

  it('keeps the order of ~8,000 keys as sent, repeated keys in their first place', () => {
    // Integer-like keys (which JSON.parse moves first), each key sent twice; the second
    // occurrence's value wins, in the first occurrence's place.
    const n = 8000;
    const first = Array.from({ length: n }, (_, i) => `"${(n - i) * 7}":"a${i}"`);
    const again = Array.from({ length: n }, (_, i) => `"${(n - i) * 7}":"b${i}"`);
    const text = `{${[...first, ...again].join(',')}}`;
    const expected = Array.from({ length: n }, (_, i) => `b${i}`).join('');
    expect(pythonValuesOf(text)).toBe(expected);
  });

  it('is undefined for a text that is not a JSON object or renders too large', () => {
    for (const text of ['[]', '1', '"x"', '', '{"a":}', '{"a": 1}}', '{"a": tru}']) {
      expect(pythonValuesOf(text), text).toBeUndefined();
    }
    // An integer longer than Python 3.11 reads (json.loads raises): Piriod signed no such body.
    expect(pythonValuesOf(`{"a": ${'9'.repeat(4301)}}`)).toBeUndefined();
    // 40,000 one-character strings in a list render to over 256 K characters.
    expect(pythonValuesOf(`{"a": [${Array(40_000).fill('"\\u0000"').join(',')}]}`)).toBeUndefined();
  });
});

describe('Python scalars', () => {
  it('prints floats as repr does', () => {
    const cases: [string, string][] = [
      ['1.0', '1.0'],
      ['1e16', '1e+16'],
      ['1e15', '1000000000000000.0'],
      ['9999999999999998.0', '9999999999999998.0'],
      ['0.1', '0.1'],
      ['1.5e-7', '1.5e-07'],
      ['0.0001', '0.0001'],
      ['0.00001', '1e-05'],
      ['-0.0', '-0.0'],
      ['123.456', '123.456'],
      ['1e100', '1e+100'],
      ['-2.5e-300', '-2.5e-300'],
      ['1e400', 'inf'],
    ];
    for (const [token, repr] of cases) expect(pythonFloat(token), token).toBe(repr);
  });

  it('prints integers exactly, however large', () => {
    expect(pythonInt('-0')).toBe('0');
    expect(pythonInt('18446744073709551617')).toBe('18446744073709551617');
    expect(pythonInt(`-${'1'.repeat(4300)}`)).toBe(`-${'1'.repeat(4300)}`);
  });

  it('quotes and escapes strings as repr does', () => {
    expect(pythonStringRepr('plain')).toBe("'plain'");
    expect(pythonStringRepr("it's")).toBe(`"it's"`);
    expect(pythonStringRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pythonStringRepr('a\u0000\u007f\u00a0\u200b\u{e0001}é')).toBe(
      "'a\\x00\\x7f\\xa0\\u200b\\U000e0001é'",
    );
  });
});
