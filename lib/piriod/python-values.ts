import { pythonFloat, pythonInt, pythonStringRepr } from './python-repr.js';

/** Nesting rendered at most; Piriod's notifications are flat `{event, object_id}` objects. */
const MAX_DEPTH = 32;
/** Characters rendered at most (the receiver takes bodies up to 64 KiB). */
const MAX_RENDERED_CHARS = 256 * 1024;

/** The text cannot be one Piriod signed (not a JSON object, too deep or too large). */
class Unrenderable extends Error {
  override readonly name = 'Unrenderable';
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * What Piriod signs of a JSON object's text: Python's `''.join(map(str, payload.values()))`
 * after `payload = json.loads(text)`, rendered from the text itself in one pass — keys in the
 * order first sent (a repeated key keeps its place and takes its last value, as a `dict`
 * does), integers exactly as written, floats as Python's `repr`, strings inside objects and
 * lists quoted and escaped as `repr` does, `True`/`False`/`None`. `undefined` when the text is
 * not a JSON object, nests deeper than 32 levels or renders past 256 K characters: no
 * notification Piriod sends is any of those.
 */
export function pythonValuesOf(text: string): string | undefined {
  try {
    const reader = new ValueReader(text);
    const top = reader.object(0, true);
    reader.skipWhitespace();
    if (reader.at !== text.length) return undefined;
    return [...top.values()].join('');
  } catch {
    // Unrenderable, or text that is not JSON at all (JSON.parse of a bad string): unsigned.
    return undefined;
  }
}

/** A recursive-descent reader of JSON text that renders each value as Python prints it. */
class ValueReader {
  at = 0;
  private budget = MAX_RENDERED_CHARS;

  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.test(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  /** The members of an object as key → rendered value; `str()` of strings when `top`. */
  object(depth: number, top = false): Map<string, string> {
    if (depth > MAX_DEPTH) throw new Unrenderable('too deep');
    this.skipWhitespace();
    this.expect('{');
    const members = new Map<string, string>();
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at++;
      return members;
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.string();
      this.skipWhitespace();
      this.expect(':');
      // A Map keeps a repeated key's first place and takes its last value: a dict's rule.
      members.set(key, this.value(depth + 1, top));
      this.skipWhitespace();
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect('}');
      return members;
    }
  }

  private value(depth: number, top: boolean): string {
    this.skipWhitespace();
    const c = this.text[this.at];
    let out: string;
    if (c === '"') {
      const s = this.string();
      out = top ? s : pythonStringRepr(s);
    } else if (c === '{') {
      const entries = [...this.object(depth)].map(([k, v]) => `${pythonStringRepr(k)}: ${v}`);
      out = `{${entries.join(', ')}}`;
    } else if (c === '[') {
      out = `[${this.array(depth).join(', ')}]`;
    } else if (this.literal('true')) out = 'True';
    else if (this.literal('false')) out = 'False';
    else if (this.literal('null')) out = 'None';
    else out = this.number();
    // Every rendered piece spends the budget, so the work stays linear in the body's size.
    this.budget -= out.length;
    if (this.budget < 0) throw new Unrenderable('renders too large');
    return out;
  }

  private array(depth: number): string[] {
    if (depth > MAX_DEPTH) throw new Unrenderable('too deep');
    this.expect('[');
    const items: string[] = [];
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1, false));
      this.skipWhitespace();
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect(']');
      return items;
    }
  }

  private number(): string {
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) throw new Unrenderable('not JSON');
    this.at = NUMBER.lastIndex;
    if (m[1] !== undefined || m[2] !== undefined) return pythonFloat(m[0]);
    const int = pythonInt(m[0]);
    if (int === undefined) throw new Unrenderable('an integer Python does not read');
    return int;
  }

  private string(): string {
    const text = this.text;
    if (text[this.at] !== '"') throw new Unrenderable('not JSON');
    let end = this.at + 1;
    for (;;) {
      const close = text.indexOf('"', end);
      if (close < 0) throw new Unrenderable('not JSON');
      // A quote is the end unless an odd run of backslashes precedes it.
      let slashes = 0;
      while (text[close - 1 - slashes] === '\\') slashes++;
      end = close + 1;
      if (slashes % 2 === 0) break;
    }
    const raw = text.slice(this.at, end);
    this.at = end;
    // Most strings hold no escape: slicing them spares JSON.parse.
    return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  private expect(c: string): void {
    if (this.text[this.at] !== c) throw new Unrenderable('not JSON');
    this.at++;
  }
}
