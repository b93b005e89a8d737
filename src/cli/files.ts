import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './flags.js';

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    default:
      return (error as Error).message ?? String(error);
  }
}

/** Reads a whole file; a failure becomes a one-line usage error naming the flag. */
export function readFileFor(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(flag, path, `cannot read the file: ${reason(error)}`);
  }
}

/**
 * Writes a file all or nothing: the bytes go to a temporary name in the same directory, which is
 * then renamed over the target, so a failure never leaves a half-written file behind.
 */
export function writeFileAtomically(flag: string, path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
  }
}

/**
 * Like {@link writeFileAtomically}, for output produced in chunks: `produce` is handed a `write`
 * that appends to a temporary file, renamed over `path` only once `produce` has returned.
 */
export function writeStreamAtomically(
  flag: string,
  path: string,
  produce: (write: (bytes: Uint8Array) => void) => void,
): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temporary, 'wx');
  } catch (error) {
    throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
  }
  try {
    produce((bytes) => {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    });
    closeSync(fd);
    renameSync(temporary, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code)
      throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
    throw error;
  }
}
