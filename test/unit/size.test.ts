import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/import-graph.js';
import { functionSizes, lineCount } from '../support/source-size.js';

/** The product's and its tools' code: what the floors of docs/development.md hold to. */
const FOLDERS = ['lib', 'functions', 'infra', 'tools', 'bench'];
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;

const files = sourceFiles(FOLDERS);

/** One function of each kind, three lines each. */
const KINDS = `
function declared() {
  return 1;
}
const arrow = () => {
  return 2;
};
const expression = function () {
  return 3;
};
class Shape {
  constructor() {
    this.x = 1;
  }
  method() {
    return 4;
  }
  get size() {
    return 5;
  }
}
`;

describe('the size of the code', () => {
  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const over = files
      .map((f) => ({ file: f, lines: lineCount(f) }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(over).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines, measured with TypeScript's parser`, () => {
    const over = files
      .flatMap((f) => functionSizes(f))
      .filter((s) => s.lines > MAX_FUNCTION_LINES)
      .map((s) => `${s.file}:${s.line} ${s.name}: ${s.lines} lines`);
    expect(over).toEqual([]);
  });

  it('measures every kind of function: declarations, methods, arrows, expressions, constructors', () => {
    const kinds = functionSizes('kinds.ts', KINDS).map((s) => `${s.name}:${s.lines}`);
    expect(kinds).toEqual([
      'declared:3',
      'arrow:3',
      'expression:3',
      'Shape.constructor:3',
      'Shape.method:3',
      'Shape.size:3',
    ]);
  });
});
