import { describe, expect, it } from '@jest/globals';
import { fencedBlocks, headingAnchors, markdownLinks } from './support/markdown.js';
import { onSandbox } from './support/run-example.js';

describe('fencedBlocks', () => {
  it('finds each block with its info string, its opening line and its body', () => {
    // Arrange
    const text = [
      '# Title',
      '',
      '```sh',
      'cvpn-guard plan --sandbox',
      '```',
      '',
      '```sh-aws',
      'npx cdk deploy',
      '```',
    ].join('\n');

    // Act
    const blocks = fencedBlocks('page.md', text);

    // Assert
    expect(blocks.map(({ line, info, body }) => ({ line, info, body }))).toEqual([
      { line: 3, info: 'sh', body: 'cvpn-guard plan --sandbox' },
      { line: 7, info: 'sh-aws', body: 'npx cdk deploy' },
    ]);
  });

  it('reads a block indented in a list item, and a longer fence around a shorter one', () => {
    // Arrange
    const text = [
      '1. Step:',
      '   ```sh',
      '   echo one',
      '   ```',
      '',
      '````text',
      '```sh',
      'not a block',
      '```',
      '````',
    ].join('\n');

    // Act
    const blocks = fencedBlocks('page.md', text);

    // Assert
    expect(blocks.map(({ info, body }) => ({ info, body }))).toEqual([
      { info: 'sh', body: 'echo one' },
      { info: 'text', body: '```sh\nnot a block\n```' },
    ]);
  });

  it('gives an empty info string to a bare fence, and ends an unclosed block at the end of the text', () => {
    const blocks = fencedBlocks('page.md', ['~~~', 'ls', '~~~', '```console', 'npm test'].join('\n'));

    expect(blocks.map(({ info, body, endLine }) => ({ info, body, endLine }))).toEqual([
      { info: '', body: 'ls', endLine: 3 },
      { info: 'console', body: 'npm test', endLine: 5 },
    ]);
  });
});

describe('markdownLinks', () => {
  it('finds inline, reference and angle-bracket links, but none in code', () => {
    // Arrange
    const text = [
      'See [the CLI](docs/cli.md#commands) and <https://example.com>.',
      'Not `[a](b.md)` in a code span.',
      '```sh',
      'echo "[c](d.md)"',
      '```',
      '[ref]: ../outside.md',
    ].join('\n');

    // Act
    const links = markdownLinks('README.md', text);

    // Assert
    expect(links.map(({ line, target }) => ({ line, target }))).toEqual([
      { line: 1, target: 'docs/cli.md#commands' },
      { line: 1, target: 'https://example.com' },
      { line: 6, target: '../outside.md' },
    ]);
  });
});

describe('headingAnchors', () => {
  it('gives the anchors GitHub gives: lower case, punctuation dropped, spaces as hyphens, repeats numbered', () => {
    const text = ['## What `npm start` shows', '## Try it, then enforce it', '## Notes', '## Notes'].join('\n');

    expect([...headingAnchors('page.md', text)]).toEqual([
      'what-npm-start-shows',
      'try-it-then-enforce-it',
      'notes',
      'notes-1',
    ]);
  });
});

describe('onSandbox', () => {
  it('points the documented address and a bare --sandbox at the running sandbox, and nothing else', () => {
    const example = [
      'curl -fsS localhost:4566/_sandbox/clock',
      'export AWS_ENDPOINT_URL=http://127.0.0.1:4566',
      'cvpn-guard plan --sandbox',
      'cvpn-guard policy list --sandbox=http://127.0.0.1:4566 --kind idle',
      'cvpn-guard sandbox --port 4566',
    ].join('\n');

    expect(onSandbox(example, 'http://127.0.0.1:40123').split('\n')).toEqual([
      'curl -fsS 127.0.0.1:40123/_sandbox/clock',
      'export AWS_ENDPOINT_URL=http://127.0.0.1:40123',
      'cvpn-guard plan --sandbox=http://127.0.0.1:40123',
      'cvpn-guard policy list --sandbox=http://127.0.0.1:40123 --kind idle',
      'cvpn-guard sandbox --port 4566',
    ]);
  });
});
