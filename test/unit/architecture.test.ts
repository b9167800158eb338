import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, partOf, ROOT, sourceFiles } from '../support/import-graph.js';
import { docFiles, readDoc } from '../support/markdown.js';

/**
 * The parts of the code and their layers, as the development map (docs/development.md) draws
 * them: a part imports only from parts of a lower layer (and from itself), so no import runs
 * back up and no two parts form a circle.
 */
const LAYERS: Record<string, number> = {
  // The product's base error (`PiriodMirrorError`, `isRetryable`) and the port failures:
  // below every other part, so any part's errors may extend it.
  'lib/errors.ts': -1,
  'lib/concurrency': 0,
  'lib/env-variables.ts': 0,
  'lib/loopback.ts': 0,
  'lib/plural.ts': 0,
  'lib/customer': 0,
  'lib/ports.ts': 1,
  // The pieces of configuration (Piriod, workspaces, the AWS side, how a value is checked);
  // lib/config.ts composes them into each entry point's loader.
  'lib/config': 1,
  // How every SDK client is built and bounded (timeouts, endpoints, errors): below both AWS
  // adapter parts, so the table's adapter does not stand on the other AWS adapters.
  'lib/sdk': 1,
  'lib/messages': 1,
  'lib/piriod': 2,
  'lib/aws': 2,
  'lib/store': 3,
  'lib/config.ts': 4,
  'lib/use-cases': 4,
  // The package's entry point: it may read the environment, like the other entry points.
  'lib/library.ts': 5,
  'lib/compose': 5,
  'lib/lambda': 5,
  functions: 6,
  infra: 6,
  // The tools sit above the product: the library that ships imports none of them.
  'tools/sandbox': 7,
  'tools/local': 7,
  'tools/cli': 8,
  'tools/dev': 9,
};

const edges = importsOf(sourceFiles(['lib', 'functions', 'infra', 'tools']));

describe('the structure of the code', () => {
  it('puts every file in a part with a layer', () => {
    const parts = new Set(sourceFiles(['lib', 'functions', 'infra', 'tools']).map(partOf));
    expect([...parts].filter((r) => LAYERS[r] === undefined)).toEqual([]);
  });

  it('has no import that runs back up a layer or sideways into another part', () => {
    const upward = edges
      .filter((e) => partOf(e.from) !== partOf(e.to))
      .filter((e) => (LAYERS[partOf(e.to)] ?? 99) >= (LAYERS[partOf(e.from)] ?? -1))
      .map((e) => `${e.from} → ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('has no circle between parts', () => {
    const next = new Map<string, Set<string>>();
    for (const e of edges) {
      const [a, b] = [partOf(e.from), partOf(e.to)];
      if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
    }
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (part: string, path: string[]) => {
      if (state.get(part) === 'done') return;
      if (state.get(part) === 'open') {
        circles.push([...path.slice(path.indexOf(part)), part].join(' → '));
        return;
      }
      state.set(part, 'open');
      for (const n of next.get(part) ?? []) visit(n, [...path, part]);
      state.set(part, 'done');
    };
    for (const part of next.keys()) visit(part, []);
    expect(circles).toEqual([]);
  });

  it('keeps the use cases off the adapter parts: they reach the world through the ports', () => {
    const reaching = edges
      .filter((e) => partOf(e.from) === 'lib/use-cases')
      .filter((e) => ['lib/piriod', 'lib/store', 'lib/aws'].includes(partOf(e.to)))
      .map((e) => `${e.from} → ${e.to}`);
    expect(reaching).toEqual([]);
  });

  it('reads the environment once: nothing in lib/ but the loaders and the package entry takes one', () => {
    // The entry points (the functions' last lines, the CLI, npm start, npm run dev) hand the
    // environment to lib/config.ts; composition and adapters take the typed values it returns.
    const takers = sourceFiles(['lib'])
      .filter((f) => !ENVIRONMENT_READERS.has(f))
      .filter((f) => TAKES_ENVIRONMENT.test(codeOf(f)));
    expect(takers).toEqual([]);
  });

  it('lets a function read process.env only in its entry, the handler module’s last statement', () => {
    const offenders = sourceFiles(['functions']).flatMap((f) => {
      const code = codeOf(f);
      const entry = code.lastIndexOf('export const handler =');
      if (entry < 0) return TAKES_ENVIRONMENT.test(code) ? [`${f}: reads it outside an entry`] : [];
      const problems: string[] = [];
      if (TAKES_ENVIRONMENT.test(code.slice(0, entry)))
        problems.push(`${f}: takes an environment before its entry`);
      // The entry is one statement, the last: nothing is declared after it.
      if (/;\s*\S/.test(code.slice(entry))) problems.push(`${f}: code after its entry`);
      return problems;
    });
    expect(offenders).toEqual([]);
  });

  it('declares the environment record type once, in lib/env-variables.ts', () => {
    const declarations = sourceFiles(['lib', 'functions', 'infra', 'tools'])
      .filter((f) => /\btype Env\b\s*=/.test(codeOf(f)))
      .filter((f) => f !== 'lib/env-variables.ts');
    expect(declarations).toEqual([]);
  });
});

/** The files that may take an environment: the loaders, their core and the package's entry. */
const ENVIRONMENT_READERS = new Set([
  'lib/config.ts',
  'lib/config/aws.ts',
  'lib/config/piriod.ts',
  'lib/config/variables.ts',
  'lib/config/workspaces.ts',
  'lib/env-variables.ts',
  'lib/library.ts',
]);

/** Reading `process.env`, naming the `Env` type, or a parameter or field called `env`. */
const TAKES_ENVIRONMENT = /\bprocess\.env\b|\bEnv\b|(?<![\w./-])env\??\s*:/;

/** A file's text without its comments (which may well mention `process.env`). */
function codeOf(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

describe('the development map', () => {
  const development = readDoc('docs/development.md');
  const map = development.slice(development.indexOf('## The development map'));

  it('names every part of the code', () => {
    const parts = [
      ...new Set(sourceFiles(['lib', 'functions', 'infra', 'tools', 'bench']).map(partOf)),
    ];
    const unnamed = parts.filter((r) => !map.includes(r.endsWith('.ts') ? r : `${r}/`));
    expect(unnamed).toEqual([]);
  });

  it('lists the same layers the structure test enforces', () => {
    for (const part of Object.keys(LAYERS)) expect(map).toContain(`\`${part}\``);
  });
});

describe('the README and docs/*.md', () => {
  it('mention only paths that exist', () => {
    // Paths in code spans and quotes (prose such as "test/live" is not a path); `.js`
    // specifiers name the `.ts` source.
    const missing = docFiles().flatMap((file) => {
      const paths = [
        ...readDoc(file).matchAll(
          /[`'"]\.?\/?((?:lib|tools|functions|infra|bench|test)\/[\w./-]*\w)/g,
        ),
      ].map((m) => (m[1] as string).replace(/\.js$/, '.ts'));
      return [...new Set(paths)]
        .filter((p) => !existsSync(join(ROOT, p)))
        .map((p) => `${file}: ${p}`);
    });
    expect(missing).toEqual([]);
  });
});
