import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './import-graph.js';

/** The project's Markdown documentation: `README.md` and every `docs/*.md`, repository-relative. */
export function docFiles(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs];
}

/** A repository-relative file's text. */
export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** One line of a Markdown file outside fenced code blocks, with its 1-based line number. */
export interface ProseLine {
  text: string;
  line: number;
}

/** The lines of a Markdown text outside fenced code blocks (a diagram's `|` is not a table). */
export function proseLines(markdown: string): ProseLine[] {
  const out: ProseLine[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ text, line: i + 1 });
  });
  return out;
}

/** The cells of a table row (`| a | b \| c |`), trimmed; `\|` stays inside its cell. */
export function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/**
 * The anchor GitHub gives a heading: its text (a link's label, code spans' contents) lower-cased,
 * everything but letters, digits, spaces, `-` and `_` dropped, each space a `-`.
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown text's headings, numbered as GitHub numbers repeats (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const slug = githubSlug(m[1] as string);
    const n = seen.get(slug) ?? 0;
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
    seen.set(slug, n + 1);
  }
  return anchors;
}

/** A Markdown link `[text](target)` outside code, with where it is. */
export interface MarkdownLink {
  target: string;
  line: number;
}

/** The inline links of a Markdown text, outside fenced blocks and inline code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  return proseLines(markdown).flatMap(({ text, line }) =>
    [...text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({
      target: m[1] as string,
      line,
    })),
  );
}
