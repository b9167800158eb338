/**
 * Python's text for the scalars of a JSON document, as `str()` and `repr()` print what
 * `json.loads` made of them: Piriod signs webhooks over that text, so it must match to the
 * character. Numbers are taken from their JSON tokens, never from a JavaScript number alone.
 */

/** The most digits Python 3.11+ converts to an `int` (`sys.get_int_max_str_digits()`). */
const PYTHON_INT_MAX_STR_DIGITS = 4300;

/**
 * `str(int(token))` for a JSON integer token: exact, however large (`-0` is `0`). `undefined`
 * past Python's digit limit, where `json.loads` itself fails, so Piriod cannot have signed it.
 */
export function pythonInt(token: string): string | undefined {
  const negative = token.startsWith('-');
  const digits = negative ? token.slice(1) : token;
  if (digits.length > PYTHON_INT_MAX_STR_DIGITS) return undefined;
  return negative && digits !== '0' ? token : digits;
}

/**
 * `repr(float(token))` for a JSON number token with a fraction or an exponent: the shortest
 * digits that read back as the same double (JavaScript's `toExponential()` finds the same ones
 * as Python's repr), fixed notation for decimal exponents -4 to 15 with at least one digit
 * after the point, scientific otherwise with a signed exponent of at least two digits
 * (`1e+16`, `1.5e-07`); `inf`/`-inf` for a token beyond the double range.
 */
export function pythonFloat(token: string): string {
  const x = Number(token);
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * Characters Python does not print as themselves in a `repr` (`str.isprintable()` is false):
 * the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, except the ASCII space. (Node's Unicode
 * tables may be newer than Piriod's Python: a character assigned in between differs.)
 */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/**
 * `repr(s)` of a Python `str`: single quotes unless the text holds a `'` and no `"`; a
 * backslash before `\` and the chosen quote; `\t`, `\n`, `\r`; `\xhh`, `\uhhhh` or
 * `\Uhhhhhhhh` for any other character Python does not print.
 */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${quote}${out}${quote}`;
}
