import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/import-graph.js';
import {
  docFiles,
  githubSlug,
  headingAnchors,
  markdownLinks,
  proseLines,
  readDoc,
  tableCells,
} from '../support/markdown.js';

/** The README is the front door: read at once, the rest one link away. */
const README_MAX_LINES = 250;
/** A table cell longer than this is prose that belongs below the table. */
const CELL_MAX_CHARS = 200;

describe('the docs', () => {
  const files = docFiles();

  it('lead from the README’s contents to deploy, check, upgrade and tear-down', () => {
    const readme = readDoc('README.md');
    const start = readme.indexOf('## Contents');
    const contents = readme.slice(start, readme.indexOf('\n## ', start + 3));
    const targets = markdownLinks(contents).map((l) => l.target);
    for (const page of [
      'docs/deploy.md',
      'docs/doctor.md',
      'docs/deploy.md#7-upgrading',
      'docs/deploy.md#8-tear-down',
    ])
      expect(targets, page).toContain(page);
  });

  it('give every cdk command that synthesizes the app a workspace, a workspace list or synthOnly', () => {
    // The app refuses to synthesize without a workspace, so no stack meets the placeholder.
    const bare = files.flatMap((file) =>
      readDoc(file)
        .split('\n')
        .map((text, i) => ({ text, line: i + 1 }))
        .filter(({ text }) =>
          /npx cdk (bootstrap|deploy|destroy|synth|diff)\b|npm run deploy\b/.test(text),
        )
        .filter(({ text }) => !/-c (workspaces?=|synthOnly=true)/.test(text))
        .map(({ text, line }) => `${file}:${line}: ${text.trim()}`),
    );
    expect(bare).toEqual([]);
  });

  it('show on the README’s first screen how to install and use the library, the CLI and the construct', () => {
    const readme = readDoc('README.md');
    const section = readme.slice(readme.indexOf('## Install and use'));
    const firstScreen = section.slice(0, section.indexOf('\n## ', 3));
    expect(readme.split('\n## ')[1]?.startsWith('Install and use')).toBe(true);
    for (const door of [
      'npm i piriod-mirror',
      "from 'piriod-mirror'",
      'npx piriod-mirror',
      "from 'piriod-mirror/cdk'",
      "new PiriodMirror(this, 'Mirror'",
    ])
      expect(firstScreen, door).toContain(door);
  });

  it('keep the README a front door of at most 250 lines', () => {
    const lines = readDoc('README.md').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('have no table cell over 200 characters', () => {
    const long = files.flatMap((file) =>
      proseLines(readDoc(file))
        .filter(({ text }) => text.trimStart().startsWith('|'))
        // The header's separator row (`|---|:---:|`) is markup, however wide it is padded.
        .filter(({ text }) => !/^[\s|:-]+$/.test(text))
        .flatMap(({ text, line }) =>
          tableCells(text)
            .filter((cell) => cell.length > CELL_MAX_CHARS)
            .map((cell) => `${file}:${line} (${cell.length}): ${cell.slice(0, 60)}…`),
        ),
    );
    expect(long).toEqual([]);
  });

  it('have only relative links and anchors that resolve', () => {
    const broken = files.flatMap((file) =>
      markdownLinks(readDoc(file))
        .filter(({ target }) => !/^[a-z][a-z+.-]*:/i.test(target))
        .filter(({ target }) => !resolves(file, target))
        .map(({ target, line }) => `${file}:${line} → ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('are every one linked from the README', () => {
    const linked = new Set(
      markdownLinks(readDoc('README.md')).map(({ target }) => normalize(target.split('#')[0]!)),
    );
    expect(files.filter((f) => f !== 'README.md' && !linked.has(f))).toEqual([]);
  });
});

describe('GitHub heading anchors', () => {
  it('drop punctuation and code marks, keep each space as a hyphen', () => {
    expect(githubSlug('CLI — `piriod-mirror <command>`')).toBe('cli--piriod-mirror-command');
    expect(githubSlug('7. Upgrading')).toBe('7-upgrading');
    expect(githubSlug('Freshness budget (webhook → table)')).toBe(
      'freshness-budget-webhook--table',
    );
  });

  it('number a repeated heading', () => {
    expect([...headingAnchors('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  });
});

/** Whether `target` (a path, `#anchor` or both), written in `file`, names something that exists. */
function resolves(file: string, target: string): boolean {
  const [path = '', anchor] = target.split('#');
  const dest = path === '' ? file : normalize(join(dirname(file), decodeURI(path)));
  if (dest.startsWith('..') || !existsSync(join(ROOT, dest))) return false;
  if (anchor === undefined) return true;
  if (statSync(join(ROOT, dest)).isDirectory() || !dest.endsWith('.md')) return false;
  return headingAnchors(readDoc(dest)).has(decodeURIComponent(anchor));
}
