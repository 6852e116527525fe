import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { documentationFiles, headingAnchors, markdownLinks, readMarkdown } from './support/markdown.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const links = documentationFiles(root).flatMap((file) => markdownLinks(file, readMarkdown(root, file)));

/** What is wrong with a link, or undefined when it leads somewhere in the repository. */
function problemOf(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//'))
    return 'points outside the repository: name the page instead, or link a file of the repository';
  const [path = '', anchor] = target.split('#', 2);
  const absolute = path === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(path));
  const inRepository = relative(root, absolute);
  if (inRepository.startsWith('..')) return 'leaves the repository';
  if (!existsSync(absolute)) return `${inRepository} does not exist`;
  if (anchor === undefined || !absolute.endsWith('.md') || statSync(absolute).isDirectory()) return undefined;
  const anchors = headingAnchors(inRepository, readMarkdown(root, inRepository));
  return anchors.has(anchor) ? undefined : `${inRepository} has no heading #${anchor}`;
}

describe('links in the docs', () => {
  it('lead to files and headings of the repository, never outside it', () => {
    // Act
    const broken = links.flatMap((link) => {
      const problem = problemOf(link.file, link.target);
      return problem ? [`${link.file}:${link.line}: ${link.target}: ${problem}`] : [];
    });

    // Assert
    expect(links.length).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });
});
