import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { CliUsageError } from '../errors.js';

/** One row read from a file, with where it came from for messages. */
export interface FileRow {
  /** `file.yaml row 2` (or just the file name when the file holds one row). */
  readonly where: string;
  readonly item: unknown;
}

/**
 * Reads policy rows from a JSON or YAML file (`-` reads stdin): one row, a list of rows, or several YAML
 * documents. A file that cannot be read or parsed is a usage error naming the file and the line.
 */
export async function readPolicyFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<FileRow[]> {
  const text = await readText(path, stdin);
  const name = path === '-' ? 'stdin' : path;
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(documents))
    throw new CliUsageError(
      `${name} holds no policy row: expected a row (an object) or a list of rows, in JSON or YAML`,
    );
  const values: unknown[] = [];
  for (const document of documents) {
    const problem = document.errors[0];
    if (problem) {
      const line = problem.linePos?.[0];
      const at = line ? ` at line ${line.line}, column ${line.col}` : '';
      throw new CliUsageError(`${name} is not valid JSON or YAML${at}: ${problem.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // The yaml library refuses an alias bomb (a few lines that expand to millions of nodes) by throwing.
      throw new CliUsageError(
        `${name} is not a policy file: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) values.push(...value);
    else values.push(value);
  }
  if (values.length === 0)
    throw new CliUsageError(
      `${name} holds no policy row: expected a row (an object) or a list of rows, in JSON or YAML`,
    );
  return values.map((item, index) => ({ where: values.length === 1 ? name : `${name} row ${index + 1}`, item }));
}

async function readText(path: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : String(error);
    throw new CliUsageError(`cannot read --file ${path}: ${why}`, { cause: error });
  }
}
