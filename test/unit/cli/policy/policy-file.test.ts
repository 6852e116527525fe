import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readPolicyFile } from '../../../../cli/policy/policy-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cvpn-guard-policy-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('readPolicyFile', () => {
  it('reads one JSON row', async () => {
    const path = await fileWith('one.json', '{"policyId": "a", "kind": "idle"}');
    expect(await readPolicyFile(path)).toEqual([{ where: path, item: { policyId: 'a', kind: 'idle' } }]);
  });

  it('reads a YAML list and names each row by position', async () => {
    const path = await fileWith('list.yaml', '- policyId: a\n  start: 07:00\n- policyId: b\n');
    expect(await readPolicyFile(path)).toEqual([
      { where: `${path} row 1`, item: { policyId: 'a', start: '07:00' } },
      { where: `${path} row 2`, item: { policyId: 'b' } },
    ]);
  });

  it('reads several YAML documents', async () => {
    const path = await fileWith('docs.yaml', 'policyId: a\n---\npolicyId: b\n');
    expect((await readPolicyFile(path)).map(({ item }) => item)).toEqual([{ policyId: 'a' }, { policyId: 'b' }]);
  });

  it('reads stdin for "-"', async () => {
    expect(await readPolicyFile('-', Readable.from(['policyId: a\n']))).toEqual([
      { where: 'stdin', item: { policyId: 'a' } },
    ]);
  });

  it('names the file and the line of a syntax error', async () => {
    const path = await fileWith('bad.yaml', 'policyId: a\nkind: [idle\n');
    await expect(readPolicyFile(path)).rejects.toThrow(
      new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON or YAML at line \\d+, column \\d+`),
    );
  });

  it('refuses a duplicate key instead of keeping the last', async () => {
    const path = await fileWith('dup.yaml', 'policyId: a\npolicyId: b\n');
    await expect(readPolicyFile(path)).rejects.toThrow(/is not valid JSON or YAML/);
  });

  it('says when the file is missing or empty', async () => {
    await expect(readPolicyFile(join(dir, 'nope.yaml'))).rejects.toThrow(
      `cannot read --file ${join(dir, 'nope.yaml')}: no such file`,
    );
    await expect(readPolicyFile(await fileWith('empty.yaml', '# nothing\n'))).rejects.toThrow(/holds no policy row/);
  });
});
