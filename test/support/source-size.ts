import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './import-graph.js';

/** One function-like node of a source file and how many lines it spans. */
export interface FunctionSize {
  file: string;
  /** The function's name, or `<anonymous>`; `Class.method` for members of a class. */
  name: string;
  /** The 1-based line the function starts on. */
  line: number;
  lines: number;
}

/** How many lines a file holds, counted as an editor does (a final newline adds none). */
export function lineCount(file: string): number {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return text.replace(/\n$/, '').split('\n').length;
}

/**
 * Every function-like node of a file (function declarations and expressions, arrow
 * functions, methods, accessors, constructors), read with TypeScript's own parser, with the
 * lines it spans from its first token to its closing brace. `text` defaults to the file's.
 */
export function functionSizes(
  file: string,
  text = readFileSync(join(ROOT, file), 'utf8'),
): FunctionSize[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: FunctionSize[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name: nameOf(node), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function nameOf(node: ts.Node): string {
  const own = (n: ts.Node): string | undefined => {
    if (ts.isConstructorDeclaration(n)) return 'constructor';
    const name = (n as { name?: ts.Node }).name;
    if (name !== undefined && ts.isIdentifier(name)) return name.text;
    // An arrow function or function expression takes the name it is bound to.
    const parent = n.parent;
    if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) {
      if (ts.isIdentifier(parent.name)) return parent.name.text;
    }
    return undefined;
  };
  const name = own(node) ?? '<anonymous>';
  const owner = node.parent;
  if (owner && ts.isClassLike(owner) && owner.name) return `${owner.name.text}.${name}`;
  return name;
}
