import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One relative import of the project's own code. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type` only: erased at build time, but still a dependency of the design. */
  typeOnly: boolean;
}

/** The repository's root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** The TypeScript files under `folders` (repository-relative), skipping `node_modules`. */
export function sourceFiles(folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory() && e.name !== 'node_modules') walk(path);
      else if (e.isFile() && e.name.endsWith('.ts')) out.push(path);
    }
  };
  for (const f of folders) walk(f);
  return out.sort();
}

/** Every relative `import … from` / `export … from` of the given files, resolved. */
export function importsOf(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const pattern = /^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms;
  for (const from of files) {
    const text = readFileSync(join(ROOT, from), 'utf8');
    for (const m of text.matchAll(pattern)) {
      const target = resolve(join(ROOT, dirname(from)), (m[3] as string).replace(/\.js$/, '.ts'));
      edges.push({ from, to: relative(ROOT, target), typeOnly: m[2] !== undefined });
    }
  }
  return edges;
}

/**
 * The part of the code a file belongs to: a folder under `lib/` or `tools/` (`lib/store`,
 * `tools/cli`), a top-level module of `lib/` (`lib/ports.ts`), or the top folder
 * (`functions`, `infra`, `bench`).
 */
export function partOf(file: string): string {
  const segments = file.split('/');
  if (segments[0] !== 'lib' && segments[0] !== 'tools') return segments[0] as string;
  return segments.length === 2 ? file : `${segments[0]}/${segments[1]}`;
}
