import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Markdown files that ship with the code, relative to the repository root. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'SECURITY.md', ...docs, 'local/README.md'];
}

/** One fenced code block of a Markdown file. */
export interface FencedBlock {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** 1-based line of the closing fence (the last line of the text when the block is never closed). */
  readonly endLine: number;
  /** The info string (```sh-aws → `sh-aws`); empty when the fence has none. */
  readonly info: string;
  /** The lines between the fences, with the fence's own indentation removed. */
  readonly body: string;
}

const OPENING_FENCE = /^(\s*)(`{3,}|~{3,})\s*(.*)$/;

/**
 * The fenced code blocks of a Markdown text, in order. Fences may be indented (inside list items);
 * a block ends at a fence of the same character at least as long, or at the end of the text.
 */
export function fencedBlocks(file: string, text: string): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const opening = OPENING_FENCE.exec(lines[index] ?? '');
    if (!opening) continue;
    const [, indent = '', fence = '', info = ''] = opening;
    if (fence.startsWith('`') && info.includes('`')) continue; // an inline code span, not a fence
    const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length && !closing.test(lines[end] ?? ''); end += 1) {
      const line = lines[end] ?? '';
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    blocks.push({
      file,
      line: index + 1,
      endLine: Math.min(end + 1, lines.length),
      info: info.trim(),
      body: body.join('\n'),
    });
    index = end;
  }
  return blocks;
}

/** One link of a Markdown file: `[text](target)`, `[label]: target` or `<target>`. */
export interface MarkdownLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** The links of a Markdown text outside code blocks and code spans. */
export function markdownLinks(file: string, text: string): MarkdownLink[] {
  const inBlock = codeBlockLines(file, text);
  const links: MarkdownLink[] = [];
  text.split('\n').forEach((raw, index) => {
    if (inBlock.has(index + 1)) return;
    const line = raw.replace(/`[^`]*`/g, '');
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((match) => match[1]),
      ...[...line.matchAll(/<((?:https?|mailto|ftp):[^>\s]+)>/g)].map((match) => match[1]),
    ];
    for (const target of targets) if (target) links.push({ file, line: index + 1, target });
  });
  return links;
}

/** The anchors GitHub gives the headings of a Markdown text (`## The local sandbox` → `the-local-sandbox`). */
export function headingAnchors(file: string, text: string): Set<string> {
  const inBlock = codeBlockLines(file, text);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading || inBlock.has(index + 1)) return;
    const slug = (heading[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  });
  return anchors;
}

/** The 1-based numbers of the lines that belong to fenced code blocks, fences included. */
function codeBlockLines(file: string, text: string): Set<number> {
  const lines = new Set<number>();
  for (const block of fencedBlocks(file, text))
    for (let line = block.line; line <= block.endLine; line += 1) lines.add(line);
  return lines;
}

/** Reads a Markdown file of the repository. */
export function readMarkdown(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}
