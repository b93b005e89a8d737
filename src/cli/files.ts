import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { ConvlabError, NpyError, WeightsError } from '../errors/index.js';
import { isZipArchive } from '../io/state-dict.js';
import { npyPreamble, readNpyHeader } from '../io/npy.js';
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

/** Reads up to `length` bytes from `position` (fewer where the file ends first). */
function readAt(fd: number, length: number, position: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buffer, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/**
 * Opens `path` and hands `read` its descriptor and size: the one home of the head-first readers'
 * file handling. A file that cannot be opened or read is a usage error naming the flag; the
 * format's own errors (NpyError, WeightsError) pass through; the file is always closed.
 */
function readOpenFile<T>(flag: string, path: string, read: (fd: number, stat: Stats) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(flag, path, `cannot read the file: ${reason(error)}`);
  }
  try {
    return read(fd, fstatSync(fd));
  } catch (error) {
    if (error instanceof ConvlabError) throw error;
    throw new UsageError(flag, path, `cannot read the file: ${reason(error)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a `.npy` file head first: the magic string and the header are checked before the data is
 * read, and the data is read only up to what the header says (a 2 GB file that is not a .npy, or
 * /dev/zero, is refused after its first bytes).
 */
export function readNpyFileFor(flag: string, path: string, name: string): Uint8Array {
  return readOpenFile(flag, path, (fd, stat) => {
    const { dataStart } = npyPreamble(readAt(fd, 12, 0), name);
    const header = readNpyHeader(readAt(fd, dataStart, 0), name);
    const size = header.dataStart + header.count * header.itemSize;
    if (stat.isFile() && stat.size !== size)
      throw new NpyError(
        name,
        header.shape,
        `the header's shape needs ${header.count * header.itemSize} bytes of ${header.descr} data, but the file holds ${stat.size - header.dataStart}`,
      );
    // One byte more than needed shows a non-regular file that goes on (readNpy then says so).
    return readAt(fd, size + (stat.isFile() ? 0 : 1), 0);
  });
}

/** The safetensors format's own limit on its JSON header. */
const MAX_SAFETENSORS_HEADER = 100 * 2 ** 20;

/**
 * Reads a weights file (`.safetensors` or `.npz`) head first: a file that is neither — by its first
 * 8 bytes, and for safetensors a header length that fits the file and the format's 100 MB limit —
 * is refused before the rest is read (a 2 GB file of something else, or /dev/zero, at once).
 */
export function readWeightsFileFor(flag: string, path: string, name: string): Uint8Array {
  return readOpenFile(flag, path, (fd, stat) => {
    const head = readAt(fd, 8, 0);
    if (isZipArchive(head)) {
      // An archive's directory is at its end: the end-of-directory record (PK 5 6) must be in the
      // last 64 KiB + 22 bytes (its comment is at most 65,535 bytes), or the file is not a whole zip.
      const tailLength = Math.min(stat.size, 65_557);
      const tail = readAt(fd, tailLength, stat.size - tailLength);
      let found = false;
      for (let i = tail.length - 22; i >= 0 && !found; i--)
        found = tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06;
      if (!found)
        throw new WeightsError(
          name,
          `${stat.size} bytes`,
          'a zip archive without its end-of-directory record: truncated or not an .npz',
        );
    } else {
      const headerLength = head.length === 8 ? Number(new DataView(head.buffer).getBigUint64(0, true)) : 0;
      if (!stat.isFile() || headerLength < 2 || headerLength > MAX_SAFETENSORS_HEADER || 8 + headerLength > stat.size)
        throw new WeightsError(
          name,
          `${stat.isFile() ? stat.size : 'not a regular file,'} bytes`,
          'neither a .safetensors file (its 8-byte header length does not fit the file) nor an .npz archive',
        );
    }
    return readAt(fd, stat.size, 0);
  });
}

/** Removes a temporary file if it is there; a path that cannot hold one (a file as its folder) has none to remove. */
function removeQuietly(path: string): void {
  untrack(path);
  try {
    rmSync(path, { force: true });
  } catch {
    /* nothing was created there */
  }
}

