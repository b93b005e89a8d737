import { unzipSync } from 'fflate';
import { WeightsError } from '../errors/index.js';
import { type NpyArray, readNpy } from './npy.js';

/**
 * NumPy's `.npz`: a zip archive of `.npy` files, one per array (`np.savez`, stored; and
 * `np.savez_compressed`, deflated). Unzipped with fflate, each member read by {@link readNpy}.
 */
export function readNpz(bytes: Uint8Array, name = 'file'): Map<string, NpyArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new WeightsError(
      name,
      `${bytes.length} bytes`,
      `not a .npz file: it cannot be unzipped (${(error as Error).message})`,
    );
  }
  const arrays = new Map<string, NpyArray>();
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    const key = member.slice(0, -'.npy'.length);
    arrays.set(key, readNpy(data, `${name} › ${key}`));
  }
  return arrays;
}
