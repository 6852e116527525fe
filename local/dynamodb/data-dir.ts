import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { SandboxError } from '../errors.js';

/** Marks a data dir as taken: LevelDB allows one process at a time, and dynalite crashes rather than say so. */
const LOCK_FILE = 'cvpn-guard-sandbox.lock';
/** Data dirs taken by sandboxes of this process. */
const claimedDirs = new Set<string>();

/** Takes a data dir for this sandbox, or says who holds it. A lock left by a process that died is taken over. */
export function claimDataDir(dataDir: string): string {
  const dir = resolvePath(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const holder = readHolder(lock);
  if (claimedDirs.has(dir) || (holder !== undefined && holder !== process.pid && isAlive(holder))) {
    const who = claimedDirs.has(dir) ? 'another sandbox in this process' : `another sandbox (process ${holder})`;
    throw new SandboxError(`data dir ${dataDir} is in use by ${who}; stop it, or choose another data dir`);
  }
  writeFileSync(lock, String(process.pid));
  claimedDirs.add(dir);
  return dir;
}

/** Gives a data dir back. */
export function releaseDataDir(dir: string): void {
  claimedDirs.delete(dir);
  try {
    unlinkSync(join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}

function readHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