/**
 * Temporary files are named `.<target>.<pid>.<random>.tmp`, beside their target. The ones this
 * process has open are removed if it is interrupted (SIGINT, SIGTERM); ones left by a process that
 * no longer exists (killed outright) are removed the next time convlab writes that target.
 */
const live = new Set<string>();
const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * While a temporary file is open, SIGINT and SIGTERM remove it before exiting (130, 143); with none
 * open the signals keep Node's default, so an interrupt during long work ends the process at once.
 */
const onInterrupt = (signal: 'SIGINT' | 'SIGTERM') => () => {
  for (const temporary of [...live]) removeQuietly(temporary);
  process.exit(signal === 'SIGINT' ? 130 : 143);
};
const handlers = { SIGINT: onInterrupt('SIGINT'), SIGTERM: onInterrupt('SIGTERM') };

function track(temporary: string): void {
  live.add(temporary);
  if (live.size === 1) for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
}

function untrack(temporary: string): void {
  if (!live.delete(temporary) || live.size > 0) return;
  for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function temporaryFor(path: string): string {
  const dir = dirname(path);
  const target = basename(path);
  try {
    for (const name of readdirSync(dir)) {
      const match = TEMPORARY.exec(name);
      if (match && match[1] === target && processIsGone(Number(match[2]))) removeQuietly(join(dir, name));
    }
  } catch {
    /* the folder cannot be read: writing there will fail and say why */
  }
  const temporary = join(dir, `.${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  track(temporary);
  return temporary;
}

/** Makes sure `dir` is a folder convlab can write into (creating it), before any work is done. */
export function prepareOutputFolder(flag: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      flag,
      dir,
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'cannot use it as a folder: a file of that name is in the way'
        : `cannot write into the folder: ${reason(error)}`,
    );
  }
}

/** Refuses an output path that is one of the command's input files (it would be overwritten). */
export function checkOutputIsNotInput(flag: string, output: string, inputs: (string | undefined)[]): void {
  const same = (a: string, b: string) => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return resolve(a) === resolve(b);
    }
  };
  const clash = inputs.find((input) => input !== undefined && same(output, input));
  if (clash !== undefined)
    throw new UsageError(flag, output, `is also an input of this command (${clash}): write the output elsewhere`);
}

/**
 * Writes a file all or nothing: the bytes go to a temporary name in the same directory, which is
 * then renamed over the target, so a failure never leaves a half-written file behind.
 */
export function writeFileAtomically(flag: string, path: string, bytes: Uint8Array): void {
  const temporary = temporaryFor(path);
  try {
    writeFileSync(temporary, bytes, { flag: 'wx' });
    renameSync(temporary, path);
    untrack(temporary);
  } catch (error) {
    removeQuietly(temporary);
    throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
  }
}

/**
 * Like {@link writeFileAtomically}, for output produced in chunks: `produce` is handed a `write`
 * that appends to a temporary file, renamed over `path` only once `produce` has returned.
 */
export async function writeStreamAtomically(
  flag: string,
  path: string,
  produce: (write: (bytes: Uint8Array) => void) => void | Promise<void>,
): Promise<void> {
  const temporary = temporaryFor(path);
  let fd: number;
  try {
    fd = openSync(temporary, 'wx');
  } catch (error) {
    throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
  }
  try {
    await produce((bytes) => {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    });
    closeSync(fd);
    renameSync(temporary, path);
    untrack(temporary);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    removeQuietly(temporary);
    if ((error as NodeJS.ErrnoException).code)
      throw new UsageError(flag, path, `cannot write the file: ${reason(error)}`);
    throw error;
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` (a layers file, an .onnx model), refusing a larger
 * one, naming what it is, before reading it.
 */
export function readWholeFileFor(flag: string, path: string, maxBytes: number, what: string): Uint8Array {
  return readOpenFile(flag, path, (fd, stat) => {
    if (!stat.isFile()) throw new UsageError(flag, path, 'not a regular file');
    if (stat.size > maxBytes)
      throw new UsageError(flag, path, `the file holds ${stat.size} bytes; ${what} may hold at most ${maxBytes}`);
    return readAt(fd, stat.size, 0);
  });
}
